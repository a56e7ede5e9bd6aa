"""Plain functions the web and CLI layers call: submit a job, read it, cancel it, run a periodic job now,
and the health of the queue and its workers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from loa.auth.models import User
from loa.clock import utcnow
from loa.config import Settings
from loa.db import get_or_404
from loa.errors import UserError
from loa.jobs import queue, runner
from loa.jobs.models import Job, JobFile, PeriodicRun, WorkerBeat
from loa.jobs.registry import KINDS, PERIODIC, timing

_PENDING = "loa_jobs_to_enqueue"


def submit(
    db: Session,
    settings: Settings,
    kind: str,
    *,
    params: dict | None = None,
    user: User | None = None,
    title: str = "",
    file: tuple[str, str, bytes] | None = None,
    hold: bool = False,
) -> Job:
    """Record a job (with an uploaded ``file`` = (name, media type, bytes)); it is queued once the caller's
    transaction commits, so a worker never looks for a job that is not stored yet. With ``hold`` it waits
    for a person's confirmation (e.g. a column mapping) and :func:`release` queues it."""
    if kind not in KINDS:
        raise UserError(f"Loại công việc không rõ: {kind}", f"Unknown job kind: {kind}")
    job = Job(
        kind=kind,
        title=title or KINDS[kind].title,
        params=params or {},
        created_by_id=user.id if user else None,
        status="waiting" if hold else "queued",
    )
    if file:
        name, media_type, data = file
        job.files.append(JobFile(role="input", name=name, media_type=media_type, data=data))
    db.add(job)
    db.flush()
    if not hold:
        _enqueue_on_commit(db, settings, job)
    return job


def release(db: Session, settings: Settings, job: Job, params: dict) -> Job:
    """Queue a waiting job with the parameters the person confirmed."""
    if job.status != "waiting":
        raise UserError("Công việc này đã được xác nhận trước đó.", "This job was confirmed already.", 409)
    job.params, job.status = {**job.params, **params}, "queued"
    db.flush()
    _enqueue_on_commit(db, settings, job)
    return job


def input_file(db: Session, job: Job) -> JobFile | None:
    return next((f for f in job.files if f.role == "input"), None)


def _enqueue_on_commit(db: Session, settings: Settings, job: Job) -> None:
    if _PENDING not in db.info:
        db.info[_PENDING] = []
        event.listen(db, "after_commit", _enqueue_after_commit)
        event.listen(db, "after_soft_rollback", _forget)
    db.info[_PENDING].append((settings, job.id))
    return job


def _enqueue_after_commit(db: Session) -> None:
    waiting, db.info[_PENDING] = db.info.get(_PENDING, []), []
    for settings, job_id in waiting:
        queue.enqueue_job(settings, job_id)


def _forget(db: Session, _previous) -> None:
    db.info[_PENDING] = []


def get_job(db: Session, job_id: int) -> Job:
    return get_or_404(db, Job, job_id, "Không tìm thấy công việc.", "Job not found.")


def visible(job: Job, user: User) -> bool:
    """Who submitted a job, and administrators, see it."""
    return user.has_role("admin") or job.created_by_id == user.id


def recent_jobs(db: Session, limit: int = 50) -> list[Job]:
    return list(db.scalars(select(Job).order_by(Job.id.desc()).limit(limit)))


def cancel(db: Session, job: Job) -> Job:
    """A queued job is cancelled at once; a running one stops at its next step (what it committed stays)."""
    if job.finished:
        raise UserError("Công việc đã kết thúc, không thể hủy.", "The job has already ended.", 409)
    if job.status in ("queued", "waiting"):
        job.status, job.finished_at, job.message = "cancelled", utcnow(), "Đã hủy trước khi bắt đầu."
    else:
        job.cancel_requested, job.message = True, "Đang hủy…"
    db.flush()
    return job


def output(job: Job) -> JobFile | None:
    return next((f for f in job.files if f.role == "output"), None)


def title(job: Job, lang: str) -> str:
    """The job's title in ``lang`` (a kind's own title has its English; a custom one stays as written)."""
    kind = KINDS.get(job.kind)
    return kind.title_en if lang == "en" and kind and job.title == kind.title else job.title


def as_dict(job: Job) -> dict:
    return {
        "id": job.id,
        "kind": job.kind,
        "title": job.title,
        "status": job.status,
        "progress": round(job.progress, 4),
        "message": job.message,
        "counts": job.counts,
        "errors": job.errors,
        "result": job.result,
        "url": f"/jobs/{job.id}",
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "file_url": f"/jobs/{job.id}/file" if output(job) else None,
    }


def periodic_status(db: Session, settings: Settings) -> list[dict]:
    """Every periodic job with its timing and its last run; ``overdue`` when it should have run by now."""
    rows = {r.name: r for r in db.scalars(select(PeriodicRun))}
    now, out = utcnow(), []
    for name, job in sorted(PERIODIC.items()):
        row, when = rows.get(name), timing(settings, name)
        late_after = row.next_run_at if row and row.next_run_at else None
        overdue = when != "off" and late_after is not None and now - late_after > timedelta(minutes=5)
        out.append(
            {
                "name": name,
                "title": job.title,
                "title_en": job.title_en,
                "timing": when,
                "next_run_at": row.next_run_at if row else None,
                "last_started_at": row.last_started_at if row else None,
                "last_finished_at": row.last_finished_at if row else None,
                "last_outcome": row.last_outcome if row else "",
                "last_message": row.last_message if row else "",
                "last_duration_s": row.last_duration_s if row else None,
                "runs": row.runs if row else 0,
                "running": bool(row and row.lease_until and row.lease_until > now),
                "overdue": overdue,
            }
        )
    return out


def run_now(settings: Settings, name: str) -> dict:
    """Run periodic job ``name`` here and now (``loa jobs run``), unless a worker is running it."""
    if name not in PERIODIC:
        raise UserError(
            f"Không có công việc định kỳ “{name}”. Có: {', '.join(sorted(PERIODIC))}.",
            f"No periodic job “{name}”. Known: {', '.join(sorted(PERIODIC))}.",
            404,
        )
    if not runner.claim_periodic(settings, name, utcnow(), due_only=False):
        raise UserError(f"“{name}” đang chạy ở một tiến trình khác.", f"“{name}” is running elsewhere.", 409)
    return runner.run_periodic(settings, name)


def health(db: Session, settings: Settings) -> dict:
    """What /healthz reports: the queue, its depth, the last worker heartbeat, overdue periodic jobs."""
    last = db.scalar(select(func.max(WorkerBeat.beat_at)))
    age = (utcnow() - last).total_seconds() if last else None
    overdue = [p["name"] for p in periodic_status(db, settings) if p["overdue"]]
    running = db.scalar(select(func.count()).select_from(Job).where(Job.status == "running"))
    return {
        "queue": queue.describe(settings),
        "queue_depth": queue.pending(settings),
        "worker_heartbeat_age_s": round(age, 1) if age is not None else None,
        "jobs_running": running,
        "periodic_overdue": overdue,
        "stale": settings.broker_url != "immediate" and (age is None or age > 180 or bool(overdue)),
    }

"""Running jobs and periodic work inside a worker: claims, progress, cancellation, heartbeats, recovery.

Every claim is one conditional UPDATE, so that however many workers receive the same message, one runs it.
A job killed with its worker keeps status ``running`` with a heartbeat that stops; ``recover`` queues it again
and the handler resumes (handlers are written to be run again safely)."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from loa.clock import utcnow
from loa.config import Settings
from loa.db import session_scope
from loa.errors import UserError
from loa.jobs.models import Job, JobFile, PeriodicRun, WorkerBeat
from loa.jobs.registry import KINDS, PERIODIC, next_run, timing

log = logging.getLogger("loa.jobs")
WORKER = f"{socket.gethostname()}:{os.getpid()}"
MAX_ATTEMPTS = 3
PERIODIC_LEASE = timedelta(hours=1)


class Cancelled(Exception):
    """Raised inside a job when someone asked to cancel it; a handler that kept part of its work re-raises it
    with a message saying what is stored."""

    def __init__(self, message: str = "Đã hủy theo yêu cầu trước khi lưu: dữ liệu không thay đổi."):
        super().__init__(message)
        self.message = message


class JobContext:
    """What a job handler gets: its settings, who submitted it, its input file, progress and cancellation."""

    def __init__(self, settings: Settings, job: Job):
        self.settings, self.job_id, self.user_id = settings, job.id, job.created_by_id
        self.attempt = job.attempts
        self._last_write = 0.0

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction whose audit rows name the person who submitted the job."""
        with session_scope(self.settings.db_url, actor_id=self.user_id, source="job") as db:
            yield db

    def input(self) -> tuple[str, bytes]:
        """The uploaded file (name, bytes) the job was submitted with."""
        with self.session() as db:
            row = db.scalar(select(JobFile).where(JobFile.job_id == self.job_id, JobFile.role == "input"))
            if row is None:
                raise UserError("Công việc không có tệp đầu vào.", "The job has no input file.")
            return row.name, row.data

    def drop_input(self) -> None:
        """Forget the uploaded file once it is no longer needed (it may hold personal data not yet scrubbed)."""
        with session_scope(self.settings.db_url) as db:
            db.execute(delete(JobFile).where(JobFile.job_id == self.job_id, JobFile.role == "input"))

    def progress(
        self, fraction: float | None = None, message: str | None = None, force: bool = False, **counts
    ) -> None:
        """Record progress (0..1), a message and counts so far; raise Cancelled when cancel was asked.
        Writes at most twice a second unless ``force``."""
        now = time.monotonic()
        if not force and now - self._last_write < 0.5:
            return
        self._last_write = now
        with session_scope(self.settings.db_url) as db:
            job = db.get(Job, self.job_id)
            if fraction is not None:
                job.progress = max(0.0, min(1.0, fraction))
            if message is not None:
                job.message = message
            if counts:
                job.counts = {**job.counts, **counts}
            job.heartbeat_at = utcnow()
            cancel = job.cancel_requested
        if cancel:
            raise Cancelled()

    def output(self, name: str, media_type: str, data: bytes) -> None:
        """Keep a produced file (a report, a ZIP) for download from the job page; a retried job replaces the
        file of the same name it produced before."""
        with session_scope(self.settings.db_url) as db:
            db.execute(
                delete(JobFile).where(JobFile.job_id == self.job_id, JobFile.role == "output", JobFile.name == name)
            )
            db.add(JobFile(job_id=self.job_id, role="output", name=name, media_type=media_type, data=data))


def _claim(settings: Settings, job_id: int) -> Job | None:
    with session_scope(settings.db_url) as db:
        now = utcnow()
        claimed = db.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == "queued")
            .values(
                status="running", started_at=now, heartbeat_at=now, attempts=Job.attempts + 1, worker=WORKER, message=""
            )
        ).rowcount
        return db.get(Job, job_id) if claimed else None


def _finish(settings: Settings, job_id: int, **values) -> None:
    with session_scope(settings.db_url) as db:
        job = db.get(Job, job_id)
        for key, value in values.items():
            setattr(job, key, value)
        job.finished_at = job.heartbeat_at = utcnow()


def _beat_while(settings: Settings, job_id: int, stop: threading.Event) -> None:
    every = max(1.0, settings.job_stale_s / 4)
    while not stop.wait(every):
        try:
            with session_scope(settings.db_url) as db:
                db.execute(update(Job).where(Job.id == job_id, Job.status == "running").values(heartbeat_at=utcnow()))
        except Exception:  # a missed beat is retried on the next one
            log.warning("heartbeat of job %s failed", job_id, exc_info=True)


def execute(settings: Settings, job_id: int) -> None:
    """Run one queued job to its end (done, failed or cancelled). A job another worker holds is left alone."""
    job = _claim(settings, job_id)
    if job is None:
        return
    kind = KINDS.get(job.kind)
    if kind is None:
        _finish(settings, job_id, status="failed", message=f"Loại công việc không rõ: {job.kind}")
        return
    stop = threading.Event()
    beat = threading.Thread(target=_beat_while, args=(settings, job_id, stop), daemon=True)
    beat.start()
    started = time.monotonic()
    try:
        result = kind.fn(JobContext(settings, job), **job.params) or {}
    except Cancelled as exc:
        _finish(settings, job_id, status="cancelled", message=exc.message)
    except UserError as exc:
        _finish(
            settings,
            job_id,
            status="failed",
            message=exc.message,
            errors=exc.details,
            result={"message_en": exc.message_en},
        )
    except Exception as exc:
        log.exception("job %s (%s) failed", job_id, job.kind)
        _finish(
            settings,
            job_id,
            status="failed",
            message=f"Hệ thống gặp lỗi khi chạy công việc ({type(exc).__name__}). Dữ liệu đã lưu đến lô cuối "
            f"cùng được giữ nguyên; có thể chạy lại.",
        )
    else:
        _finish(
            settings,
            job_id,
            status="done",
            progress=1.0,
            result=result,
            message=result.get("message", "") if isinstance(result, dict) else "",
        )
    finally:
        stop.set()
        log.info("job %s (%s) ended after %.1f s", job_id, job.kind, time.monotonic() - started)


def recover(settings: Settings) -> list[int]:
    """Mark queued again the jobs whose worker went silent (killed) and those queued long ago that nobody took
    (a lost message), and return them for the queue to send; a job that already died ``MAX_ATTEMPTS`` times
    fails instead."""
    now = utcnow()
    stale = now - timedelta(seconds=settings.job_stale_s)
    again = []
    with session_scope(settings.db_url) as db:
        rows = db.scalars(
            select(Job).where(
                or_(
                    (Job.status == "running") & (Job.heartbeat_at < stale),
                    (Job.status == "queued")
                    & (Job.created_at < stale)
                    & (Job.heartbeat_at.is_(None) | (Job.heartbeat_at < stale)),
                )
            )
        ).all()
        for job in rows:
            if job.status == "running" and job.attempts >= MAX_ATTEMPTS:
                job.status, job.finished_at = "failed", now
                job.message = f"Tiến trình chạy công việc đã dừng đột ngột {job.attempts} lần; đã ngừng thử lại."
                continue
            # a conditional update, so that two workers recovering at once queue it once
            done = db.execute(
                update(Job)
                .where(Job.id == job.id, Job.status == job.status, Job.heartbeat_at == job.heartbeat_at)
                .values(status="queued", heartbeat_at=now)
            ).rowcount
            if done:
                again.append(job.id)
    return again


def beat(settings: Settings, worker: str = WORKER) -> None:
    """This worker's heartbeat; its threads all beat at start, so the row may appear under one's feet."""
    with session_scope(settings.db_url) as db:
        if db.execute(update(WorkerBeat).where(WorkerBeat.worker == worker).values(beat_at=utcnow())).rowcount:
            return
        try:
            with db.begin_nested():
                db.add(WorkerBeat(worker=worker, started_at=utcnow(), beat_at=utcnow()))
        except IntegrityError:
            pass  # another thread's beat, this instant


def _ensure_rows(db: Session, settings: Settings, now: datetime) -> None:
    """A row per periodic job: interval jobs are due at once, daily ones at their next hour. Every worker thread
    ticks at start, so another may add the same row at the same moment: its row stands."""
    known = set(db.scalars(select(PeriodicRun.name)))
    for name in PERIODIC:
        if name not in known:
            first = now if timing(settings, name).startswith("every") else next_run(timing(settings, name), now)
            try:
                with db.begin_nested():
                    db.add(PeriodicRun(name=name, next_run_at=first))
            except IntegrityError:
                pass


def claim_periodic(settings: Settings, name: str, now: datetime, due_only: bool = True) -> bool:
    """Take the lease of periodic job ``name`` if it is due (or, with ``due_only=False``, whenever nobody
    holds it). One UPDATE: of several workers asking at once, one gets it."""
    with session_scope(settings.db_url) as db:
        _ensure_rows(db, settings, now)
        cond = [PeriodicRun.name == name, or_(PeriodicRun.lease_until.is_(None), PeriodicRun.lease_until < now)]
        if due_only:
            cond.append(or_(PeriodicRun.next_run_at.is_(None), PeriodicRun.next_run_at <= now))
        return (
            db.execute(
                update(PeriodicRun).where(*cond).values(lease_until=now + PERIODIC_LEASE, last_started_at=now)
            ).rowcount
            == 1
        )


def run_periodic(settings: Settings, name: str) -> dict:
    """Run a periodic job whose lease this worker holds, and record its outcome, duration and next run."""
    job = PERIODIC[name]
    started, clock = utcnow(), time.monotonic()
    try:
        message, outcome = str(job.fn(settings) or ""), "ok"
    except Exception as exc:
        log.exception("periodic job %s failed", name)
        message, outcome = (exc.message if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"), "failed"
    duration = time.monotonic() - clock
    with session_scope(settings.db_url) as db:
        row = db.get(PeriodicRun, name)
        if row is None:  # run directly, never claimed
            row = PeriodicRun(name=name, last_started_at=started, runs=0)
            db.add(row)
        row.lease_until, row.last_finished_at = None, utcnow()
        row.last_outcome, row.last_message, row.last_duration_s = outcome, message[:2000], round(duration, 3)
        row.runs += 1
        row.next_run_at = next_run(timing(settings, name), row.last_started_at or started)
    return {"name": name, "outcome": outcome, "message": message, "duration_s": round(duration, 3)}


def due(settings: Settings) -> list[str]:
    """The periodic jobs due now that this worker won the lease of (the queue sends them)."""
    now = utcnow()
    return [
        name
        for name in PERIODIC
        if timing(settings, name).strip().lower() != "off" and claim_periodic(settings, name, now)
    ]

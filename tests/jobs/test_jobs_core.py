"""The job core in immediate mode: submit → run → done / failed / cancelled, progress, files, the job page and
the API, permissions, periodic claims and timings."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from loa.db import utcnow
from loa.errors import UserError
from loa.jobs import queue, registry, runner, service
from loa.jobs.models import Job, PeriodicRun, WorkerBeat

CALLS: list = []


@registry.task("test.echo", "Thử nghiệm", "Test")
def _echo(ctx, text: str = "", fail: str = "", cancel_at: int = -1):
    name, data = ctx.input() if text == "file" else ("", b"")
    for i in range(5):
        if i == cancel_at:
            with ctx.session() as db:
                db.get(Job, ctx.job_id).cancel_requested = True
        ctx.progress(i / 5, f"bước {i}", force=True, steps=i + 1)
    if fail == "user":
        raise UserError("Dòng 3: thiếu cột text.", "Line 3: no text column.", details=[{"line": 3, "problem": "x"}])
    if fail == "crash":
        raise RuntimeError("boom")
    ctx.output("ket-qua.txt", "text/plain", (text + data.decode()).encode())
    return {"message": "Xong.", "url": "/somewhere", "echo": text}


@registry.periodic("test.tick", "every 1m", "Việc thử", "Test job")
def _periodic(settings):
    CALLS.append(utcnow())
    return f"lần {len(CALLS)}"


def submit(db, settings, user=None, **params):
    job = service.submit(
        db,
        settings,
        "test.echo",
        params=params,
        user=user,
        file=("in.txt", "text/plain", b" + tep") if params.get("text") == "file" else None,
    )
    db.commit()  # immediate mode: the job runs right after the commit
    db.expire_all()
    return db.get(Job, job.id)


def test_job_runs_after_commit_with_progress_result_and_file(db, settings, people):
    job = submit(db, settings, user=people["editor"], text="file")
    assert job.status == "done" and job.progress == 1.0 and job.message == "Xong."
    assert job.counts == {"steps": 5} and job.attempts == 1 and job.finished_at is not None
    assert service.output(job).data == b"file + tep"


def test_a_retried_job_replaces_its_output(db, settings):
    job = submit(db, settings, text="a")
    job.status, job.attempts = "queued", 1
    db.commit()
    runner.execute(settings, job.id)
    db.expire_all()
    assert [f.name for f in db.get(Job, job.id).files] == ["ket-qua.txt"]


def test_rolled_back_submission_never_runs(db, settings):
    service.submit(db, settings, "test.echo", params={"text": "a"})
    db.rollback()
    db.commit()
    assert db.scalar(select(Job)) is None


def test_failures_keep_their_message_and_lines(db, settings):
    assert (j := submit(db, settings, fail="user")).status == "failed"
    assert j.message == "Dòng 3: thiếu cột text." and j.errors == [{"line": 3, "problem": "x"}]
    crashed = submit(db, settings, fail="crash")
    assert crashed.status == "failed" and "RuntimeError" in crashed.message


def test_cancel_requested_during_run_stops_at_next_step(db, settings):
    job = submit(db, settings, cancel_at=2)
    assert job.status == "cancelled" and job.counts == {"steps": 3}  # the step that saw the request


def test_unknown_kind_is_refused(db, settings):
    with pytest.raises(UserError):
        service.submit(db, settings, "nope", params={})


def test_job_page_api_and_visibility(app, login, db, settings, people):
    job = submit(db, settings, user=people["editor"], text="file")
    editor, viewer, admin = login("editor"), login("viewer"), login("admin")
    page = editor.get(f"/jobs/{job.id}")
    assert page.status_code == 200 and "Hoàn thành" in page.text and f"/jobs/{job.id}/file" in page.text
    data = editor.get(f"/api/v1/jobs/{job.id}").json()
    assert data["status"] == "done" and data["progress"] == 1.0 and data["kind"] == "test.echo"
    assert data["result"]["echo"] == "file"
    assert editor.get(f"/jobs/{job.id}/file").content == b"file + tep"
    assert viewer.get(f"/api/v1/jobs/{job.id}").status_code == 404
    assert admin.get(f"/api/v1/jobs/{job.id}").status_code == 200
    assert editor.post(f"/api/v1/jobs/{job.id}/cancel").status_code == 409


def test_cancel_a_queued_job(db, settings, people):
    job = Job(kind="test.echo", title="x", params={}, created_by_id=people["editor"].id)
    db.add(job)
    db.commit()
    service.cancel(db, job)
    db.commit()
    assert job.status == "cancelled"
    runner.execute(settings, job.id)  # a late message for it changes nothing
    db.expire_all()
    assert db.get(Job, job.id).status == "cancelled"


def test_a_running_job_whose_worker_died_is_queued_again_and_finishes(db, settings):
    job = Job(
        kind="test.echo",
        title="x",
        params={"text": "again"},
        status="running",
        attempts=1,
        heartbeat_at=utcnow() - timedelta(seconds=settings.job_stale_s + 5),
        created_at=utcnow(),
    )
    db.add(job)
    db.commit()
    assert queue.recover(settings) == [job.id]  # immediate mode: runs again at once
    db.expire_all()
    again = db.get(Job, job.id)
    assert again.status == "done" and again.attempts == 2 and again.result["echo"] == "again"


def test_periodic_job_is_claimed_once_and_records_its_run(db, settings):
    now = utcnow()
    assert runner.claim_periodic(settings, "test.tick", now)
    assert not runner.claim_periodic(settings, "test.tick", now)  # a second worker asking at once
    CALLS.clear()
    out = runner.run_periodic(settings, "test.tick")
    assert out["outcome"] == "ok" and len(CALLS) == 1
    row = db.get(PeriodicRun, "test.tick")
    assert row.last_outcome == "ok" and row.runs == 1 and row.lease_until is None
    assert row.next_run_at - row.last_started_at == timedelta(minutes=1)
    assert not runner.claim_periodic(settings, "test.tick", utcnow())  # not due again yet
    assert runner.claim_periodic(settings, "test.tick", utcnow() + timedelta(minutes=2))


def test_worker_threads_starting_together_each_tick_without_error(db, settings):
    """Every thread of a worker ticks at start (heartbeat, periodic rows, claims) at the same instant: the rows are
    made once, one thread wins each due job and none fails."""
    now, gate = utcnow(), threading.Barrier(8)

    def first_tick(_: int) -> list[str]:
        gate.wait()
        runner.beat(settings, "vm:1")
        return [name for name in ("test.tick",) if runner.claim_periodic(settings, name, now)]

    with ThreadPoolExecutor(8) as pool:
        won = [name for names in pool.map(first_tick, range(8)) for name in names]
    assert won == ["test.tick"]
    assert db.scalar(select(func.count()).select_from(WorkerBeat)) == 1
    assert db.scalar(select(func.count()).select_from(PeriodicRun)) == len(registry.PERIODIC)


def test_timings():
    assert registry.parse_timing("every 5m") == ("every", 300)
    assert registry.parse_timing("daily 07:30") == ("daily", 450)
    assert registry.parse_timing("off") == ("off", 0)
    for bad in ("every 2s", "daily 25:00", "hourly", ""):
        with pytest.raises(UserError):
            registry.parse_timing(bad)
    after = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # 08:00 in Vietnam
    assert registry.next_run("daily 07:00", after) == datetime(2026, 12, 8, 0, 0, tzinfo=UTC)
    assert registry.next_run("daily 09:00", after) == datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def test_healthz_reports_the_queue(client):
    data = client.get("/healthz").json()
    assert data["status"] == "ok" and data["jobs"]["queue"] == "immediate"
    assert data["jobs"]["stale"] is False


def test_cleanup_drops_unconfirmed_uploads_and_old_files(db, settings):
    from loa.jobs.jobs import cleanup
    from loa.jobs.models import JobFile

    old = utcnow() - timedelta(days=8)
    waiting = Job(kind="test.echo", title="x", params={}, status="waiting", created_at=utcnow() - timedelta(hours=2))
    fresh = Job(kind="test.echo", title="x", params={}, status="waiting")
    done = Job(kind="test.echo", title="x", params={}, status="done", created_at=old, finished_at=old)
    done.files.append(JobFile(role="output", name="r.pdf", data=b"%PDF"))
    db.add_all([waiting, fresh, done])
    db.commit()
    ids = waiting.id, fresh.id, done.id
    assert cleanup(settings).startswith("1 tải lên chưa xác nhận, 1 tệp, 0")
    db.expire_all()
    assert [db.get(Job, i) is not None for i in ids] == [False, True, True]
    assert db.scalar(select(JobFile)) is None


def test_without_a_worker_the_dashboard_and_healthz_warn(settings, people):
    from loa.web.app import create_app
    from tests.conftest import login_client

    app = create_app(settings.model_copy(update={"broker_url": ""}), migrate=False)  # a real queue, no worker
    admin = login_client(app, people["admin"].username)
    health = admin.get("/healthz").json()
    assert health["jobs"]["stale"] is True and health["jobs"]["worker_heartbeat_age_s"] is None
    assert health["jobs"]["queue"].startswith("SQLite") and health["jobs"]["queue_depth"] == 0
    assert 'data-testid="jobs-stale"' in admin.get("/").text
    page = admin.get("/admin/jobs")
    assert page.status_code == 200 and "listening.poll" in page.text and 'data-testid="jobs-stale"' in page.text
    assert login_client(app, people["coordinator"].username).get("/admin/jobs").status_code == 403
    assert 'data-testid="jobs-stale"' not in login_client(app, people["viewer"].username).get("/").text
    runner.beat(settings)  # a worker's heartbeat clears the warning
    assert admin.get("/healthz").json()["jobs"]["stale"] is False


def test_admin_runs_a_periodic_job_now(login, db, settings):
    admin = login("admin")
    r = admin.post("/admin/jobs/test.tick/run", follow_redirects=False)
    assert r.status_code == 303
    assert db.get(PeriodicRun, "test.tick").runs == 1  # immediate mode: it ran
    assert admin.post("/admin/jobs/nope/run").status_code == 404
    assert login("coordinator").post("/admin/jobs/test.tick/run").status_code == 403


def test_a_listening_upload_keeps_neither_author_column_nor_its_raw_file(login, db):
    from loa.jobs.models import JobFile
    from loa.listening.models import Item

    c = login("coordinator")
    data = "text,time,author\nGọi 0912345678 hỏi lịch tiêm ở xã,2021-10-05 08:00,Nguyễn Văn A\n".encode()
    r = c.post("/api/v1/listening/import", files={"file": ("x.csv", data, "text/csv")})
    assert r.status_code == 202 and c.get(r.json()["job"]["url"]).json()["status"] == "done"
    db.expire_all()
    assert db.scalar(select(JobFile)) is None  # the upload (unscrubbed text) is gone once imported
    assert "0912345678" not in db.scalar(select(Item.text))

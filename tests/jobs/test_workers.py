"""Real `loa worker` processes: periodic work claimed once across workers, a job run through the queue, a
worker killed mid-import and the job finished by another with nothing lost or doubled."""

from __future__ import annotations

import csv
import io
import os
import random
import time
from datetime import timedelta

from sqlalchemy import func, select

from loa.db import session_scope, utcnow
from loa.jobs import service as jobs
from loa.jobs.models import Job, PeriodicRun
from loa.listening import service as listening
from loa.listening.models import DailyCount, ImportJob, Item, Source
from tests.jobs.conftest import off_except, wait_for

KILL_POSTS = int(os.environ.get("LOA_TEST_KILL_POSTS", "2500"))


def posts_csv(n: int, seed: int = 3) -> bytes:
    """``n`` citizen posts over 28 days, about one in ten a repost of an earlier one."""
    rng = random.Random(seed)
    topics = [
        "tiêm vắc xin mũi nhắc lại ở trạm y tế",
        "giá xét nghiệm PCR",
        "sốt sau khi tiêm",
        "trẻ em đi học trực tiếp",
        "cách ly tại nhà bao nhiêu ngày",
        "thuốc điều trị F0 tại nhà",
        "người già bị ho kéo dài",
        "lịch tiêm cho học sinh",
    ]
    out, earlier = io.StringIO(), []
    writer = csv.writer(out)
    writer.writerow(["text", "time", "likes"])
    for i in range(n):
        if earlier and rng.random() < 0.1:
            text = rng.choice(earlier)
        else:
            text = (
                f"Người dân ấp {i} hỏi về {rng.choice(topics)}, lần thứ {rng.randint(1, 10**6)} "
                f"ở xã {rng.randint(1, 99)}"
            )
            earlier.append(text)
        writer.writerow([text, f"2021-10-{1 + i % 28:02d} {8 + i % 10:02d}:00", rng.randint(0, 50)])
    return out.getvalue().encode()


def queued(settings):
    """The same instance with the real SQLite queue instead of immediate mode."""
    return settings.model_copy(update={"broker_url": ""})


def test_a_due_feed_is_polled_once_although_two_workers_run(settings, db, procs, worker_env, feed_server):
    url, hits = feed_server
    listening.create_source(db, name="Báo Trà Vinh", url=url)
    db.commit()
    env = dict(worker_env, LOA_PERIODIC=off_except("listening.poll"), LOA_FETCH_ALLOW_HOSTS="127.0.0.1")
    for name in ("a", "b"):
        procs.start(["worker"], env, f"worker-{name}")
    wait_for(lambda: db.scalar(select(Source.last_ok_at)) is not None, 90, what="the feed to be polled")
    time.sleep(3)  # both workers have ticked by now
    db.expire_all()
    assert len(hits) == 1
    assert [i.text for i in db.scalars(select(Item))][0].startswith("Trà Vinh mở thêm 12 điểm tiêm")
    run = db.get(PeriodicRun, "listening.poll")
    assert run.runs == 1 and run.last_outcome == "ok" and run.next_run_at > run.last_started_at


def test_a_failing_job_shows_its_error_through_the_worker(settings, db, people, procs, worker_env, login):
    job = jobs.submit(
        db,
        queued(settings),
        "listening.import",
        params={"filename": "x.csv"},
        user=people["admin"],
        file=("x.csv", "text/csv", b"text,time\nHoi ve vac xin,not-a-time\n"),
    )
    db.commit()
    procs.start(["worker"], worker_env, "worker")
    wait_for(
        lambda: (
            db.scalar(select(Job.status).where(Job.id == job.id).execution_options(populate_existing=True))
            in ("done", "failed")
        ),
        90,
        what="the job to end",
    )
    c = login("admin")
    data = c.get(f"/api/v1/jobs/{job.id}").json()
    assert data["status"] == "failed" and data["errors"][0]["row"] == 1 and "dòng" in data["message"]
    assert "Thất bại" in c.get(f"/jobs/{job.id}").text
    assert db.scalar(select(Item)) is None


def stored(url: str) -> dict:
    """What an import leaves: every story with its copies, engagement, day and topics, the daily aggregates,
    the import's counts."""
    with session_scope(url) as db:
        return {
            "items": sorted(
                (i.text, i.copies, i.engagement, i.day, tuple(i.subcategories)) for i in db.scalars(select(Item))
            ),
            "counts": sorted(
                (c.day, c.topic, c.items, c.reach, c.questions, c.concerns, c.negative)
                for c in db.scalars(select(DailyCount))
            ),
            "import": [(j.position, j.added, j.reposts, j.duplicates, j.status) for j in db.scalars(select(ImportJob))],
        }


def test_worker_killed_mid_import_then_another_finishes_it_without_loss_or_doubles(
    settings, db, people, procs, worker_env, tmp_path, monkeypatch
):
    """``KILL_POSTS`` posts (default 2,500 to keep CI short; the issue's 20,000 with LOA_TEST_KILL_POSTS=20000, about
    2 minutes); an uninterrupted import into a second database is the reference."""
    data = posts_csv(KILL_POSTS)
    reference = f"sqlite:///{tmp_path / 'reference.sqlite3'}"
    from loa.db import upgrade

    upgrade(reference)
    monkeypatch.setenv("LOA_SEMANTIC", "0")
    with session_scope(reference) as ref:
        listening.run_import(ref, listening.start_import(ref, data, "posts.csv"), data)

    job = jobs.submit(
        db,
        queued(settings),
        "listening.import",
        params={"filename": "posts.csv"},
        user=people["admin"],
        file=("posts.csv", "text/csv", data),
    )
    db.commit()

    def rows() -> int:
        db.expire_all()
        return db.get(Job, job.id).counts.get("rows", 0)

    first = procs.start(["worker"], worker_env, "worker-killed")
    wait_for(lambda: rows() >= 1000, 300, what="two committed batches")
    procs.kill(first)
    assert rows() < KILL_POSTS and db.get(Job, job.id).status == "running"
    time.sleep(4)  # the killed worker's job is stale after LOA_JOB_STALE_S=3
    procs.start(["worker"], worker_env, "worker-second")
    wait_for(
        lambda: (
            db.scalar(select(Job.status).where(Job.id == job.id).execution_options(populate_existing=True)) == "done"
        ),
        600,
        what="the retried job",
    )
    db.expire_all()
    finished = db.get(Job, job.id)
    assert finished.attempts == 2 and finished.counts["rows"] == KILL_POSTS
    got, want = stored(settings.db_url), stored(reference)
    assert got["items"] == want["items"]
    assert got["counts"] == want["counts"]
    assert got["import"] == want["import"]


def test_cancel_stops_an_import_at_its_last_committed_batch(settings, db, people, procs, worker_env, login):
    data = posts_csv(2500)
    job = jobs.submit(
        db,
        queued(settings),
        "listening.import",
        params={"filename": "posts.csv"},
        user=people["coordinator"],
        file=("posts.csv", "text/csv", data),
    )
    db.commit()
    procs.start(["worker"], worker_env, "worker")
    c = login("coordinator")
    wait_for(
        lambda: c.get(f"/api/v1/jobs/{job.id}").json()["counts"].get("rows", 0) >= 500,
        300,
        what="a first committed batch",
    )
    assert c.post(f"/api/v1/jobs/{job.id}/cancel").json()["message"] == "Đang hủy…"
    final = wait_for(
        lambda: (d := c.get(f"/api/v1/jobs/{job.id}").json())["status"] in ("cancelled", "done") and d,
        120,
        what="the cancel",
    )
    assert final["status"] == "cancelled" and "lô cuối cùng" in final["message"]
    db.expire_all()
    imp = db.scalar(select(ImportJob))
    assert 500 <= imp.position < 2500 and imp.position % 500 == 0 and "tải lại cùng tệp" in imp.error
    assert final["counts"]["rows"] == imp.position  # what the page states is what is stored
    stories = db.scalar(select(func.count()).select_from(Item))
    assert (
        stories == imp.added
        and sum(
            c.items
            for c in db.scalars(
                select(DailyCount).where(DailyCount.topic == 0, DailyCount.district == "", DailyCount.language == "")
            )
        )
        == stories
    )
    assert "Đã hủy" in c.get(f"/jobs/{job.id}").text


def test_two_workers_share_an_import_and_store_exactly_what_one_would(
    settings, db, people, procs, worker_env, tmp_path, monkeypatch
):
    """Chunks of 250 rows: helper jobs prepare the chunks ahead on the other worker while the import merges
    them in file order; an in-process import into a second database is the reference."""
    from loa.db import upgrade
    from loa.jobs.models import WorkerBeat
    from loa.listening.models import ImportChunk

    data = posts_csv(2500, seed=5)
    reference = f"sqlite:///{tmp_path / 'reference.sqlite3'}"
    upgrade(reference)
    monkeypatch.setenv("LOA_SEMANTIC", "0")
    with session_scope(reference) as ref:
        listening.run_import(ref, listening.start_import(ref, data, "posts.csv"), data)

    env = dict(worker_env, LOA_LISTENING_CHUNK_SIZE="250")
    for name in ("a", "b"):
        procs.start(["worker"], env, f"worker-{name}")
    wait_for(lambda: db.scalar(select(func.count()).select_from(WorkerBeat)) == 2, 120, what="both workers")
    job = jobs.submit(
        db,
        queued(settings),
        "listening.import",
        params={"filename": "posts.csv"},
        user=people["admin"],
        file=("posts.csv", "text/csv", data),
    )
    db.commit()

    def finished() -> Job | None:
        db.expire_all()
        found = db.get(Job, job.id)
        return found if found.finished else None

    imported = wait_for(finished, 600, what="the import")
    assert imported.status == "done", imported.message
    got, want = stored(settings.db_url), stored(reference)
    assert got["items"] == want["items"]
    assert got["counts"] == want["counts"]
    assert got["import"] == want["import"]

    def helpers() -> list[Job] | None:  # they stop on their own once the import has ended
        db.expire_all()
        found = list(db.scalars(select(Job).where(Job.kind == "listening.prepare")))
        return found if all(h.finished for h in found) else None

    prepared = wait_for(helpers, 120, what="the helper jobs")
    assert prepared and all(h.status == "done" for h in prepared), [(h.status, h.message) for h in prepared]
    assert sum(h.result["chunks"] for h in prepared if h.worker != imported.worker) > 0  # on the other process
    assert db.scalar(select(ImportChunk)) is None  # the working copies are gone


def test_a_slot_due_a_minute_ago_is_published_by_the_worker(settings, db, people, procs, worker_env):
    from loa.content import service as content
    from loa.content.models import Schedule

    channel = content.create_channel(db, "Cổng thông tin điện tử tỉnh", "portal")
    item = content.create_item(
        db,
        kind="article",
        title="Lịch tiêm vắc xin tuần này",
        body="Trạm y tế các xã tiêm vắc xin mũi nhắc lại từ thứ Hai.",
        author=people["editor"],
    )
    content.submit(db, item, people["editor"])
    content.approve(db, item, people["reviewer"])
    slot = content.schedule(db, item, people["editor"], channel, utcnow() - timedelta(minutes=1))
    db.commit()
    procs.start(["worker"], dict(worker_env, LOA_PERIODIC=off_except("content.publish_due")), "worker")
    wait_for(
        lambda: (
            db.scalar(select(Schedule.status).where(Schedule.id == slot.id).execution_options(populate_existing=True))
            == "published"
        ),
        90,
        what="the slot to be published",
    )
    # the run's outcome is recorded after the handler's own commit: wait for it too
    last = select(PeriodicRun.last_message).where(PeriodicRun.name == "content.publish_due")
    wait_for(lambda: db.scalar(last.execution_options(populate_existing=True)), 30, what="the run's outcome")
    assert db.scalar(last) == "Đã đăng 1 lượt, bỏ lỡ 0 lượt."

"""The task queue: Huey with its SQLite storage on one machine (no extra service), Redis for several machines,
or an immediate mode that runs each job as it is submitted (tests, one-off commands).

Only three messages travel through it: "run job N", "run periodic job X" and the minute tick."""

from __future__ import annotations

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

from loa.config import Settings
from loa.errors import UserError
from loa.jobs import runner


def describe(settings: Settings) -> str:
    """The queue in words, without credentials."""
    url = settings.broker_url
    if not url:
        return f"SQLite ({settings.data_dir / 'queue.sqlite3'})"
    if url == "immediate":
        return "immediate"
    return url.split("://", 1)[0] + "://" + url.rsplit("@", 1)[-1].split("://")[-1]


_instances: dict[tuple, Huey] = {}


def huey_for(settings: Settings) -> Huey:
    """The queue of these settings (one instance per broker, data directory and database in a process)."""
    key = (settings.broker_url, str(settings.data_dir.resolve()), settings.db_url)
    if key not in _instances:
        _instances[key] = _create(settings)
    return _instances[key]


def _create(settings: Settings) -> Huey:
    url = settings.broker_url
    if url == "immediate":
        huey = MemoryHuey("loa", immediate=True)
    elif not url:
        huey = SqliteHuey("loa", filename=str(settings.data_dir / "queue.sqlite3"), timeout=30)
    elif url.startswith(("redis://", "rediss://", "unix://")):
        huey = RedisHuey("loa", url=url)
    else:
        raise UserError(
            f"LOA_BROKER_URL “{describe(settings)}” không được hỗ trợ: để trống (SQLite, một máy) hoặc dùng redis://…",
            f"Unsupported LOA_BROKER_URL “{describe(settings)}”: leave it empty (SQLite, one machine) or use redis://…",
        )

    @huey.task(name="loa.job")
    def job(job_id: int) -> None:
        runner.execute(settings, job_id)

    @huey.task(name="loa.periodic")
    def periodic(name: str) -> None:
        runner.run_periodic(settings, name)

    @huey.periodic_task(crontab(), name="loa.tick")
    def tick() -> None:
        """Every minute on every worker: heartbeat, recover lost jobs, start the periodic jobs that are due."""
        runner.beat(settings)
        recover(settings)
        for name in runner.due(settings):
            enqueue_periodic(settings, name)

    @huey.on_startup()
    def first_tick() -> None:
        tick()

    huey.loa_tasks = {"job": job, "periodic": periodic, "tick": tick}
    return huey


def enqueue_job(settings: Settings, job_id: int) -> None:
    huey_for(settings).loa_tasks["job"](job_id)


def enqueue_periodic(settings: Settings, name: str) -> None:
    huey_for(settings).loa_tasks["periodic"](name)


def recover(settings: Settings) -> list[int]:
    """Send again the jobs ``runner.recover`` found lost."""
    again = runner.recover(settings)
    for job_id in again:
        enqueue_job(settings, job_id)
    return again


def pending(settings: Settings) -> int | None:
    """Messages waiting in the queue (None when the queue cannot be reached)."""
    try:
        return huey_for(settings).pending_count()
    except Exception:
        return None

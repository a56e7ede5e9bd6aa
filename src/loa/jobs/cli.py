"""``loa worker`` (jobs and the schedule) and ``loa jobs list|run`` for operators."""

from __future__ import annotations

import logging
import threading

import typer

from loa import modules
from loa.clitools import cli_session, echo_json, fail, settings
from loa.db import upgrade
from loa.errors import UserError
from loa.jobs import queue, runner, service
from loa.search import store


def worker(threads: int = typer.Option(0, "--threads", help="Jobs run at once (default LOA_WORKER_THREADS)")) -> None:
    """Run background jobs and the periodic schedule until stopped (Ctrl-C finishes the running jobs)."""
    s = settings()
    if s.broker_url == "immediate":
        fail(
            "LOA_BROKER_URL=immediate chạy công việc ngay khi gửi, không cần tiến trình nền / "
            "with LOA_BROKER_URL=immediate jobs run when submitted; no worker is needed."
        )
    upgrade(s.db_url)
    modules.load_jobs()
    store.use(s, background=True)  # this worker's periodic jobs rebuild the stored indexes
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        huey = queue.huey_for(s)
    except UserError as exc:
        fail(f"{exc.message}\n{exc.message_en}")
    stop = threading.Event()

    def beat_forever() -> None:
        while not stop.wait(15):
            try:
                runner.beat(s)
            except Exception:
                logging.getLogger("loa.jobs").warning("heartbeat failed", exc_info=True)

    runner.beat(s)
    threading.Thread(target=beat_forever, daemon=True).start()
    typer.echo(f"loa worker {runner.WORKER}: {queue.describe(s)}, {threads or s.worker_threads} luồng / threads")
    try:
        huey.create_consumer(workers=threads or s.worker_threads, worker_type="thread", periodic=True).run()
    finally:
        stop.set()


def jobs_list() -> None:
    """Every periodic job with its timing and last run, then the latest jobs."""
    s = settings()
    modules.load_jobs()
    with cli_session() as db:
        for p in service.periodic_status(db, s):
            last = p["last_started_at"].isoformat(timespec="seconds") if p["last_started_at"] else "-"
            flag = " TRỄ/OVERDUE" if p["overdue"] else ""
            typer.echo(
                f"{p['name']:28} {p['timing']:14} last={last} {p['last_outcome'] or '-'}"
                f" {p['last_duration_s'] if p['last_duration_s'] is not None else '-'}s{flag}"
            )
        for job in service.recent_jobs(db, 20):
            typer.echo(f"#{job.id:<6} {job.kind:28} {job.status:10} {job.progress:4.0%} {job.message[:60]}")


def jobs_run(name: str) -> None:
    """Run periodic job NAME now, here (refused while a worker runs it)."""
    modules.load_jobs()
    s = settings()
    upgrade(s.db_url)
    try:
        echo_json(service.run_now(s, name))
    except UserError as exc:
        fail(f"{exc.message}\n{exc.message_en}")


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
    jobs_app = typer.Typer(help="Công việc nền / background jobs.", no_args_is_help=True)
    jobs_app.command("list")(jobs_list)
    jobs_app.command("run")(jobs_run)
    app.add_typer(jobs_app, name="jobs")

"""Listening ingest throughput of one import with one and with two worker processes (PostgreSQL, Redis).

    python bench/listening_workers.py [--posts N] [--repeat R] [--json] [--admin-url URL] [--redis URL]

The same file of N synthetic posts (default 20,000; ``listening_throughput.stream``: about 1 in 10 a repost or
a near copy) is imported with one ``python -m loa.cli worker`` process, then with two. Each run gets a fresh
PostgreSQL database (created through the admin URL, default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``,
dropped afterwards) and an emptied Redis database (default ``redis://127.0.0.1:6379/14``); periodic jobs are off
and so is the semantic stage (``LOA_SEMANTIC=0``). The workers have reported in before the import job is
submitted; the time is the job's own, from its submission to its ``done`` (``finished_at − created_at``), the
loading of the models included. Each worker runs ``LOA_WORKER_THREADS`` jobs at once (default 2).

With ``--repeat R`` the pair of runs is made R times, alternating, and each number of workers keeps its fastest
run (other work on a shared machine only slows a run down). The table shows every run with the machine's load
average at its start and end, the CPU seconds the workers used and the chunks the helper jobs prepared, to tell
a lack of CPU from a lack of work.

``--json`` prints ``{"posts": N, "ingest_docs_per_s": {"1": x, "2": y}, "scaling": y/x}``; ``measure(posts)``
returns the same dict, with every run under ``runs``, for ``bench/backbone.py``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from listening_throughput import stream  # noqa: E402

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/14"


def posts_file(n: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["text", "time", "platform", "likes"])
    for post in stream(n):
        writer.writerow([post.text, post.published_at.isoformat(), post.platform, post.engagement])
    return out.getvalue().encode()


def _admin(admin_url: str, sql: str) -> None:
    import psycopg
    from sqlalchemy import make_url

    url = make_url(admin_url)
    with psycopg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname=url.database,
        autocommit=True,
    ) as conn:
        conn.execute(sql)


def _scalar(url: str, query):
    from loa.db import session_scope

    with session_scope(url) as db:
        return db.scalar(query)


def _cpu(procs: list[subprocess.Popen]) -> float:
    """CPU seconds the worker processes have used so far (Linux)."""
    ticks = 0
    for proc in procs:
        fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _until(check, timeout: float, procs: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if any(p.poll() is not None for p in procs):
            raise SystemExit("a worker stopped; its log is in the run's data directory")
        if time.monotonic() > deadline:
            raise SystemExit(f"nothing after {timeout} s")
        time.sleep(0.5)


def _stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(30)


def run(data: bytes, workers: int, admin_url: str = ADMIN_URL, redis_url: str = REDIS_URL) -> dict:
    """Import ``data`` with ``workers`` worker processes on a database of its own."""
    import redis
    from sqlalchemy import func, make_url, select

    from loa import modules
    from loa.config import Settings
    from loa.db import dispose_engines, session_scope, upgrade
    from loa.jobs import service as jobs
    from loa.jobs.models import FINISHED, Job, WorkerBeat
    from loa.jobs.registry import PERIODIC

    name = f"loa_bench_{uuid.uuid4().hex[:10]}"
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    tmp = tempfile.mkdtemp(prefix="loa-bench-")
    _admin(admin_url, f'CREATE DATABASE "{name}"')
    redis.Redis.from_url(redis_url).flushdb()
    procs: list[subprocess.Popen] = []
    try:
        upgrade(url)
        modules.load_jobs()
        settings = Settings(data_dir=Path(tmp), database_url=url, broker_url=redis_url)
        env = dict(
            os.environ,
            LOA_DATABASE_URL=url,
            LOA_BROKER_URL=redis_url,
            LOA_DATA_DIR=tmp,
            LOA_SEMANTIC="0",
            LOA_PERIODIC=json.dumps({n: "off" for n in PERIODIC}),
        )
        for i in range(workers):
            with open(Path(tmp) / f"worker-{i}.log", "w") as log:
                procs.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "loa.cli", "worker"],
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        _until(lambda: _scalar(url, select(func.count()).select_from(WorkerBeat)) >= workers, 180, procs)
        cpu, load = _cpu(procs), os.getloadavg()[0]
        with session_scope(url) as db:
            job_id = jobs.submit(
                db, settings, "listening.import", params={"filename": "posts.csv"}, file=("posts.csv", "text/csv", data)
            ).id
        _until(lambda: _scalar(url, select(Job.status).where(Job.id == job_id)) in FINISHED, 3600, procs)
        cpu, load = _cpu(procs) - cpu, (load, os.getloadavg()[0])
        helpers = (
            select(func.count()).select_from(Job).where(Job.kind == "listening.prepare", Job.status.not_in(FINISHED))
        )
        _until(lambda: _scalar(url, helpers) == 0, 120, procs)  # they stop on their own after the import
        with session_scope(url) as db:
            job = db.get(Job, job_id)
            if job.status != "done":
                raise SystemExit(f"import {job.status}: {job.message}")
            chunks = sum(
                h.result.get("chunks", 0) for h in db.scalars(select(Job).where(Job.kind == "listening.prepare"))
            )
            out = {
                "workers": workers,
                "seconds": round((job.finished_at - job.created_at).total_seconds(), 1),
                "worker_cpu_s": round(cpu, 1),
                "load": [round(x, 1) for x in load],
                "added": job.result["added"],
                "reposts": job.result["reposts"],
                "chunks_by_helpers": chunks,
            }
    finally:
        _stop(procs)
        dispose_engines()
        _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def measure(posts: int = 20_000, admin_url: str = ADMIN_URL, redis_url: str = REDIS_URL, repeat: int = 1) -> dict:
    """The same ``posts`` posts imported with one worker, then with two (``repeat`` times, fastest kept)."""
    data = posts_file(posts)
    runs = [run(data, workers, admin_url, redis_url) for _ in range(repeat) for workers in (1, 2)]
    rates = {str(w): round(posts / min(r["seconds"] for r in runs if r["workers"] == w), 1) for w in (1, 2)}
    return {"posts": posts, "ingest_docs_per_s": rates, "scaling": round(rates["2"] / rates["1"], 3), "runs": runs}


def main() -> None:
    args = sys.argv[1:]

    def option(name: str, default: str) -> str:
        return args[args.index(name) + 1] if name in args else default

    result = measure(
        int(option("--posts", "20000")),
        option("--admin-url", ADMIN_URL),
        option("--redis", REDIS_URL),
        int(option("--repeat", "1")),
    )
    if "--json" in args:
        print(json.dumps({k: result[k] for k in ("posts", "ingest_docs_per_s", "scaling")}))
        return
    print(f"posts: {result['posts']}  (PostgreSQL, Redis; {os.cpu_count()} CPUs on this machine)")
    print(
        f"{'workers':>7} {'seconds':>8} {'docs/s':>8} {'worker CPU s':>12} {'load avg':>11} {'stories':>8} "
        f"{'reposts':>8} {'chunks by helpers':>17}"
    )
    for r in result["runs"]:
        load = f"{r['load'][0]}→{r['load'][1]}"
        print(
            f"{r['workers']:>7} {r['seconds']:>8} {round(result['posts'] / r['seconds'], 1):>8} "
            f"{r['worker_cpu_s']:>12} {load:>11} {r['added']:>8} {r['reposts']:>8} {r['chunks_by_helpers']:>17}"
        )
    rates = result["ingest_docs_per_s"]
    print(
        f"docs/s (fastest run): 1 worker {rates['1']}, 2 workers {rates['2']}; "
        f"scaling {result['scaling']} (target ≥ 1.5)"
    )


if __name__ == "__main__":
    main()

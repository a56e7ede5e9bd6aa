"""Several machines' worth of processes: two web processes and two workers over one database and one queue
(PostgreSQL and Redis on the PostgreSQL run; SQLite and the SQLite queue, one machine, on the SQLite run). An upload
goes in through one web process; its job runs on a worker; its result is read through the other web process."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import BACKEND, run_cli
from tests.core.test_processes import fresh_postgres, serve_env, serving  # noqa: F401 (fixture)
from tests.jobs.conftest import REDIS_URL, off_except, wait_for
from tests.jobs.test_workers import posts_csv


@pytest.fixture
def cluster_env(tmp_path, request):
    """Per process kind: the environment of a web process and of a worker. On PostgreSQL every process has its own
    data directory (nothing shared but the database, the queue and the secret key)."""
    if BACKEND == "postgresql":
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        db_url, broker = request.getfixturevalue("fresh_postgres"), REDIS_URL
    else:
        db_url, broker = f"sqlite:///{tmp_path / 'shared' / 'loa.sqlite3'}", ""

    def env(name: str) -> dict:
        data = tmp_path / (name if BACKEND == "postgresql" else "shared")
        return dict(
            serve_env(data, db_url),
            LOA_BROKER_URL=broker,
            LOA_SECRET_KEY="cluster-secret",
            LOA_SEMANTIC="0",
            LOA_PERIODIC=off_except(),
            LOA_ARGON2_TIME_COST="1",
            LOA_ARGON2_MEMORY_KIB="8192",
        )

    return env


@pytest.mark.backend  # cluster_env: a fresh PostgreSQL database and Redis on the PostgreSQL run
def test_upload_through_one_web_process_read_through_the_other(tmp_path, cluster_env, procs):
    (tmp_path / "b").mkdir()
    with serving(tmp_path, cluster_env("web-a"), 1) as (a,), serving(tmp_path / "b", cluster_env("web-b"), 1) as (b,):
        admin = cluster_env("cli")
        assert (
            run_cli(["user", "add", "quantri", "--role", "admin", "--password", "mat-khau-dai-1"], admin).returncode
            == 0
        )
        token = run_cli(["token", "create", "quantri", "--name", "kiem-thu"], admin).stdout.strip()
        assert token.startswith("loa_")
        for name in ("worker-1", "worker-2"):
            procs.start(["worker"], cluster_env(name), name)
        auth = {"Authorization": f"Bearer {token}"}
        sent = httpx.post(
            f"http://127.0.0.1:{a.port}/api/v1/listening/import",
            headers=auth,
            timeout=30,
            files={"file": ("posts.csv", posts_csv(600), "text/csv")},
        )
        assert sent.status_code == 202, sent.text
        job = sent.json()["job"]
        assert job["status"] == "queued" and job["url"] == f"/api/v1/jobs/{job['id']}"

        def finished():
            data = httpx.get(f"http://127.0.0.1:{b.port}{job['url']}", headers=auth, timeout=10).json()
            return data if data["status"] in ("done", "failed") else None

        data = wait_for(finished, 180, every=0.5, what="the import job")
        assert data["status"] == "done" and data["counts"]["rows"] == 600 and data["result"]["added"] > 0
        health = httpx.get(f"http://127.0.0.1:{b.port}/healthz", timeout=10).json()["jobs"]
        assert health["worker_heartbeat_age_s"] is not None and health["queue"].startswith(
            "redis" if BACKEND == "postgresql" else "SQLite"
        )
        trends = httpx.get(f"http://127.0.0.1:{b.port}/api/v1/listening/trends", headers=auth, timeout=30).json()
        assert trends["topics"]

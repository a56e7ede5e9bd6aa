"""Several processes on one database: migrations run once under a lock, one secret key, `loa serve --workers N`."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from loa.config import Settings
from loa.db import all_migrations, applied_migrations, dispose_engines, upgrade
from tests.conftest import BACKEND

STARTUP_S = 60


@pytest.fixture
def fresh_postgres():
    """A new, empty PostgreSQL database (not migrated), dropped afterwards; skipped on the SQLite backend."""
    if BACKEND != "postgresql":
        pytest.skip("PostgreSQL backend only")
    base_url = os.environ.get("LOA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    name = f"loa_proc_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base_url.rsplit("/", 1)[0] + "/" + name
    finally:
        dispose_engines()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def at_heads(url: str) -> bool:
    """Whether the database records every migration as applied."""
    engine = create_engine(url)
    with engine.connect() as conn:
        heads = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    engine.dispose()
    return applied_migrations(url, heads) == all_migrations(url)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_env(data_dir: Path, db_url: str = "") -> dict:
    """Environment for `loa serve` on ``data_dir``; an empty ``db_url`` means SQLite under the data directory; no
    embedded worker unless a test asks for one."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    return dict(env, LOA_DATA_DIR=str(data_dir), LOA_DATABASE_URL=db_url, LOA_EMBEDDED_WORKER="false")


@contextmanager
def serving(tmp_path: Path, env: dict, count: int = 1, *args: str):
    """Start ``count`` `loa serve` processes at once, each on its own port; yield them once every one answers
    /healthz (``proc.port``, ``proc.log``); always stop them (with their worker processes) afterwards."""
    procs = []
    try:
        for i in range(count):
            port, log = free_port(), tmp_path / f"serve-{i}.log"
            with open(log, "w") as out:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "loa.cli", "serve", "--port", str(port), *args],
                    env=env,
                    cwd=tmp_path,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            proc.port, proc.log = port, log
            procs.append(proc)
        for proc in procs:
            wait_healthy(proc)
        yield procs
    finally:
        for proc in procs:
            stop(proc)


def wait_healthy(proc) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"loa serve exited with {proc.returncode}:\n{proc.log.read_text()}"
        try:
            if httpx.get(f"http://127.0.0.1:{proc.port}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"loa serve did not answer within {STARTUP_S}s:\n{proc.log.read_text()}")


def stop(proc) -> None:
    """Terminate the process group of ``proc``, then kill whatever is left of it (uvicorn's workers included)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(5)


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def assert_same_key(a, b) -> None:
    """A session cookie made by server ``a`` is valid on server ``b`` (it keeps the CSRF token stored in it)."""
    first = httpx.get(f"http://127.0.0.1:{a.port}/login")
    again = httpx.get(f"http://127.0.0.1:{b.port}/login", cookies={"loa_session": first.cookies["loa_session"]})
    assert csrf_token(again.text) == csrf_token(first.text)


def test_two_servers_start_together_on_an_empty_sqlite_data_dir(tmp_path):
    data = tmp_path / "data"
    with serving(tmp_path, serve_env(data), 2) as (a, b):
        assert_same_key(a, b)
    key = (data / "secret.key").read_text()
    assert re.fullmatch(r"[A-Za-z0-9_-]{64}", key)
    assert sorted(p.name for p in data.iterdir() if "secret" in p.name) == ["secret.key"]
    assert at_heads(f"sqlite:///{data / 'loa.sqlite3'}")


def test_two_servers_start_together_on_an_empty_postgresql_database(tmp_path, fresh_postgres):
    with serving(tmp_path, serve_env(tmp_path / "data", fresh_postgres), 2) as (a, b):
        assert_same_key(a, b)
    assert at_heads(fresh_postgres)


def test_serve_with_two_workers(tmp_path):
    with serving(tmp_path, serve_env(tmp_path / "data"), 1, "--workers", "2") as (parent,):
        deadline = time.monotonic() + STARTUP_S
        while len(workers := set(re.findall(r"Started server process \[(\d+)\]", parent.log.read_text()))) < 2:
            assert time.monotonic() < deadline, parent.log.read_text()
            time.sleep(0.1)
        assert len(workers) == 2 and str(parent.pid) not in workers
        for _ in range(4):
            assert httpx.get(f"http://127.0.0.1:{parent.port}/healthz").json()["status"] == "ok"


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.backend)])
def test_concurrent_upgrades_of_an_empty_database_all_succeed(backend, tmp_path, request):
    url = (
        request.getfixturevalue("fresh_postgres")
        if backend == "postgresql"
        else f"sqlite:///{tmp_path / 'loa.sqlite3'}"
    )
    start, errors = threading.Barrier(3), []

    def migrate():
        start.wait()
        try:
            upgrade(url)
        except Exception as exc:  # collected: an exception in a thread would not fail the test
            errors.append(exc)

    threads = [threading.Thread(target=migrate) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == [] and not any(t.is_alive() for t in threads)
    assert at_heads(url)


def test_a_secret_key_created_by_several_at_once_is_one_key(tmp_path):
    start, keys = threading.Barrier(8), []

    def prepare():
        start.wait()
        keys.append(Settings(data_dir=tmp_path, database_url="sqlite://", secret_key="").prepare().secret_key)

    threads = [threading.Thread(target=prepare) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(keys) == 8 and set(keys) == {(tmp_path / "secret.key").read_text()} and keys[0]


def test_serve_starts_a_worker_beside_itself_and_stops_it(tmp_path):
    env = dict(serve_env(tmp_path / "data"), LOA_EMBEDDED_WORKER="true")
    with serving(tmp_path, env) as (server,):
        deadline = time.monotonic() + STARTUP_S
        while (jobs := httpx.get(f"http://127.0.0.1:{server.port}/healthz").json()["jobs"])[
            "worker_heartbeat_age_s"
        ] is None:
            assert time.monotonic() < deadline, server.log.read_text()
            time.sleep(0.2)
        assert jobs["queue"].startswith("SQLite") and jobs["stale"] is False
        children = subprocess.run(
            ["pgrep", "-f", "loa.cli worker", "-g", str(server.pid)], capture_output=True, text=True
        ).stdout.split()
        assert len(children) == 1
    deadline = time.monotonic() + 15
    while subprocess.run(["pgrep", "-g", str(server.pid)], capture_output=True).returncode == 0:  # not all gone
        assert time.monotonic() < deadline, "the embedded worker outlived loa serve"
        time.sleep(0.2)

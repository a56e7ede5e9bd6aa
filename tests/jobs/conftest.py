"""Real worker processes (`loa worker`) on this test's database, the SQLite queue or Redis, and a local feed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REDIS_URL = os.environ.get("LOA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def wait_for(check, timeout: float = 60, every: float = 0.2, what: str = "condition"):
    """Poll ``check()`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


class Processes:
    """Start `loa` subprocesses with a log file each; kill them all at the end."""

    def __init__(self, logs: Path):
        self.logs, self.running = logs, []
        logs.mkdir(parents=True, exist_ok=True)

    def start(self, args: list[str], env: dict, name: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "loa.cli", *args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        proc.log_path = self.logs / f"{name}.log"
        self.running.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen, sig=signal.SIGKILL) -> None:
        os.killpg(proc.pid, sig)
        proc.wait(30)

    def stop_all(self) -> None:
        for proc in self.running:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(30)


@pytest.fixture
def procs(tmp_path):
    p = Processes(tmp_path / "logs")
    yield p
    p.stop_all()


@pytest.fixture
def worker_env(settings) -> dict:
    """Environment of a `loa worker` on this test's database with the SQLite queue in the data directory;
    a job whose worker is silent for 3 s is retried; only the periodic jobs a test names run."""
    return dict(
        os.environ,
        LOA_DATA_DIR=str(settings.data_dir),
        LOA_DATABASE_URL=settings.db_url,
        LOA_BROKER_URL="",
        LOA_JOB_STALE_S="3",
        LOA_SEMANTIC="0",
        LOA_ARGON2_TIME_COST="1",
        LOA_ARGON2_MEMORY_KIB="8192",
        LOA_PROVINCE="Trà Vinh",
        LOA_PERIODIC=off_except(),
    )


def off_except(*names: str) -> str:
    """LOA_PERIODIC turning off every periodic job but ``names``."""
    import json

    from loa import modules
    from loa.jobs.registry import PERIODIC

    modules.load_jobs()
    return json.dumps({n: "off" for n in PERIODIC if n not in names})


RSS = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Báo Trà Vinh</title>
<item><title>Trà Vinh mở thêm 12 điểm tiêm vắc xin cho người dân</title><link>https://bao.example/1</link>
<description>Người dân từ 18 tuổi trở lên được tiêm mũi nhắc lại tại trạm y tế xã.</description>
<pubDate>Tue, 05 Oct 2021 08:00:00 +0700</pubDate></item></channel></rss>""".encode()


@pytest.fixture
def feed_server():
    """A local RSS feed that counts the requests it answers."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.end_headers()
            self.wfile.write(RSS)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/feed.xml", hits
    server.shutdown()

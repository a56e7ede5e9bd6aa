"""Hostile uploads against a running server: how long each takes to be refused, how much memory the server
takes meanwhile, and whether /healthz keeps answering.

    python bench/upload_bombs.py [--json]

The corpus is ``tests/core/upload_bombs.py`` (made in memory: zip bombs of 2 GiB dressed as .docx and .xlsx, a
2-million-row workbook of 128 KB, billion laughs and external entities in Office parts and in a feed, 5,000
entries). The app runs under uvicorn in this process (SQLite, jobs run at once, as in the tests) with a
coordinator's API token; each bomb is sent to the endpoint that reads its kind (.docx → ``POST
/api/v1/plans/parse``, .xlsx → ``POST /api/v1/bulletins/imports``, feed → ``POST /api/v1/listening/import``)
while one thread samples the process's resident memory every 5 ms and another asks /healthz every 50 ms.

``refused_s``: from sending to the refusal (for a job: to its failed status); ``extra_mb``: peak resident memory
above the level just before; ``healthz_max_ms``: the slowest /healthz answer while the bomb was handled.
Targets: every bomb refused in ≤ 2 s with ≤ 150 MB extra memory, /healthz answering throughout.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.conftest import settings_for  # noqa: E402
from tests.core.upload_bombs import BOMBS  # noqa: E402

TARGET_S, TARGET_MB = 2.0, 150
ENDPOINTS = {
    "docx": ("/api/v1/plans/parse", "ke-hoach.docx", {}),
    "xlsx": ("/api/v1/bulletins/imports", "so-lieu.xlsx", {"dry_run": "true"}),
    "feed": ("/api/v1/listening/import", "nguon-tin.xml", {}),
}
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * PAGE


class Sampler:
    """The peak resident memory of this process, sampled every 5 ms while running."""

    def __init__(self):
        self.peak, self.running = rss(), True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss())
            time.sleep(0.005)

    def stop(self) -> int:
        self.running = False
        self.thread.join()
        return max(self.peak, rss())


class Health:
    """/healthz asked every 50 ms from its own client; the slowest answer (or a failure) is kept."""

    def __init__(self, base: str):
        self.base, self.slowest, self.failures, self.running = base, 0.0, 0, True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as c:
            while self.running:
                started = time.perf_counter()
                try:
                    ok = c.get("/healthz").status_code == 200
                except httpx.HTTPError:
                    ok = False
                self.slowest = max(self.slowest, time.perf_counter() - started)
                self.failures += not ok
                time.sleep(0.05)

    def stop(self) -> tuple[float, int]:
        self.running = False
        self.thread.join()
        return self.slowest, self.failures

    def wait_first(self) -> None:
        """Until one answer has come (so that every bomb is measured with /healthz being asked)."""
        while self.running and self.slowest == 0.0 and not self.failures:
            time.sleep(0.001)


def start(tmp: Path) -> tuple[str, str]:
    """A migrated instance with a coordinator's API token, served by uvicorn on a free port."""
    import uvicorn

    from loa.auth import service as auth
    from loa.db import session_factory, upgrade
    from loa.web.app import create_app

    settings = settings_for(tmp, f"sqlite:///{tmp / 'loa.db'}")
    upgrade(settings.db_url)
    with session_factory(settings.db_url)() as db:
        province = auth.get_or_create_province(db, settings.province, "84")
        agency = auth.create_agency(db, province, "Sở Y tế", short_name="SYT", kind="health", is_health=True)
        user = auth.create_user(db, settings, "dieu-phoi", "mat-khau-bench-1", roles=["coordinator"], agency=agency)
        token = auth.create_token(db, user, "bench")
        db.commit()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings, migrate=False), port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", token


def send(c: httpx.Client, kind: str, data: bytes) -> tuple[int, str]:
    """Send one upload to the endpoint of its kind: (HTTP status or the failed job's, message)."""
    url, filename, form = ENDPOINTS[kind]
    r = c.post(url, files={"file": (filename, data, "application/octet-stream")}, data=form)
    body = r.json()
    if r.status_code == 202:  # a job: follow it to its end
        while (job := c.get(body["job"]["url"]).json())["status"] in ("queued", "running"):
            time.sleep(0.02)
        return (422 if job["status"] == "failed" else 200), job.get("message") or ""
    return r.status_code, body.get("detail", "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base, token = start(Path(tmp))
        results = []
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=600) as c:
            for kind in ENDPOINTS:  # load each reader's libraries once, before measuring
                send(c, kind, next(make for k, make in BOMBS.values() if k == kind)())
            for name, (kind, make) in BOMBS.items():
                data = make()
                health, before = Health(base), rss()
                health.wait_first()
                sampler = Sampler()
                started = time.perf_counter()
                status, message = send(c, kind, data)
                took = time.perf_counter() - started
                peak = sampler.stop()
                slowest, failures = health.stop()
                results.append(
                    {
                        "bomb": name,
                        "upload_kb": round(len(data) / 1024),
                        "status": status,
                        "refused_s": round(took, 3),
                        "extra_mb": round((peak - before) / 2**20, 1),
                        "healthz_max_ms": round(slowest * 1000, 1),
                        "healthz_failures": failures,
                        "ok": status in (413, 422)
                        and took <= TARGET_S
                        and peak - before <= TARGET_MB * 2**20
                        and failures == 0,
                        "message": message[:90],
                    }
                )
    if args.json:
        print(json.dumps({"targets": {"refused_s": TARGET_S, "extra_mb": TARGET_MB}, "results": results}, indent=2))
        return
    print(f"{'bomb':28} {'upload':>8} {'status':>6} {'refused':>8} {'extra':>8} {'healthz max':>11}  target")
    for r in results:
        print(
            f"{r['bomb']:28} {r['upload_kb']:>5} KB {r['status']:>6} {r['refused_s']:>7.3f}s {r['extra_mb']:>5.1f} MB"
            f" {r['healthz_max_ms']:>8.1f} ms  {'met' if r['ok'] else 'MISSED'}"
        )
    print(f"targets: refused in ≤ {TARGET_S} s with ≤ {TARGET_MB} MB extra memory, /healthz answering throughout")


if __name__ == "__main__":
    main()

"""The backbone's targets: restart time, first question after a restart, /healthz while a large upload runs,
listening ingest with one and two workers.

    python bench/backbone.py [--json] [--posts 20000] [--ingest-posts 20000] [--skip-ingest]

1. A demo instance is created once in a temporary data directory (`loa demo --no-serve`, SQLite), then `loa serve`
   is started anew: ``restart_ready_s`` is the time until /healthz answers 200, ``first_ask_s`` the time of the first
   ``POST /api/v1/answers/ask`` right after.
2. With the same server (and its embedded worker), an API upload of ``--posts`` synthetic posts is queued, and
   /healthz is requested every 100 ms until the job is done: ``healthz_p95_ms_during_upload``.
3. ``bench/listening_workers.py``: the same ``--ingest-posts`` file imported on PostgreSQL and Redis with one, then
   two worker processes: ``ingest_docs_per_s`` and ``scaling``.

Targets: restart ≤ 30 s, first ask ≤ 3 s, /healthz p95 ≤ 200 ms during the upload, two workers ≥ 1.5× one.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.jobs.test_workers import posts_csv  # noqa: E402  (the tests' synthetic post generator)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(args: list[str], env: dict) -> str:
    return subprocess.run(
        [sys.executable, "-m", "loa.cli", *args], env=env, check=True, capture_output=True, text=True
    ).stdout


def serve(env: dict, port: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "loa.cli", "serve", "--port", str(port)],
        env=env,
        stdout=open(log, "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def restart_and_ask(env: dict, base: str, proc_holder: list, port: int, log: Path) -> tuple[float, float]:
    started = time.monotonic()
    proc = serve(env, port, log)
    proc_holder.append(proc)
    while True:
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"loa serve exited:\n{log.read_text()}")
        time.sleep(0.05)
    ready = time.monotonic() - started
    t = time.monotonic()
    answer = httpx.post(base + "/api/v1/answers/ask", json={"question": "Tiêm vắc xin có an toàn không?"}, timeout=600)
    answer.raise_for_status()
    return ready, time.monotonic() - t


def healthz_during_upload(env: dict, base: str, posts: int) -> dict:
    token = cli(["token", "create", "quantri", "--name", "bench"], env).strip()
    auth = {"Authorization": f"Bearer {token}"}
    sent = httpx.post(
        base + "/api/v1/listening/import",
        headers=auth,
        timeout=120,
        files={"file": ("bench.csv", posts_csv(posts, seed=11), "text/csv")},
    )
    sent.raise_for_status()
    url = base + sent.json()["job"]["url"]
    latencies, status, started = [], "queued", time.monotonic()
    while status not in ("done", "failed", "cancelled"):
        t = time.monotonic()
        httpx.get(base + "/healthz", timeout=30).raise_for_status()
        latencies.append((time.monotonic() - t) * 1000)
        status = httpx.get(url, headers=auth, timeout=30).json()["status"]
        time.sleep(0.1)
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "upload_posts": posts,
        "upload_status": status,
        "upload_s": round(elapsed, 1),
        "healthz_p95_ms_during_upload": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "healthz_median_ms_during_upload": round(statistics.median(latencies), 1),
        "healthz_samples": len(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--ingest-posts", type=int, default=20000)
    parser.add_argument("--skip-ingest", action="store_true")
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="loa-backbone-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    env.update(LOA_DATA_DIR=str(data / "data"), LOA_PERIODIC=json.dumps({"listening.poll": "off"}))
    t = time.monotonic()
    cli(["demo", "--no-serve"], env)
    demo_s = time.monotonic() - t
    port, procs = free_port(), []
    base = f"http://127.0.0.1:{port}"
    try:
        ready, ask = restart_and_ask(env, base, procs, port, data / "serve.log")
        stop(procs.pop())  # a restart: the indexes were built by the first start or the demo
        ready, ask = restart_and_ask(env, base, procs, port, data / "serve-2.log")
        upload = healthz_during_upload(env, base, args.posts)
    finally:
        for proc in procs:
            stop(proc)
    result = {"demo_s": round(demo_s, 1), "restart_ready_s": round(ready, 2), "first_ask_s": round(ask, 2), **upload}
    if not args.skip_ingest:
        from bench.listening_workers import measure

        result.update(measure(args.ingest_posts))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    rows = [
        ("restart_ready_s", "≤ 30 s"),
        ("first_ask_s", "≤ 3 s"),
        ("healthz_p95_ms_during_upload", "≤ 200 ms"),
        ("scaling", "≥ 1.5"),
    ]
    print(f"$ python bench/backbone.py --posts {args.posts} --ingest-posts {args.ingest_posts}\n")
    print("| measure | value | target |\n|---|---:|---|")
    for key, target in rows:
        print(f"| {key} | {result.get(key, '—')} | {target} |")
    print("\n" + json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()

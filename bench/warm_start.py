"""What a restart costs before the first citizen's question is answered: cold (no stored index: each process
built its FAQ and claims indexes, as every start did before) against warm (the builds stored by the rebuild jobs
are loaded).

    .venv/bin/python bench/warm_start.py [--data-dir DIR]   # default: a new demo instance (`loa demo`)

Each scenario is a fresh process: the web app (``create_app``, the instance's indexes kept under its data
directory with a worker rebuilding them, as ``loa serve`` sets up), ``GET /healthz``, then ``POST
/api/v1/answers/ask``; "warm + warm-up" also loads the indexes, the segmenter and the e5 model at start
(``answers.service.warm``, ``claims.matching.warm``) before the first question. The e5 stage is on (defaults).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Tiêm vắc xin có an toàn không?"


def child(warm_up: bool) -> None:
    """One restarted web process: seconds to /healthz, to load or build each index, to the first answer."""
    started = time.perf_counter()
    indexes: dict[str, float] = {}

    class Timings(logging.Handler):
        def emit(self, record):  # "index %s: loaded|built ... in %.2f s"
            if " in %" in record.msg:
                indexes[f"{record.args[0]} {record.msg.split(':')[1].split()[0]}"] = record.args[-1]

    logging.getLogger("loa.search.store").addHandler(Timings())
    logging.getLogger("loa.search.store").setLevel(logging.INFO)
    from fastapi.testclient import TestClient

    from loa.answers import service as answers
    from loa.claims import matching
    from loa.config import Settings
    from loa.search import store
    from loa.web.app import create_app

    settings = Settings().prepare()
    store.use(settings, background=True)
    out = {}
    with TestClient(create_app(settings, migrate=False)) as client:
        assert client.get("/healthz").status_code == 200
        out["healthz"] = time.perf_counter() - started
        if warm_up:
            t = time.perf_counter()
            answers.warm(settings)
            matching.warm(settings)
            out["warm_up"] = time.perf_counter() - t
        for name in ("first_ask", "second_ask"):
            t = time.perf_counter()
            r = client.post("/api/v1/answers/ask", json={"question": QUESTION})
            out[name] = time.perf_counter() - t
            assert r.status_code == 200 and r.json()["answered"], r.text
    out["indexes"] = indexes
    print(json.dumps(out))


def rebuild() -> None:
    """The periodic jobs when nothing changed: seconds, and whether they built."""
    from loa.answers import service as answers
    from loa.claims import matching
    from loa.config import Settings

    settings = Settings().prepare()
    t = time.perf_counter()
    built = [answers.rebuild_index(settings), matching.rebuild_index(settings)]
    print(json.dumps({"rebuild": time.perf_counter() - t, "built": built}))


def run(env: dict, *args: str) -> dict:
    r = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True, text=True, cwd=ROOT)
    if r.returncode:
        sys.exit(r.stderr)
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="an instance's data directory (default: a new demo)")
    parser.add_argument("--child", choices=["cold", "warm", "warm-up", "rebuild"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "rebuild":
        return rebuild()
    if args.child:
        return child(args.child == "warm-up")
    tmp = None
    if args.data_dir is None:
        tmp = Path(tempfile.mkdtemp(prefix="loa-warm-"))
        args.data_dir = tmp / "data"
        subprocess.run(
            [ROOT / ".venv" / "bin" / "loa", "demo", "--no-serve"],
            check=True,
            capture_output=True,
            env=dict(os.environ, LOA_DATA_DIR=str(args.data_dir)),
        )
    env = dict(os.environ, LOA_DATA_DIR=str(args.data_dir))
    subprocess.run([ROOT / ".venv" / "bin" / "loa", "db", "upgrade"], check=True, capture_output=True, env=env)
    shutil.rmtree(args.data_dir / "indexes", ignore_errors=True)
    rows = {"cold (before)": run(env, "--child", "cold")}  # stores the builds, as the first start ever does
    rows["rebuild jobs, unchanged"] = run(env, "--child", "rebuild")
    rows["warm (after)"] = run(env, "--child", "warm")
    rows["warm + warm-up"] = run(env, "--child", "warm-up")
    print(f"data directory: {args.data_dir}; {os.cpu_count()} CPUs; seconds")
    print(f"| {'scenario':26} | /healthz | indexes (load or build) | warm-up | 1st ask | 2nd ask |")
    print(f"|{'-' * 28}|---------:|-------------------------|--------:|--------:|--------:|")
    for name, r in rows.items():
        if "rebuild" in r:
            print(f"| {name:26} | | rebuild_index × 2: {r['rebuild']:.2f} s, built: {r['built']} | | | |")
            continue
        idx = ", ".join(f"{k} {v:.2f}" for k, v in r["indexes"].items())
        warm = f"{r['warm_up']:.1f}" if "warm_up" in r else ""
        print(
            f"| {name:26} | {r['healthz']:8.1f} | {idx:23} | {warm:>7} | {r['first_ask']:7.2f} | "
            f"{r['second_ask']:7.2f} |"
        )
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

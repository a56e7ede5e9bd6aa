"""What checking every new story against the claim registry costs a listening import, lexical against hybrid.

    python bench/listening_claim_checks.py [N]      # default 300 synthetic posts

Each run ingests the same N posts (the throughput benchmark's stream) into a fresh SQLite file holding the
starter registry, once with LOA_CLAIMS_SEMANTIC=0 and once with the e5 stage, and prints wall seconds.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

from listening_throughput import stream
from loa.claims import matching
from loa.claims import service as claims
from loa.db import dispose_engines, session_scope, upgrade
from loa.listening.service import ingest


def run(posts: list, semantic: bool) -> tuple[int, float]:
    os.environ["LOA_CLAIMS_SEMANTIC"] = "1" if semantic else "0"
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        upgrade(url)
        with session_scope(url, source="bench") as db:
            claims.import_starter(db)
            claims.check_text(db, "khởi động", record=False)  # build the registry index outside the timing
            started = time.perf_counter()
            stats = ingest(db, posts)
            elapsed = time.perf_counter() - started
        dispose_engines()
        matching.INDEX.forget()
    return stats.added, elapsed


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    posts = list(stream(n, seed=3))
    print(f"$ python bench/listening_claim_checks.py {n}")
    print(f"{'claim matching':16} {'stories':>8} {'seconds':>8} {'stories/s':>10}")
    for semantic in (False, True):
        added, elapsed = run(posts, semantic)
        print(f"{'hybrid' if semantic else 'lexical':16} {added:>8} {elapsed:>8.1f} {added / elapsed:>10.1f}")


if __name__ == "__main__":
    main()

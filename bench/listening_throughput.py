"""Listening throughput: ingest → normalise → segment → dedupe → classify → store, against word segmentation
alone on the same documents (the floor).

    python bench/listening_throughput.py N [--json] [--progress] [--db URL] [--batch 1000]

N synthetic public posts (seed phrases written for Loa × contexts × numbers, with ~10 % reposts and near copies)
are generated as a stream, one batch at a time. For each batch, segmentation alone runs ``loa.text.words`` over
it, then the pipeline streams the same posts through ``listening.service.Ingestor`` into a fresh migrated SQLite
file (or --db) and commits, as an import does. Memory stays bounded: one batch, the near-duplicate window
(LOA_LISTENING_DEDUPE_WINDOW stories) and the segmentation cache; ``--progress`` prints the current and peak
resident memory to stderr after every tenth of the run, so a long run shows where memory levels off. Rates are
per second of this process's CPU time (``time.process_time``), so that other work on a shared machine does not
skew the ratio. ``--json`` prints
{"docs", "pipeline_docs_per_s", "segmentation_docs_per_s", "ratio", "peak_rss_mb"}.
"""

from __future__ import annotations

import json
import random
import re
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from loa.listening.pipeline import Post

CONTEXTS = [
    "nhà tôi ở ấp {n}",
    "mẹ tôi {n} tuổi ở xã bên",
    "cả xóm {n} hộ đang hỏi nhau",
    "từ hôm thứ {n} tới giờ",
    "đọc trên nhóm zalo có {n} người",
    "con tôi học lớp {n}",
    "hỏi trạm y tế {n} lần vẫn chưa rõ",
    "tổ dân phố số {n} phản ánh",
    "đi chợ {n} buổi liền đều thấy vậy",
    "công ty có {n} công nhân",
]
EXTRA = [
    "",
    " Mong cơ quan chức năng trả lời sớm.",
    " Ai biết chỉ giúp với.",
    " Thấy lo quá.",
    " Cảm ơn cán bộ y tế.",
    " Chia sẻ cho mọi người cùng biết.",
    " Xin hỏi thật lòng.",
]


def stream(n: int, seed: int = 7) -> Iterator[Post]:
    """N posts over 30 days, each two seed phrases and a context; about 1 in 10 repeats an earlier text (a repost)
    or changes one word of it."""
    from loa.listening import labels

    phrases = [e.text.rstrip(".?!") for e in labels.seeds()]
    rng = random.Random(seed)
    start = datetime(2021, 9, 1, tzinfo=UTC)
    recent: list[str] = []
    for i in range(n):
        r = rng.random()
        if recent and r < 0.06:
            text = rng.choice(recent)
        elif recent and r < 0.10:
            text = rng.choice(recent).replace("tôi", "mình", 1) + " Chia sẻ lại."
        else:
            text = (
                f"{rng.choice(phrases)}, {rng.choice(CONTEXTS).format(n=rng.randint(1, 999))}. "
                f"{rng.choice(phrases)}.{rng.choice(EXTRA)}"
            )
            recent.append(text)
            if len(recent) > 500:
                recent.pop(0)
        when = start + timedelta(seconds=int(30 * 86400 * i / max(n, 1)) + rng.randint(0, 600))
        yield Post(text, when, platform=rng.choice(("facebook", "zalo", "tiktok")), engagement=rng.randint(0, 50))


def chunks(n: int, size: int) -> Iterator[list[Post]]:
    batch: list[Post] = []
    for post in stream(n):
        batch.append(post)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def rss_mb() -> tuple[float, float]:
    """Current and peak resident memory of this process, in MB."""
    status = Path("/proc/self/status").read_text()
    current = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
    return current, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(n: int, url: str, batch: int, progress: bool = False) -> tuple[float, float, dict]:
    """Both measurements, interleaved chunk by chunk on the same posts so that both see the same machine load:
    segmentation alone, then the whole pipeline (ingest, commit per batch). The segmentation cache is cleared
    before each, so neither reuses the other's work."""
    from loa.db import session_factory, upgrade
    from loa.listening.config import ListeningSettings
    from loa.listening.service import Ingestor
    from loa.modules import load_models
    from loa.text import segment, words

    load_models()
    upgrade(url)
    db = session_factory(url)()
    ing = Ingestor(db, settings=ListeningSettings(batch_size=batch), check_claims=False)
    seg_time = pipe_time = 0.0
    done, step = 0, max(n // 10, batch)
    for posts in chunks(n, batch):
        segment._segment.cache_clear()
        t0 = time.process_time()
        for post in posts:
            words(post.text)
        seg_time += time.process_time() - t0
        segment._segment.cache_clear()
        t0 = time.process_time()
        for post in posts:
            ing.add(post)
        ing.flush()
        db.commit()
        pipe_time += time.process_time() - t0
        done += len(posts)
        if progress and (done % step < len(posts) or done == n):
            current, peak = rss_mb()
            print(
                f"{done:>9} docs  pipeline {done / pipe_time:7.1f} docs/s  RSS {current:6.1f} MB  peak {peak:6.1f} MB",
                file=sys.stderr,
                flush=True,
            )
    stats = ing.finish().as_dict()
    db.close()
    return n / pipe_time, n / seg_time, stats


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if not args or not args[0].isdigit():
        sys.exit(__doc__)
    n = int(args[0])
    url = sys.argv[sys.argv.index("--db") + 1] if "--db" in sys.argv else ""
    batch = int(sys.argv[sys.argv.index("--batch") + 1]) if "--batch" in sys.argv else 1000
    with tempfile.TemporaryDirectory() as tmp:
        url = url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        from loa.listening.classify import model
        from loa.text import words

        model()
        words("khởi động bộ tách từ")  # load the tagger outside the timings
        pipe, seg, stats = run(n, url, batch, "--progress" in sys.argv)
    peak = rss_mb()[1]
    out = {
        "docs": n,
        "pipeline_docs_per_s": round(pipe, 1),
        "segmentation_docs_per_s": round(seg, 1),
        "ratio": round(pipe / seg, 3),
        "peak_rss_mb": round(peak, 1),
    }
    if "--json" in sys.argv:
        print(json.dumps(out))
    else:
        print(f"documents:              {n}")
        print(f"pipeline (docs/s):      {out['pipeline_docs_per_s']}")
        print(f"segmentation (docs/s):  {out['segmentation_docs_per_s']}")
        print(f"ratio:                  {out['ratio']}  (target ≥ 0.5)")
        print(f"peak RSS (MB):          {out['peak_rss_mb']}")
        print(f"stories / reposts:      {stats['added']} / {stats['reposts']}")


if __name__ == "__main__":
    main()

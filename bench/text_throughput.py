"""Throughput of the Vietnamese text core: lines per second for each loa.text function.

    python bench/text_throughput.py FILE [FILE...] [--limit N] [--json]

Each non-empty line of each FILE (UTF-8) is one text. Listening normalises, scrubs and segments up to a million
posts. Measured on two shared cores with the UIT-ViCoV19QA val file (a question and a long answer per line, about
700 characters): normalize 1,100, fold 1,000, scrub 1,500, sentences 260, words 63 lines/s; underthesea's CRF
tagger is 70% of the time of `words`, which therefore caches per sentence.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from loa.text import expand_abbreviations, fold, normalize, scrub, sentences, syllables, words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--limit", type=int, default=5000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    lines = [line for f in args.files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines = lines[: args.limit]
    results = []
    for fn in (normalize, fold, expand_abbreviations, syllables, scrub, sentences, words):
        started = time.perf_counter()
        for line in lines:
            fn(line)
        elapsed = time.perf_counter() - started
        results.append({"name": fn.__name__, "lines": len(lines), "lines_per_s": round(len(lines) / elapsed, 1)})
    if args.json:
        print(json.dumps(results))
    else:
        for r in results:
            print(f"{r['name']:22} {r['lines_per_s']:>10.1f} lines/s  ({r['lines']} lines)")


if __name__ == "__main__":
    main()

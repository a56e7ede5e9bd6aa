"""Recall of names and addresses, and false scrubbing, of ``loa.text.scrub`` on a hand-written set.

    .venv/bin/python bench/name_scrubbing.py [--set dev|heldout] [--json] [--errors]

Data: bench/data/name_scrubbing.txt ("dev": the rules were written against it) and
bench/data/name_scrubbing_heldout.txt ("heldout": written after the rules, by the same team, never used to tune
them), both written by the Loa team about no real person: one sentence a line, ``[[...]]``
around each person's name that must become ``[TÊN]``, ``{{...}}`` around each address that must become
``[ĐỊA CHỈ]``; sentences without marks are look-alikes that must stay as they are (places such as "Bà Rịa",
"Cô Tô", "Chợ Lách", "Long Hòa"; "bác sĩ", "anh em"; officials in their role; diseases and vaccines).

Recall: a marked name (address) counts as found when one name (address) span of ``find_pii`` covers all of it.
False scrubbing: name and address spans that touch no marked text, and look-alike sentences that ``scrub`` changes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from loa.text import find_pii, scrub

SETS = {
    "dev": Path(__file__).parent / "data" / "name_scrubbing.txt",
    "heldout": Path(__file__).parent / "data" / "name_scrubbing_heldout.txt",
}
MARK = re.compile(r"\[\[(.+?)\]\]|\{\{(.+?)\}\}")


def parse(line: str) -> tuple[str, list[tuple[str, int, int]]]:
    """The plain sentence and its marked spans (kind, start, end)."""
    text, gold, pos = "", [], 0
    for m in MARK.finditer(line):
        text += line[pos : m.start()]
        inner, kind = (m.group(1), "name") if m.group(1) else (m.group(2), "address")
        gold.append((kind, len(text), len(text) + len(inner)))
        text += inner
        pos = m.end()
    return text + line[pos:], gold


def load(path: Path = SETS["dev"]) -> list[tuple[str, list]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [parse(line) for line in lines if line.strip() and not line.startswith("#")]


def evaluate(rows: list[tuple[str, list]]) -> dict:
    found = {"name": 0, "address": 0}
    total = {"name": 0, "address": 0}
    false_spans, lookalikes, changed, errors = 0, 0, 0, []
    for text, gold in rows:
        spans = [p for p in find_pii(text) if p.kind in ("name", "address")]
        missed = []
        for kind, start, end in gold:
            total[kind] += 1
            if any(p.kind == kind and p.start <= start and p.end >= end for p in spans):
                found[kind] += 1
            else:
                missed.append(text[start:end])
        extra = [text[p.start : p.end] for p in spans if not any(p.start < e and s < p.end for _k, s, e in gold)]
        false_spans += len(extra)
        if not gold:
            lookalikes += 1
            changed += scrub(text) != text
        if missed or extra:
            errors.append({"text": text, "missed": missed, "false": extra, "scrubbed": scrub(text)})
    scrubbed = sum(found.values()) + false_spans
    return {
        "sentences": len(rows),
        "names": total["name"],
        "name_recall": found["name"] / max(total["name"], 1),
        "addresses": total["address"],
        "address_recall": found["address"] / max(total["address"], 1),
        "false_spans": false_spans,
        "precision": sum(found.values()) / max(scrubbed, 1),
        "lookalike_sentences": lookalikes,
        "lookalikes_changed": changed,
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", choices=sorted(SETS), default="dev", help="which set (default: dev)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--errors", action="store_true", help="list missed and falsely scrubbed texts")
    args = ap.parse_args(argv)
    r = evaluate(load(SETS[args.set]))
    if args.json:
        print(json.dumps(r if args.errors else {k: v for k, v in r.items() if k != "errors"}, ensure_ascii=False))
        return 0
    print(f"{'measure (' + args.set + ' set)':<38} {'value':>8}")
    print(f"{'sentences':<38} {r['sentences']:>8}")
    print(f"{'names: recall (' + str(r['names']) + ' marked)':<38} {r['name_recall']:>8.1%}")
    print(f"{'addresses: recall (' + str(r['addresses']) + ' marked)':<38} {r['address_recall']:>8.1%}")
    print(f"{'name/address spans on unmarked text':<38} {r['false_spans']:>8}")
    print(f"{'precision of name/address spans':<38} {r['precision']:>8.1%}")
    changed = f"{r['lookalikes_changed']}/{r['lookalike_sentences']}"
    print(f"{'look-alike sentences changed':<38} {changed:>8}")
    if args.errors:
        for e in r["errors"]:
            print(f"- {e['text']}\n  → {e['scrubbed']}\n  missed {e['missed']} · false {e['false']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

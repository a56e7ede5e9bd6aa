"""Precision and recall of the triage check-worthiness filter on a labelled set.

    .venv/bin/python bench/claims_checkworthiness.py [--threshold 0.5] [--split dev|test|everyday|all]
        [--folded] [--json] [--errors]

Label 1: a factual health assertion worth checking (a cure, prevention, a number, a vaccine effect).
Label 0: an opinion, a greeting or thanks, a question, a feeling, an announcement.
Data: bench/data/claims_checkworthiness.jsonl (written by the Loa team; the rules of
loa.claims.checkworthy were written against the dev split, the test split is held out; the "everyday" split
is 40 sentences of daily life, all label 0, whose words turn into health words once their diacritics are
removed: "tôi" → "toi" as "tỏi", "lấy" → "lay" as "lây"). ``--folded`` scores every text typed without
diacritics instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from loa.claims import checkworthy
from loa.text import strip_diacritics

DATA = Path(__file__).parent / "data" / "claims_checkworthiness.jsonl"


def evaluate(rows: list[dict], threshold: float, folded: bool = False) -> dict:
    tp = fp = fn = tn = 0
    errors = []
    for r in rows:
        if folded:
            r = {**r, "text": strip_diacritics(r["text"])}
        said = checkworthy.score(r["text"]) >= threshold
        tp += said and r["label"] == 1
        fp += said and r["label"] == 0
        fn += (not said) and r["label"] == 1
        tn += (not said) and r["label"] == 0
        if said != bool(r["label"]):
            errors.append({"text": r["text"], "label": r["label"], "score": checkworthy.score(r["text"])})
    p = tp / (tp + fp) if tp + fp else None  # None: undefined (nothing said worthy / no worthy text)
    rc = tp / (tp + fn) if tp + fn else None
    return {
        "n": len(rows),
        "precision": None if p is None else round(p, 3),
        "recall": None if rc is None else round(rc, 3),
        "f1": round(2 * p * rc / (p + rc), 3) if p and rc else None,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "errors": errors,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--split", choices=["dev", "test", "everyday", "all"], default="all")
    ap.add_argument("--folded", action="store_true", help="score the texts with their diacritics removed")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--errors", action="store_true")
    args = ap.parse_args()
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    splits = ["dev", "test", "everyday"] if args.split == "all" else [args.split]
    results = {s: evaluate([r for r in rows if r["split"] == s], args.threshold, args.folded) for s in splits}
    if args.json:
        print(json.dumps({s: {k: v for k, v in r.items() if k != "errors"} for s, r in results.items()}))
        return
    print("$ " + " ".join(["python", *sys.argv]))
    print(f"threshold {args.threshold}" + (", texts without diacritics" if args.folded else ""))
    print(f"{'split':8} {'n':>4} {'precision':>10} {'recall':>7} {'F1':>6} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4}")

    def num(v, width):
        return f"{'—':>{width}}" if v is None else f"{v:>{width}.3f}"

    for s, r in results.items():
        print(
            f"{s:8} {r['n']:>4} {num(r['precision'], 10)} {num(r['recall'], 7)} {num(r['f1'], 6)} "
            f"{r['tp']:>4} {r['fp']:>4} {r['fn']:>4} {r['tn']:>4}"
        )
    if args.errors:
        for s, r in results.items():
            for e in r["errors"]:
                print(s, e)


if __name__ == "__main__":
    main()

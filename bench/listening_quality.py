"""Quality of the shipped listening classifier on the held-out test split of the labelled vicov19qa questions.

    python bench/listening_quality.py [--json]

Prints precision, recall and F1 per EARS category (main subcategory's category) and per subcategory present in
the test split (multi-label: every labelled subcategory counts), plus is_question, is_concern and sentiment.
Needs ``../shared/data/vicov19qa`` (or $LOA_VICOV19QA_DIR); the labels are in src/loa/listening/data.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

from loa.listening import labels
from loa.listening.classify import model
from loa.listening.taxonomy import category_of, defaults
from loa.text import normalize


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(examples: list[labels.Example]) -> dict:
    m = model()
    cat, sub, flags = Counter(), Counter(), Counter()
    sentiment_ok = 0
    for e in examples:
        pred = m.predict(normalize(e.text))
        gold_cat, pred_cat = category_of(e.subcategories[0]), pred.category
        if gold_cat == pred_cat:
            cat[(gold_cat, "tp")] += 1
        else:
            cat[(gold_cat, "fn")] += 1
            cat[(pred_cat, "fp")] += 1
        gold, got = set(e.subcategories), set(pred.subcategories)
        for s in gold | got:
            sub[(s, "tp" if s in gold and s in got else "fn" if s in gold else "fp")] += 1
        for name, g, p in (
            ("is_question", e.is_question, pred.is_question),
            ("is_concern", e.is_concern, pred.is_concern),
        ):
            flags[(name, "tp" if g and p else "fn" if g else "fp" if p else "tn")] += 1
        sentiment_ok += e.sentiment == pred.sentiment
    rows = {"categories": {}, "subcategories": {}, "flags": {}}
    for c in ("CAUSE", "ILLNESS", "TREATMENT", "INTERVENTIONS", "INFORMATION"):
        support = cat[(c, "tp")] + cat[(c, "fn")]
        rows["categories"][c] = (*prf(cat[(c, "tp")], cat[(c, "fp")], cat[(c, "fn")]), support)
    for n, _c, _name, _en in defaults():
        support = sub[(n, "tp")] + sub[(n, "fn")]
        if support or sub[(n, "fp")]:
            rows["subcategories"][n] = (*prf(sub[(n, "tp")], sub[(n, "fp")], sub[(n, "fn")]), support)
    for name in ("is_question", "is_concern"):
        rows["flags"][name] = (
            *prf(flags[(name, "tp")], flags[(name, "fp")], flags[(name, "fn")]),
            flags[(name, "tp")] + flags[(name, "fn")],
        )
    main_ok = sum(1 for e in examples if m.predict(normalize(e.text)).subcategories[0] in e.subcategories)
    rows["summary"] = {
        "test_items": len(examples),
        "category_accuracy": sum(cat[(c, "tp")] for c in rows["categories"]) / len(examples),
        "main_subcategory_in_gold": main_ok / len(examples),
        "sentiment_accuracy": sentiment_ok / len(examples),
    }
    return rows


def main() -> None:
    try:
        test = labels.labelled("test")
    except FileNotFoundError:
        sys.exit(f"vicov19qa corpus not found at {labels.corpus_dir()} (set LOA_VICOV19QA_DIR)")
    rows = evaluate(test)
    if "--json" in sys.argv:
        print(json.dumps(rows, ensure_ascii=False))
        return
    names = {n: name for n, _c, name, _en in defaults()}
    print(f"Test split: {len(test)} labelled questions\n")
    for title, table, label in (
        ("Category", rows["categories"], str),
        ("Subcategory", rows["subcategories"], lambda n: f"{n:2} {names[n][:38]}"),
        ("Flag", rows["flags"], str),
    ):
        print(f"| {title:42} | precision | recall |   F1 | support |")
        print(f"|{'-' * 44}|----------:|-------:|-----:|--------:|")
        for key, (p, r, f, s) in table.items():
            print(f"| {label(key):42} | {p:9.2f} | {r:6.2f} | {f:4.2f} | {s:7} |")
        print()
    print(", ".join(f"{k}: {v:.2f}" if isinstance(v, float) else f"{k}: {v}" for k, v in rows["summary"].items()))


if __name__ == "__main__":
    main()

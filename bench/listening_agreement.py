"""Agreement between two annotators' label files (same columns as src/loa/listening/data/ears_labels.csv).

    python bench/listening_agreement.py A.csv B.csv [--ids ids.txt] [--disagreements]

Compares the ids present in both files (or only those listed in ``--ids``) and prints, per field, the number of
items, the observed agreement and Cohen's κ: main subcategory, its EARS category, is_question, is_concern and
sentiment; plus the mean Jaccard overlap of the full subcategory sets. ``--disagreements`` also lists, per field,
the most frequent pairs of differing values (to find systematic disagreements).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from loa.listening.labels import Label, read_labels
from loa.listening.taxonomy import category_of

FIELDS = {
    "main subcategory": lambda r: r.subcategories[0],
    "category": lambda r: category_of(r.subcategories[0]),
    "is_question": lambda r: r.is_question,
    "is_concern": lambda r: r.is_concern,
    "sentiment": lambda r: r.sentiment,
}


def kappa(a: list, b: list) -> tuple[float, float]:
    """(observed agreement, Cohen's κ) for two raters' labels of the same items."""
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in ca) / (n * n)
    return observed, (observed - expected) / (1 - expected) if expected < 1 else 1.0


def compare(first: dict[str, Label], second: dict[str, Label], ids: list[str]) -> dict[str, tuple[int, float, float]]:
    out = {}
    for name, get in FIELDS.items():
        a, b = [get(first[i]) for i in ids], [get(second[i]) for i in ids]
        out[name] = (len(ids), *kappa(a, b))
    return out


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description="Cohen's κ between two label files")
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    parser.add_argument("--ids", type=Path, help="compare only these ids (one per line)")
    parser.add_argument("--disagreements", action="store_true", help="list the most frequent differing pairs")
    args = parser.parse_args(argv)
    first, second = ({r.id: r for r in read_labels(p)} for p in (args.first, args.second))
    ids = [i for i in first if i in second]
    if args.ids:
        ids = [i for i in args.ids.read_text().split() if i in first and i in second]
    if not ids:
        sys.exit("no id is labelled in both files")
    print(f"{len(ids)} items labelled in both {args.first} and {args.second}\n")
    print("| field            |   n | agreement | Cohen's κ |")
    print("|------------------|----:|----------:|----------:|")
    for name, (n, obs, k) in compare(first, second, ids).items():
        print(f"| {name:16} | {n:3} | {obs:9.2f} | {k:9.2f} |")
    jac = [
        len(set(first[i].subcategories) & set(second[i].subcategories))
        / len(set(first[i].subcategories) | set(second[i].subcategories))
        for i in ids
    ]
    print(f"\nMean Jaccard overlap of the subcategory sets: {sum(jac) / len(jac):.2f}")
    if args.disagreements:
        for name, get in FIELDS.items():
            pairs = Counter((get(first[i]), get(second[i])) for i in ids if get(first[i]) != get(second[i]))
            if pairs:
                shown = ", ".join(f"{a}→{b} ×{c}" for (a, b), c in pairs.most_common(8))
                print(f"{name}: {shown}")


if __name__ == "__main__":
    main(sys.argv[1:])

"""Labelled examples: ids and labels committed in ``data/ears_labels.csv``, texts joined at run time from the
vicov19qa questions (``<repo>/../shared/data/vicov19qa`` or ``$LOA_VICOV19QA_DIR``), plus the seed posts
written for Loa (``data/seed_posts.tsv``). The question texts themselves are never committed."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"
LABELS = DATA / "ears_labels.csv"
SEEDS = DATA / "seed_posts.tsv"


@dataclass
class Example:
    text: str
    subcategories: list[int]
    is_question: bool
    is_concern: bool
    sentiment: str
    split: str = "train"


def corpus_dir() -> Path:
    env = os.environ.get("LOA_VICOV19QA_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[3].parent / "shared" / "data" / "vicov19qa"


def questions(directory: Path | None = None) -> dict[str, str]:
    """id → question text from train.csv and val.csv (pipe-separated, quoted multi-line answers)."""
    directory = directory or corpus_dir()
    out = {}
    for name in ("train.csv", "val.csv"):
        with open(directory / name, newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh, delimiter="|")
            next(reader)
            for row in reader:
                if len(row) >= 2:
                    out[row[0]] = row[1]
    return out


def labelled(split: str | None = None, directory: Path | None = None) -> list[Example]:
    """The labelled vicov19qa questions (optionally one split); raises FileNotFoundError without the corpus."""
    texts = questions(directory)
    out = []
    with open(LABELS, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if split and row["split"] != split or row["id"] not in texts:
                continue
            out.append(
                Example(
                    texts[row["id"]],
                    [int(x) for x in row["subcategories"].split()],
                    row["is_question"] == "1",
                    row["is_concern"] == "1",
                    row["sentiment"],
                    row["split"],
                )
            )
    return out


def seeds() -> list[Example]:
    out = []
    for line in SEEDS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        subs, q, concern, sentiment, text = line.split("\t")
        out.append(Example(text, [int(x) for x in subs.split()], q == "1", concern == "1", sentiment, "seed"))
    return out

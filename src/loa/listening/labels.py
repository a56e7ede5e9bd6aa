"""Labelled examples: ids and labels committed in ``data/ears_labels.csv``, texts joined at run time from the
vicov19qa questions (``<repo>/../shared/data/vicov19qa`` or ``$LOA_VICOV19QA_DIR``), plus the posts written for
Loa (``data/seed_posts.tsv``, and ``data/posts_written.tsv`` with a fixed split). The question texts themselves
are never committed. Labelling rules: ``docs/modules/listening-labelling.md``."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from loa.listening.taxonomy import defaults

DATA = Path(__file__).parent / "data"
LABELS = DATA / "ears_labels.csv"
SEEDS = DATA / "seed_posts.tsv"
WRITTEN = DATA / "posts_written.tsv"
SPLITS = ("train", "val", "test")
SENTIMENTS = ("negative", "neutral", "positive")
COLUMNS = ["id", "split", "subcategories", "is_question", "is_concern", "sentiment"]


class LabelError(ValueError):
    """A label file that names unknown ids or subcategories, or has malformed fields."""


@dataclass
class Example:
    text: str
    subcategories: list[int]
    is_question: bool
    is_concern: bool
    sentiment: str
    split: str = "train"


@dataclass
class Label:
    id: str
    split: str
    subcategories: list[int]
    is_question: bool
    is_concern: bool
    sentiment: str


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


def _subcategories(field: str, where: str) -> list[int]:
    known = {n for n, *_ in defaults()}
    try:
        subs = [int(x) for x in field.split()]
    except ValueError:
        raise LabelError(f"{where}: subcategories must be EARS numbers, got {field!r}") from None
    unknown = [s for s in subs if s not in known]
    if not subs or unknown or len(set(subs)) != len(subs):
        raise LabelError(f"{where}: unknown, missing or repeated subcategories {field!r} (known: 1–{max(known)})")
    return subs


def _flag(value: str, where: str, name: str) -> bool:
    if value not in ("0", "1"):
        raise LabelError(f"{where}: {name} must be 0 or 1, got {value!r}")
    return value == "1"


def _sentiment(value: str, where: str) -> str:
    if value not in SENTIMENTS:
        raise LabelError(f"{where}: sentiment must be one of {', '.join(SENTIMENTS)}, got {value!r}")
    return value


def read_labels(path: Path = LABELS, directory: Path | None = None) -> list[Label]:
    """The rows of a label file, checked: known subcategories, splits, flags and sentiments, no repeated id, and
    — when the vicov19qa corpus is present (``directory`` or the default) — only ids that exist in it.
    Raises ``LabelError`` naming the file, line and offending values."""
    out, seen = [], set()
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != COLUMNS:
            raise LabelError(f"{path}: expected columns {','.join(COLUMNS)}, got {reader.fieldnames}")
        for line, row in enumerate(reader, start=2):
            where = f"{path.name} line {line} (id {row['id']})"
            if row["id"] in seen:
                raise LabelError(f"{where}: id labelled twice")
            seen.add(row["id"])
            if row["split"] not in SPLITS:
                raise LabelError(f"{where}: split must be one of {', '.join(SPLITS)}, got {row['split']!r}")
            out.append(
                Label(
                    row["id"],
                    row["split"],
                    _subcategories(row["subcategories"], where),
                    _flag(row["is_question"], where, "is_question"),
                    _flag(row["is_concern"], where, "is_concern"),
                    _sentiment(row["sentiment"], where),
                )
            )
    directory = directory or corpus_dir()
    if (directory / "train.csv").exists():
        texts = questions(directory)
        unknown = [r.id for r in out if r.id not in texts]
        if unknown:
            shown = ", ".join(unknown[:10]) + (f" and {len(unknown) - 10} more" if len(unknown) > 10 else "")
            raise LabelError(f"{path}: {len(unknown)} ids are not vicov19qa questions in {directory}: {shown}")
    return out


def labelled(split: str | None = None, directory: Path | None = None, path: Path = LABELS) -> list[Example]:
    """The labelled vicov19qa questions (optionally one split); raises FileNotFoundError without the corpus and
    ``LabelError`` for a label file that names unknown ids or subcategories."""
    directory = directory or corpus_dir()
    texts = questions(directory)
    return [
        Example(texts[r.id], r.subcategories, r.is_question, r.is_concern, r.sentiment, r.split)
        for r in read_labels(path, directory)
        if not split or r.split == split
    ]


def _posts(path: Path, default_split: str | None) -> list[Example]:
    out = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        where = f"{path.name} line {line_no}"
        if default_split is None:  # a split column first, before the text or last
            at = next((i for i in (0, 4, 5) if len(cols) == 6 and cols[i] in SPLITS), None)
            if at is None:
                raise LabelError(
                    f"{where}: expected split (train/val/test) and subcategories, is_question, "
                    "is_concern, sentiment, text"
                )
            split = cols.pop(at)
            subs, q, concern, sentiment, text = cols
        else:
            if len(cols) != 5:
                raise LabelError(f"{where}: expected subcategories, is_question, is_concern, sentiment, text")
            (subs, q, concern, sentiment, text), split = cols, default_split
        out.append(
            Example(
                text,
                _subcategories(subs, where),
                _flag(q, where, "is_question"),
                _flag(concern, where, "is_concern"),
                _sentiment(sentiment, where),
                split,
            )
        )
    return out


def seeds() -> list[Example]:
    """The seed posts (all used for training; split "seed")."""
    return _posts(SEEDS, "seed")


def written(split: str | None = None, path: Path = WRITTEN) -> list[Example]:
    """Posts written in social-media voices with their fixed split (empty when the file is absent)."""
    if not path.exists():
        return []
    return [e for e in _posts(path, None) if not split or e.split == split]

"""Teencode and abbreviation expansion from the dictionary ``data/abbreviations.tsv``."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from loa.text.normalize import normalize, strip_diacritics

DICTIONARY = Path(__file__).with_name("data") / "abbreviations.tsv"


@lru_cache(maxsize=1)
def dictionary() -> dict[str, str]:
    """Lower-cased, normalised short form → full form, including the diacritics-free short forms."""
    entries: dict[str, str] = {}
    for line in DICTIONARY.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        short, full = line.split("\t")
        key = normalize(short).lower()
        entries[key] = full
        entries.setdefault(strip_diacritics(key), full)
    return entries


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    keys = sorted(dictionary(), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, keys)) + r")(?![\w-])", re.IGNORECASE)


def expand_abbreviations(s: str) -> str:
    """Normalise ``s`` and replace each whole-word short form by its full form ("ko bít" → "không biết")."""
    table = dictionary()
    return _pattern().sub(lambda m: table[m.group().lower()], normalize(s))

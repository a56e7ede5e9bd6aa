"""Token streams the lexical stages index: syllables, diacritics-folded syllables, segmented words."""

from __future__ import annotations

from loa import text
from loa.search.prep import head


def prepare(value: str) -> str:
    """Normalised text with teencode and abbreviations spelled out."""
    return text.expand_abbreviations(text.normalize(value))


def syllables(value: str) -> list[str]:
    return text.syllables(prepare(value))


def folded(value: str) -> list[str]:
    return [text.fold(t) for t in syllables(value)]


def words(value: str) -> list[str]:
    return text.words(prepare(value))


def head_syllables(value: str) -> list[str]:
    """Syllables of a document's leading part (greeting dropped): answers restate the question there."""
    return syllables(head(value))


FIELDS = {"syl": syllables, "fold": folded, "word": words, "head": head_syllables}
QUERY_FIELDS = {**FIELDS, "head": syllables}  # how a query is tokenised for each field

"""Token streams the lexical stages index: syllables, diacritics-folded syllables, segmented words."""

from __future__ import annotations

from loa import text


def prepare(value: str) -> str:
    """Normalised text with teencode and abbreviations spelled out."""
    return text.expand_abbreviations(text.normalize(value))


def syllables(value: str) -> list[str]:
    return text.syllables(prepare(value))


def folded(value: str) -> list[str]:
    return [text.fold(t) for t in syllables(value)]


def words(value: str) -> list[str]:
    return text.words(prepare(value))


FIELDS = {"syl": syllables, "fold": folded, "word": words}

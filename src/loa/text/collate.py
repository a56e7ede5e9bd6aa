"""Vietnamese alphabetical order, for every list of names people read (provinces, agencies, communes, channels).

Code-point order puts "Đ" after "Z" and "Á" after "Ư". Dictionary order compares letters first, in the
Vietnamese alphabet (a ă â b c d đ e ê … o ô ơ … u ư …), case and tones aside, then tones in their dictionary
order (none, huyền, hỏi, ngã, sắc, nặng), then case.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

from loa.text.normalize import normalize

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {ch: i for i, ch in enumerate(ALPHABET)}
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền, hỏi, ngã, sắc, nặng

T = TypeVar("T")


def _letters(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    """Each character's place ((0, code) before the letters for digits, spaces, marks) and each letter's tone."""
    places, tones = [], []
    for ch in normalize(text).lower():
        parts = unicodedata.normalize("NFD", ch)
        tone = next((TONES[m] for m in parts[1:] if m in TONES), 0)
        bare = unicodedata.normalize("NFC", "".join(m for m in parts if m not in TONES))
        rank = _RANK.get(bare)
        places.append((1, rank) if rank is not None else (0, ord(bare)))
        tones.append(tone)
    return places, tones


def sort_key(text: str) -> tuple:
    """A key under which names sort in Vietnamese dictionary order: ``sorted(names, key=sort_key)``."""
    places, tones = _letters(text or "")
    return places, tones, text or ""


def sort_by(items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """``items`` in the Vietnamese order of ``name(item)``."""
    return sorted(items, key=lambda item: sort_key(name(item)))

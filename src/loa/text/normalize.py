"""Unicode and tone-mark normalisation, diacritics folding and syllables.

Tone-mark convention: the traditional placement used by most Vietnamese newspapers and by Bộ Y tế documents
("hòa", "thúy", "khỏe", "mùa", "quý", "hoàng", "người"): in an open syllable with two plain vowels the tone
sits on the first ("hòa"), otherwise on the vowel carrying a shape mark (ê, ơ, ...), else on the last vowel
before a final consonant, else on the middle one of three. "hoà", "thuý", "khoẻ" and NFD input are rewritten
to that form, so every spelling of a word compares equal after ``normalize``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
SHAPES = {"\u0302", "\u0306", "\u031b"}  # circumflex (â ê ô), breve (ă), horn (ơ ư)
VOWELS = set("aeiouy")
CODAS = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t"}
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
INVISIBLE.update({ord("Ð"): "Đ", ord("ð"): "đ"})  # Icelandic eth typed for Vietnamese Đ

_TOKEN = re.compile(r"(?:[^\W\d_][\u0300-\u036f]*)+")
_SYLLABLE = re.compile(r"[^\W_]+")


@lru_cache(maxsize=200_000)
def _place_tone(token: str) -> str:
    """Re-place the tone mark of one Vietnamese syllable; anything that is not one is returned unchanged."""
    letters: list[list] = []  # [base char, shape marks, tone]
    tone = None
    for ch in unicodedata.normalize("NFD", token):
        if ch in TONES or ch in SHAPES:
            if not letters:
                return token
            if ch in TONES:
                if tone is not None:
                    return token
                tone = ch
            else:
                letters[-1][1] += ch
        elif ch.isascii() and ch.isalpha() or ch in "đĐ":
            letters.append([ch, ""])
        else:
            return token
    if tone is None:
        return token
    lower = "".join(b.lower() for b, _ in letters)
    vowel_at = [i for i, c in enumerate(lower) if c in VOWELS]
    if not vowel_at or vowel_at[-1] - vowel_at[0] + 1 != len(vowel_at):
        return token
    first, last = vowel_at[0], vowel_at[-1]
    onset = lower[:first]
    if last > first and (onset == "q" and lower[first] == "u" or onset == "g" and lower[first] == "i"):
        first += 1  # "qu" and "gi" are consonants: "quả", "già"
    nucleus = range(first, last + 1)
    coda = lower[last + 1 :]
    if coda not in CODAS or len(nucleus) > 3:
        return token
    shaped = [i for i in nucleus if letters[i][1]]
    if shaped:
        target = shaped[-1]
    elif coda:
        target = last
    elif len(nucleus) == 3:
        target = first + 1
    else:
        target = first
    out = "".join(base + shapes + (tone if i == target else "") for i, (base, shapes) in enumerate(letters))
    return unicodedata.normalize("NFC", out)


def normalize(s: str) -> str:
    """NFC, one tone-mark placement, invisible characters removed, "Ð" read as "Đ", whitespace collapsed; case kept."""
    s = unicodedata.normalize("NFC", s).translate(INVISIBLE)
    s = " ".join(s.split())
    return unicodedata.normalize("NFC", _TOKEN.sub(lambda m: _place_tone(m.group()), s))


def strip_diacritics(s: str) -> str:
    """Remove every combining mark and turn đ/Đ into d/D (no other change)."""
    s = unicodedata.normalize("NFD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", s.replace("đ", "d").replace("Đ", "D"))


def fold(s: str) -> str:
    """Lower-case, diacritics-free form of ``normalize(s)``: "Tiêm vắc xin" → "tiem vac xin"."""
    return strip_diacritics(normalize(s).lower())


def syllables(s: str) -> list[str]:
    """Lower-cased normalised syllables (letters and digits), punctuation dropped."""
    return _SYLLABLE.findall(normalize(s).lower())

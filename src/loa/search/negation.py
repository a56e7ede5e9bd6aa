"""Negation awareness: a statement and its denial share almost every word, so every retrieval stage scores
them as near-duplicates. :func:`contradicts` tells them apart by the polarity of what they assert."""

from __future__ import annotations

import re

from loa import text as vn
from loa.search.analysis import syllables

# Negators as written with diacritics; text typed without them is matched on folded forms, where
# "chua" may also be "chữa" (to cure): unaccented "chua" before khỏi/trị/bệnh/lành is read as a cure.
ACCENTED = {"không", "chẳng", "chả", "chưa", "hổng", "hông", "hem"}
NEGATORS = {"khong", "chang", "chua", "ko", "k", "kg", "hok", "hong", "hem", "khg", "kh", "ch"}
_CURE_NEXT = {"khoi", "tri", "benh", "lanh"}
DENIALS = (("la", "sai"), ("khong", "dung"), ("tin", "don", "that"), ("bia", "dat"), ("sai", "su", "that"))
# question endings whose "không/chưa" asks rather than denies: "... có ... không?", "... được không?"
_QUESTION_TAIL = ("khong", "chua", "ko", "k", "hok", "hong", "hem", "khg")
_WORDS_IGNORED = {"a", "vay", "nhi", "nha", "the", "ha", "ah", "nhe", "ne"}
_CONTENT_MIN = 2
_SHARED = 0.5  # share of the shorter text's content words the two must have in common


def _tokens(text: str) -> list[str]:
    """Folded syllables, with every negator replaced by the marker "khong" and every other word that merely
    folds like one (chữa → chua, cha → cha) kept apart from the negators as "~word"."""
    accented = syllables(text)
    out = []
    for i, acc in enumerate(accented):
        tok = vn.fold(acc)
        if acc != tok:  # written with diacritics: only the real negators count
            negates = acc in ACCENTED
        else:
            following = vn.fold(accented[i + 1]) if i + 1 < len(accented) else ""
            negates = tok in NEGATORS and not (tok == "chua" and following in _CURE_NEXT)
        out.append("khong" if negates else ("~" + tok if tok in NEGATORS else tok))
    return out


def _strip_question(tokens: list[str], raw: str) -> list[str]:
    """Drop the question-final negator ("có gây vô sinh không?", "... hay không", "... phải không")."""
    toks = list(tokens)
    while toks and toks[-1] in _WORDS_IGNORED:
        toks.pop()
    if toks and toks[-1] in _QUESTION_TAIL and ("co" in toks[:-1] or "?" in raw or len(toks) > 1):
        toks.pop()
        if toks and toks[-1] in {"hay", "phai", "duoc", "roi", "hoac"}:
            toks.pop()
    return toks


def polarity(text: str) -> int:
    """Number of denials in ``text`` (question endings excluded); odd means the statement is negative."""
    count = 0
    for clause in re.split(r"[.;!?\n]+|,\s*(?:nhưng|tuy nhiên)\s+", text):
        toks = _strip_question(_tokens(clause), clause)
        i = 0
        while i < len(toks):
            if toks[i] in NEGATORS:
                count += 1
                i += 2 if i + 1 < len(toks) and toks[i + 1] in {"he", "phai", "co", "the"} else 1
                continue
            i += 1
        joined = " ".join(toks)
        count += sum(1 for d in DENIALS if " ".join(d) in joined)
    return count


def contradicts(a: str, b: str) -> bool:
    """True when ``b`` asserts the opposite of ``a`` about the same thing ("vắc xin gây vô sinh" /
    "vắc xin không gây vô sinh"), i.e. opposite polarity and shared content words."""
    if polarity(a) % 2 == polarity(b) % 2:
        return False
    content_a = {t.lstrip("~") for t in _tokens(a) if t not in NEGATORS and len(t) > 1}
    content_b = {t.lstrip("~") for t in _tokens(b) if t not in NEGATORS and len(t) > 1}
    smaller = min(len(content_a), len(content_b))
    return smaller > 0 and len(content_a & content_b) >= max(min(_CONTENT_MIN, smaller), _SHARED * smaller)

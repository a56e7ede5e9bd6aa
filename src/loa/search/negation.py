"""Negation awareness: a statement and its denial share almost every word, so every retrieval stage scores
them as near-duplicates. :func:`contradicts` tells them apart by the polarity of what they assert."""

from __future__ import annotations

import re

from loa.search.analysis import folded

# folded forms: không/chẳng/chả/chưa/đâu có/không hề/không phải, and teencode spelled out by analysis
NEGATORS = {"khong", "chang", "cha", "chua", "ko", "k", "kg", "hok", "hong", "hem", "khg", "kh", "ch"}
DENIALS = (("la", "sai"), ("khong", "dung"), ("tin", "don", "that"), ("bia", "dat"), ("sai", "su", "that"))
# question endings whose "không/chưa" asks rather than denies: "... có ... không?", "... được không?"
_QUESTION_TAIL = ("khong", "chua", "ko", "k", "hok", "hong", "hem", "khg")
_WORDS_IGNORED = {"a", "vay", "nhi", "nha", "the", "ha", "ah", "nhe", "ne"}
_CONTENT_MIN = 2
_SHARED = 0.5  # share of the shorter text's content words the two must have in common


def _tokens(text: str) -> list[str]:
    return folded(text)


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
    content_a = {t for t in _tokens(a) if t not in NEGATORS and len(t) > 1}
    content_b = {t for t in _tokens(b) if t not in NEGATORS and len(t) > 1}
    smaller = min(len(content_a), len(content_b))
    return smaller > 0 and len(content_a & content_b) >= max(min(_CONTENT_MIN, smaller), _SHARED * smaller)

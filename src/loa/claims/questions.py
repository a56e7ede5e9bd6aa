"""Questions are not sightings: a question asks, it does not assert.

A question that asks for information ("trẻ em mấy tuổi thì được tiêm?") states nothing a claim could be; only a
question that states a claim — reports it ("nghe nói trẻ em không bị nhiễm, đúng không?"), asks whether it holds
("uống nước chanh có chữa được covid không?") or why it does ("tại sao tỏi diệt được virus?") — is compared with
the registry, by the statement it carries (:func:`statement`), and counts as a question about the claim, apart
from the texts that assert it. The rules read text with or without diacritics.
"""

from __future__ import annotations

import re

from loa.text import normalize, strip_diacritics

# a tag asking whether what precedes is true
_TAGS = r"\b(đúng không|phải không|thật không|đúng ko|phải ko|thật ko)\b"
# in a question, a reported rumour or what is taken as true: the question states it
_STATES = (
    r"\b(nghe nói|nghe đồn|nghe bảo|nghe người ta|người ta (nói|bảo|đồn)|có người (nói|bảo)|"
    r"thấy (trên mạng |người ta )?(nói|bảo|đồn)|đọc (trên mạng|trên face|trên facebook|được) thấy|"
    r"có phải|có thật là|tại sao|vì sao)\b|" + _TAGS
)
# words that ask for a piece of information (a time, a place, an amount, a person, a way)
_ASKS = (
    r"\b(mấy|bao nhiêu|bao giờ|bao lâu|khi nào|lúc nào|ở đâu|chỗ nào|nơi nào|đâu|(?<!có )ai|gì|nào|thế nào|như thế nào|"
    r"sao|có sao|ra sao|làm sao|làm thế nào|cách nào)\b"
)
# a question whatever its words: a question mark, or a closing tag or particle
_QUESTION = r"\?|\b(không|ko|hông|hok|chưa|hả|à|nhỉ|chăng)\s*(ạ|vậy|nhỉ|hả|nhé|nha|ta|các mẹ|mọi người|mn)?\s*$"

_LEAD = (
    r"^\s*(?:(?:cho|xin) (?:em|mình|tôi|con|cháu|tui) hỏi|xin hỏi|(?:em|mình|tôi|tui) muốn hỏi|"
    r"(?:có phải|có thật) (?:là|rằng)?|(?:tôi|mình|em|tui)? ?nghe (?:nói|đồn|bảo|người ta nói)(?: là| rằng)?|"
    r"(?:có )?người ta (?:nói|bảo|đồn)(?: là| rằng)?|tại sao|vì sao)\s*[:,]?\s*"
)
_TAIL = (
    r"[\s,]*(?:(?:có )?(?:đúng|phải|thật) (?:vậy |thế |như vậy )?(?:không|ko|hông|hok)|"
    r"(?:không|ko|hông|hok|chưa|hả|à|nhỉ|chăng))?\s*(?:ạ|vậy|nhỉ|hả|nhé|nha|ta|các mẹ|mọi người|mn)?[\s?.!]*$"
)


def _pattern(rule: str, folded: bool) -> re.Pattern:
    return re.compile(strip_diacritics(rule) if folded else rule, re.IGNORECASE)


def _text(text: str) -> tuple[str, bool]:
    """The normalised lower-case text, and whether it is typed without diacritics."""
    t = normalize(text).lower()
    return t, strip_diacritics(t) == t


def is_question(text: str) -> bool:
    t, folded = _text(text)
    return bool(_pattern(_QUESTION, folded).search(t) or _pattern(_TAGS, folded).search(t))


def form(text: str, question: bool | None = None) -> str | None:
    """``None`` for a text that is not a question; ``"states"`` for a question that carries a statement;
    ``"asks"`` for one that asks for information. ``question=True`` reads the text as a question even without
    a question mark (a citizen's question)."""
    if question is False or (question is None and not is_question(text)):
        return None
    t, folded = _text(text)
    if _pattern(_STATES, folded).search(t):
        return "states"
    return "asks" if _pattern(_ASKS, folded).search(t) else "states"


def statement(text: str) -> str:
    """What a question states, without its frame: "Nghe nói trẻ em không bị nhiễm, đúng không?" → "trẻ em
    không bị nhiễm"; "Uống nước chanh có chữa được covid không?" → "Uống nước chanh chữa được covid"."""
    t = normalize(text).strip()
    folded = strip_diacritics(t) == t
    core = _pattern(_LEAD, folded).sub("", t, count=1)
    tail = _pattern(_TAIL, folded).search(core)
    closed = bool(tail and tail.group().strip(" ?.!,"))
    core = core[: tail.start()] if tail else core
    if closed:  # "A có V không" → "A V"
        core = re.sub(r"\s(có|co)\s(?!.*\s(có|co)\s)", " ", core, count=1, flags=re.IGNORECASE)
    core = core.strip(" ,:")
    return core or t

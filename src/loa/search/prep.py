"""Preparing texts for retrieval: drop greetings, thanks and sign-offs; take an answer's leading part."""

from __future__ import annotations

import re
import unicodedata

_SENT = re.compile(r"(?<=[.!?…])\s+|\n+")
_GREETING = re.compile(
    r"^\s*(xin chào|chào|kính gửi|kính chào|thân chào|thưa|hello)\b[^,!.:\n]{0,30}[,!.:\n]\s*", re.IGNORECASE
)
_CLOSERS = re.compile(
    r"^(xin )?(cảm ơn|cám ơn|chúc|trân trọng|thân ái|thân mến|mong|rất mong|nếu (bạn |anh |chị |em )?(có|còn) "
    r"(thêm|bất kỳ|thắc mắc)|hy vọng|hi vọng|thanks|thank)",
    re.IGNORECASE,
)
_QUESTION_FILLERS = re.compile(
    r"(xin )?(cảm ơn|cám ơn)( các| bác sĩ| bs| chuyên gia| bạn| anh| chị| nhiều| rất nhiều| ạ)*[.!]*"
    r"|^\s*(thưa|kính gửi|gửi) (bác sĩ|bs|chuyên gia|các chuyên gia|chương trình|ban biên tập)[,:.!]?"
    r"|\b(cho (em|mình|tôi|cháu|con) hỏi|xin (được )?hỏi|em muốn hỏi|tôi muốn hỏi|mình muốn hỏi|"
    r"bác sĩ ơi|bs ơi|chào bác sĩ|chào bs|xin chào|kính chào)\b",
    re.IGNORECASE,
)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT.split(text) if s and s.strip()]


def clean_answer(text: str) -> str:
    """An answer without its opening greeting and closing thanks/wishes (kept whole if nothing is left)."""
    text = unicodedata.normalize("NFC", text).strip().strip('"').strip()
    text = _GREETING.sub("", text, count=1)
    parts = sentences(text)
    while len(parts) > 1 and _CLOSERS.match(parts[-1]):
        parts.pop()
    return " ".join(parts) or text


def clean_question(text: str) -> str:
    """A question without greetings, thanks and 'may I ask' fillers."""
    text = unicodedata.normalize("NFC", text).strip().strip('"')
    out = _QUESTION_FILLERS.sub(" ", text)
    out = re.sub(r"\s+", " ", out).strip(" ,.!")
    return out or text


def head(text: str, words: int = 60) -> str:
    """The first ``words`` words of a cleaned answer: what the semantic stage embeds."""
    return " ".join(clean_answer(text).split()[:words])

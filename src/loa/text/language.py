"""The language of a short public text: Khmer (by its script), Vietnamese (with or without diacritics), or other.

Trà Vinh writes in Vietnamese and Khmer; posts are often typed without diacritics or in teencode ("ko dc tiem
a"), so Vietnamese without marks is told from English and other Latin-script text by the shape of its syllables
and its most frequent words, not by a dictionary of the whole language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from loa.text.normalize import fold

KHMER = re.compile(r"[\u1780-\u17ff\u19e0-\u19ff]")
_LETTERS = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+")
# Letters only Vietnamese uses among Latin-script languages: đ and the vowels with a breve, circumflex or horn.
_VIETNAMESE_LETTERS = set("đăâêôơưĐĂÂÊÔƠƯ")
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
# A Vietnamese syllable written without marks: onset, one to three vowels, coda.
_SYLLABLE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?")
# Frequent words of unmarked Vietnamese and its chat shorthand; English words that also fit a Vietnamese
# syllable ("to", "the", "a") are left out.
_COMMON = set(
    """khong ko k hok hong dc duoc duoc nguoi co la va cua cho nay do thi ma nhung cac mot hai ba bi benh tiem
    vac xin mui dich covid toi minh em anh chi ban oi nha nhe a ak ah gi j sao vay z ntn the nao o dau roi chua
    se da dang phai can lam di ve voi tai vi neu con rat qua nhieu it ai biet hoi tra loi xa huyen tinh ap
    tre nho gia thuoc sot ho tho khau trang rua tay cach ly xet nghiem duong tinh am tinh chet song""".split()
)
_ENGLISH = set(
    """the and of to in is are was were be been for with on at by from this that it as or not you your we our
    they their have has had will would can could should do does did what when where who why how vaccine
    vaccines people health""".split()
)


@dataclass(frozen=True)
class Language:
    code: str  # "vi", "km" or "other"
    diacritics: bool = False  # Vietnamese written with its marks


# Letters that mark a word as written with Vietnamese diacritics: its own letters and every precomposed letter whose
# decomposition carries a tone mark (one look-up per character, no NFD per word; the text is NFC, and a tone mark
# left alone is no letter, so never inside a word).
_MARKED = re.compile(
    "["
    + re.escape(
        "".join(
            sorted(
                _VIETNAMESE_LETTERS
                | {
                    chr(i)
                    for i in range(0xC0, 0x2000)
                    if not unicodedata.combining(chr(i)) and _TONE_MARKS & set(unicodedata.normalize("NFD", chr(i)))
                }
            )
        )
    )
    + "]"
)
_MARKED_WORD = re.compile(rf"[^\W\d_]*{_MARKED.pattern}[^\W\d_]*")  # a word holding a marked letter


def detect(text: str) -> Language:
    """Khmer when at least a third of the letters are Khmer; Vietnamese when a third of the words carry its marks,
    or, unmarked, when nearly every word is a Vietnamese syllable and some are among its frequent words (and
    fewer are frequent English words); otherwise other (also for text without letters)."""
    text = unicodedata.normalize("NFC", text or "")
    letters = len(_LETTERS.findall(text))
    if not letters:
        return Language("other")
    khmer = len(KHMER.findall(text))
    if khmer * 3 >= letters:
        return Language("km")
    if khmer:
        words = [w for w in _WORD.findall(text) if not KHMER.search(w)]
        marked = sum(1 for w in words if _MARKED.search(w))
    else:  # one pass each: the words, and the words holding a marked letter
        words, marked = _WORD.findall(text), len(_MARKED_WORD.findall(text))
    if not words:
        return Language("other")
    if marked * 3 >= len(words):
        return Language("vi", diacritics=True)
    folded = fold(" ".join(words)).split()
    if len(folded) != len(words):
        folded = [fold(w) for w in words]
    syllables = sum(1 for w in folded if _SYLLABLE.fullmatch(w))
    common = sum(1 for w in folded if w in _COMMON)
    english = sum(1 for w in folded if w in _ENGLISH)
    if syllables * 10 >= len(folded) * 8 and common > english and common * 5 >= len(folded):
        return Language("vi")
    return Language("other")

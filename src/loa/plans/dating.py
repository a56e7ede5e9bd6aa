"""Due dates and repetition read from what a plan says of a duty ("thường xuyên", "trước ngày 15/8/2021", ...).

``read_dating`` works on the folded text (lower case, no diacritics), so "hằng tháng" and "hàng tháng" read alike.
A date counts only after a deadline word ("trước", "chậm nhất", "hạn", "đến", "trong", "hết"): a cited document's
"ngày 21/7/2021" is no due date. A day without a year takes the year of ``reference`` (the plan's date), or the
next year when that day would fall before it; "trong tháng/quý/năm" means its last day. Of several dates in one
duty the latest is taken (the duty is done when its last part is)."""

from __future__ import annotations

import re
import unicodedata
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from loa.plans.parser import fold

# recurrence (a key of models.RECURRENCES) → the folded words that say it; the first one in the text wins,
# "ongoing" (thường xuyên, liên tục) only when no period is named.
PERIOD_WORDS = {
    "daily": r"(?:hang|moi) ngay",
    "weekly": r"(?:hang|moi) tuan",
    "monthly": r"(?:hang|moi) thang|dinh ky thang",
    "quarterly": r"(?:hang|moi) quy|dinh ky quy",
}
ONGOING_WORDS = r"thuong xuyen|lien tuc"
NEGATED = r"(?:khong|chua|thieu|it) "  # "chưa thường xuyên" is a complaint, not a repetition

CUE = r"(?:truoc|cham nhat(?: la| vao)?(?: truoc)?|han(?: chot| cuoi)?(?: la)?|den(?: het)?|trong|het|xong)"
ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
YEAR = r"(?:\s*(?:/|-|nam)\s*(?P<y>\d{4}))?"
RE_DAY = re.compile(rf"\b{CUE}\s+(?:ngay\s+)?(?P<d>\d{{1,2}})\s*(?:/|-|thang)\s*(?P<m>\d{{1,2}}){YEAR}(?![\d/])")
RE_MONTH = re.compile(rf"\b(?P<cue>{CUE})\s+thang\s+(?P<m>\d{{1,2}}){YEAR}(?![\d/])")
RE_QUARTER = re.compile(rf"\b{CUE}\s+quy\s+(?P<q>iv|iii|ii|i|[1-4])\b{YEAR}(?![\d/])")
# "đến hết năm 2021", "hết năm" (the plan's year), "trong năm 2021" (a year must follow "trong": "trong năm qua")
RE_YEAR = re.compile(
    r"\b(?:(?:den |truoc )?het nam(?:\s+(?P<y>\d{4}))?|trong nam\s+(?P<y2>\d{4}))\b(?![/-]|\s*[-–]\s*\d)"
)
RE_MONTHLY_DAY = re.compile(rf"\b{CUE}\s+ngay\s+(?P<d>\d{{1,2}})\b(?!\s*(?:/|-|thang))")


@dataclass(frozen=True)
class Dating:
    due_on: date | None = None
    recurrence: str = ""
    phrase: str = ""  # the plan's words it was read from, for the task's history

    def __bool__(self) -> bool:
        return bool(self.due_on or self.recurrence)


def _year(y: str | None, month: int, day: int, reference: date) -> int:
    """The given year, else the reference's (or the next one when the day would come before the reference)."""
    if y:
        return int(y)
    try:
        return reference.year + (date(reference.year, month, day) < reference)
    except ValueError:
        return reference.year


def _month_end(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def _dates(text: str, reference: date) -> list[tuple[date, tuple[int, int]]]:
    found: list[tuple[date, tuple[int, int]]] = []
    for m in RE_DAY.finditer(text):
        d, mo = int(m["d"]), int(m["m"])
        try:
            found.append((date(_year(m["y"], mo, d, reference), mo, d), m.span()))
        except ValueError:
            continue
    for m in RE_MONTH.finditer(text):
        mo = int(m["m"])
        if not 1 <= mo <= 12:
            continue
        year = _year(m["y"], mo, monthrange(reference.year, mo)[1], reference)
        if m["cue"] == "truoc":  # "trước tháng 10" is the end of September
            year, mo = (year - 1, 12) if mo == 1 else (year, mo - 1)
        found.append((_month_end(year, mo), m.span()))
    for m in RE_QUARTER.finditer(text):
        last = 3 * ROMAN_QUARTERS[m["q"]]
        found.append((_month_end(_year(m["y"], last, monthrange(reference.year, last)[1], reference), last), m.span()))
    for m in RE_YEAR.finditer(text):
        found.append((date(int(m["y"] or m["y2"] or reference.year), 12, 31), m.span()))
    return found


def _recurrence(text: str) -> tuple[str, tuple[int, int] | None]:
    periods = [
        (m.span(), kind)
        for kind, words in PERIOD_WORDS.items()
        for m in re.finditer(rf"\b(?:{words})\b", text)
        if not re.search(rf"{NEGATED}$", text[: m.start()])
    ]
    if periods:
        span, kind = min(periods)
        return kind, span
    for m in re.finditer(rf"\b(?:{ONGOING_WORDS})\b", text):
        if not re.search(rf"{NEGATED}$", text[: m.start()]):
            return "ongoing", m.span()
    return "", None


def read_dating(text: str, reference: date) -> Dating:
    """The due date and the repetition a duty's text states; ``Dating()`` (false) when it states neither."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    folded = "".join((fold(c) or c)[:1] for c in text)  # folded letter by letter: a match's span is the text's
    recurrence, said = _recurrence(folded)
    found = _dates(folded, reference)
    if recurrence == "monthly" and not found:  # "hằng tháng, trước ngày 25": the next 25th
        m = RE_MONTHLY_DAY.search(folded)
        if m and 1 <= int(m["d"]) <= 28:
            day = reference.replace(day=int(m["d"]))
            if day < reference:
                day = date(reference.year + (reference.month == 12), reference.month % 12 + 1, int(m["d"]))
            found = [(day, m.span())]
    due, span = max(found) if found else (None, None)
    phrases = [text[a:b] for a, b in sorted(s for s in (span, said) if s)]
    return Dating(due, recurrence, "; ".join(phrases))

"""Finding and scrubbing personal data: phone numbers, ID numbers, e-mails, licence plates, street addresses.

Public service numbers (1800/1900 hotlines, 3-digit emergency numbers), dates, money amounts, case counts and
percentages are health facts and stay. Input is NFC-normalised first; spans index that NFC text.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

PLACEHOLDERS = {"phone": "[SĐT]", "id": "[CCCD]", "email": "[EMAIL]", "plate": "[BIỂN SỐ]", "address": "[ĐỊA CHỈ]"}


class Pii(NamedTuple):
    kind: str  # a key of PLACEHOLDERS
    start: int
    end: int


_UPPER = "A-ZĐÀ-ÃÈ-ÊÌÍÒ-ÕÙÚÝĂĨŨƠƯẠ-Ỹ"
_SP = r"[ \t]"  # never a line break: scrubbing keeps the lines of a text
_NAME_WORD = rf"[{_UPPER}][^\W\d_]*"
_STREET_NAME = rf"(?:{_NAME_WORD}|\d{{1,2}}/\d{{1,2}}|\d{{1,2}} Tháng \d{{1,2}})(?:[ -]{_NAME_WORD}){{0,5}}"
_STREET_KIND = r"(?i:đường|phố|hẻm|hẽm|ngõ|ngách|kiệt)"
_HOUSE = r"\d{1,4}[A-Za-z]?(?:/\d{1,4}[A-Za-z]?){0,3}(?![\w/])"
_STREET = (rf"{_STREET_KIND}(?:{_SP}+số{_SP}+\d{{1,3}}\b|{_SP}+{_HOUSE},?{_SP}+(?:{_STREET_KIND}{_SP}+)?{_STREET_NAME}"
           rf"|{_SP}+{_STREET_NAME}|\b)")

# Runs of digits with single separators; "x"/"*" may mask the last digits ("028 3822 xxxx").
_NUMBER_RUN = re.compile(r"(?<![\w/.,@-])(?:\(\+?\d{1,4}\)|\+?\d[\dxX*]*)(?:[ .\-]?(?:\(\d{1,4}\)|[\dxX*]+))*"
                         r"(?![\w@]|[/,.]\d)")
_GROUP = re.compile(r"\(?\+?[\dxX*]+\)?")
_MONEY_AFTER = re.compile(r"\s*(?:đồng|đ\b|vnđ|vnd|triệu|tỷ|tỉ|nghìn|ngàn|k\b|usd|\$|%|ca\b|liều|người|mũi)", re.IGNORECASE)
_ID_BEFORE = re.compile(r"(?:cmnd|cccd|căn cước|chứng minh|định danh|hộ chiếu|số id)[\w\s:.#/]{0,12}$", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PLATE = re.compile(r"(?<![\w.,/-])\d{2}-?[A-Z]{1,2}\d?[ .-]?(?:\d{3}\.\d{2}|\d{4,5})(?![\w]|[.,]\d)")
_PLATE_LOWER = re.compile(r"(?<![\w.,/-])\d{2}[a-z]{1,2}\d?-(?:\d{3}\.\d{2}|\d{4,5})(?![\w]|[.,]\d)")
_ADDRESS_NUMBERED = re.compile(rf"(?<![\w/])(?i:số nhà|nhà số|số|nhà|sn){_SP}*{_HOUSE},?{_SP}*(?:{_STREET}|{_STREET_NAME})")
_ADDRESS_SLASH = re.compile(rf"(?<![\w/.,])(\d{{1,4}}[A-Za-z]?(?:/\d{{1,4}}[A-Za-z]?){{1,3}}),?{_SP}+(?:{_STREET}|{_STREET_NAME})")
_ADDRESS_STREET = re.compile(rf"(?<![\w/.,])\d{{1,4}}[A-Za-z]?,?{_SP}+{_STREET_KIND}{_SP}+(?:số{_SP}+\d{{1,3}}\b|{_STREET_NAME})")


def _digits(text: str) -> str:
    return re.sub(r"[^\dxX*]", "", text).lower().replace("*", "x")


def _phone(digits: str) -> bool:
    """Vietnamese mobile (10 digits, old 11-digit ones) or landline (02 + 9 digits), any country prefix."""
    if digits.startswith("0084"):
        digits = "0" + digits[4:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if "x" in digits[:6] or not re.fullmatch(r"\d+x{0,5}", digits):
        return False
    return bool(re.fullmatch(r"0[35789].{8}|01[2689].{8}|02.{9}", digits))


def _id_number(digits: str, text: str, before: str, after: str) -> bool:
    """CCCD (12 digits) or CMND (9): unseparated or space-grouped, or any form after a keyword; not money."""
    if len(digits) not in (9, 12) or not digits.isdigit():
        return False
    if _ID_BEFORE.search(before):
        return True
    if "." in text or "-" in text or _MONEY_AFTER.match(after):
        return False
    return len(digits) == 9 or digits.startswith("0")


def _numbers(s: str) -> list[Pii]:
    found = []
    for run in _NUMBER_RUN.finditer(s):
        groups = list(_GROUP.finditer(run.group()))
        i = 0
        while i < len(groups):
            for j in range(len(groups) - 1, i - 1, -1):
                start, end = run.start() + groups[i].start(), run.start() + groups[j].end()
                text, digits = s[start:end], _digits(s[start:end])
                if digits.startswith(("1800", "1900")):
                    continue
                kind = "phone" if _phone(digits) else "id" if _id_number(digits, text, s[:start], s[end:]) else None
                if kind:
                    found.append(Pii(kind, start, end))
                    i = j
                    break
            i += 1
    return found


def _date_like(house: str) -> bool:
    parts = house.split("/")
    if not all(p.isdigit() for p in parts):
        return False
    day, month = int(parts[0]), int(parts[1])
    year_ok = len(parts) == 2 or (len(parts) == 3 and (len(parts[2]) in (2, 4)))
    return 1 <= day <= 31 and 1 <= month <= 12 and year_ok


def find_pii(s: str) -> list[Pii]:
    """Spans of personal data in ``unicodedata.normalize("NFC", s)``, sorted and not overlapping."""
    s = unicodedata.normalize("NFC", s)
    spans = [Pii("email", m.start(), m.end()) for m in _EMAIL.finditer(s)]
    spans += [Pii("plate", m.start(), m.end()) for p in (_PLATE, _PLATE_LOWER) for m in p.finditer(s)]
    spans += [Pii("address", m.start(), m.end()) for p in (_ADDRESS_NUMBERED, _ADDRESS_STREET) for m in p.finditer(s)]
    spans += [Pii("address", m.start(), m.end()) for m in _ADDRESS_SLASH.finditer(s) if not _date_like(m.group(1))]
    spans += _numbers(s)
    spans.sort(key=lambda p: (p.start, -p.end))
    merged: list[Pii] = []
    for span in spans:
        if merged and span.start < merged[-1].end:
            continue
        merged.append(span)
    return merged


def scrub(s: str) -> str:
    """``s`` (NFC) with each piece of personal data replaced by its placeholder, e.g. "[SĐT]"."""
    s = unicodedata.normalize("NFC", s)
    out, pos = [], 0
    for span in find_pii(s):
        out += [s[pos:span.start], PLACEHOLDERS[span.kind]]
        pos = span.end
    out.append(s[pos:])
    return "".join(out)

"""Finding and scrubbing personal data: people's names (``loa.text.names``), phone numbers, ID numbers, e-mails,
licence plates, street and hamlet addresses.

Public service numbers (1800/1900 hotlines, 3-digit emergency numbers, landlines introduced as "hotline",
"tổng đài" or "đường dây nóng"; a mobile number is always personal), dates, money amounts, case counts and
percentages are health facts and stay. Input is NFC-normalised first; spans index that NFC text.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from loa.text.names import find_names

PLACEHOLDERS = {
    "phone": "[SĐT]",
    "id": "[CCCD]",
    "email": "[EMAIL]",
    "plate": "[BIỂN SỐ]",
    "address": "[ĐỊA CHỈ]",
    "account": "[STK]",
    "name": "[TÊN]",
}


class Pii(NamedTuple):
    kind: str  # a key of PLACEHOLDERS
    start: int
    end: int


_UPPER = "".join(c for c in map(chr, [*range(0x41, 0x250), *range(0x1E00, 0x1F00)]) if c.isupper())
_SP = r"[ \t]"  # never a line break: scrubbing keeps the lines of a text
_LETTER = r"[^\W\d_]"
_NAME_WORD = rf"[{_UPPER}](?:(?![{_UPPER}]){_LETTER})*(?!{_LETTER})"  # "Lê", "Đáng"; not acronyms ("SYT")
_STREET_NAME = rf"(?:{_NAME_WORD}|\d{{1,2}}/\d{{1,2}}|\d{{1,2}} Tháng \d{{1,2}})(?:[ -]{_NAME_WORD}){{0,5}}"
_STREET_KIND = r"(?i:đường|phố|hẻm|hẽm|ngõ|ngách|kiệt)"
_HOUSE = r"\d{1,4}[A-Za-z]?(?:/\d{1,4}[A-Za-z]?){0,3}(?![\w/])"
# A hamlet, quarter or team with its name or number ("ấp Chợ", "khóm 3", "tổ 5 ấp Phú Hòa"): after a house number.
_HAMLET_KIND = r"(?i:ấp|khóm|thôn|xóm|tổ dân phố|tổ|khu phố|kp|bản|buôn|sóc|phum)"
_HAMLET_NAMED = (
    rf"{_HAMLET_KIND}{_SP}+(?:\d{{1,3}}[A-Za-z]?\b|{_STREET_NAME})"
    rf"(?:,?{_SP}+{_HAMLET_KIND}{_SP}+(?:\d{{1,3}}[A-Za-z]?\b|{_STREET_NAME}))*"
)
_STREET_NAMED = (
    rf"(?:{_STREET_KIND}(?:{_SP}+số{_SP}+\d{{1,3}}\b|{_SP}+{_HOUSE},?{_SP}+(?:{_STREET_KIND}{_SP}+)?"
    rf"{_STREET_NAME}|{_SP}+{_STREET_NAME})|(?i:quốc lộ|tỉnh lộ|ql|tl)\.?{_SP}*\d{{1,3}}[A-Za-z]?\b)"
)
# "đường dây nóng", "đường huyết", "đường hô hấp": "đường" that is no street.
_NOT_A_STREET = r"(?i:dây|huyết|máu|hô|tiêu|truyền|bay|link|ăn|cát|phèn|sữa|mũi|miệng|thở|lây|tiết)\b"
# Words before a number that make it a document, dose, measurement or date rather than a house number.
_NOT_HOUSE_BEFORE = re.compile(
    r"\b(?i:văn bản|công văn|quyết định|thông tư|nghị định|nghị quyết|chỉ thị|kế hoạch|thông báo|báo cáo|tờ trình|"
    r"hướng dẫn|điều|khoản|mục|chương|phụ lục|bảng|hình|trang|mũi|liều|lần|loại|huyết áp|ha|tỷ lệ|tỉ lệ|ngày|"
    r"tháng|năm|lúc|ký hiệu|phòng|giường|khoa|tầng)[ \t:]*$"
)
# Capitalised words that follow "số N" or "N/M" without being a street.
_NOT_STREET = set(
    """Bộ Sở Ủy Uỷ Trung Bệnh Trạm Quyết Công Thông Nghị Chỉ Kế Hướng Văn Điều Khoản Phụ Mục Chương Ban
    Phòng Cục Viện Khoa Tổ Đội Xã Phường Huyện Quận Tỉnh Thành Pfizer Moderna AstraZeneca Astra Vero Sinopharm
    Sputnik Abdala Covaxin Janssen Comirnaty Spikevax Hayat Nanocovax Covivac Novavax Corona Covid Delta Omicron
    Chính Quốc Người Tôi Em Anh Chị Cháu Con Mình Ông Bà Bác Cô Chú Ngày Tháng Năm Giờ""".split()
)

# Runs of digits with single separators; "x"/"*" may mask the last digits ("028 3822 xxxx").
# A group follows a separator or a closing bracket, so a run splits into groups one way only (no backtracking blow-up).
_NUMBER_RUN = re.compile(
    r"(?<![\w/.,@-])(?:\(\+?\d{1,4}\)|\+?\d[\dxX*]*)"
    r"(?:(?:[ .\-]|(?<=\)))(?:\(\d{1,4}\)|[\dxX*]+))*+(?![\w@]|[/,.]\d)"
)
_SERVICE_BEFORE = re.compile(r"(?i:hotline|tổng đài|đường dây nóng)[^\n\d]{0,12}$")
MAX_GROUPS = 12  # "0 9 1 2 3 4 5 6 7 8": no phone or ID number is written in more groups
_GROUP = re.compile(r"\(?\+?[\dxX*]+\)?")
_MONEY_AFTER = re.compile(
    r"\s*(?:đồng|đ\b|vnđ|vnd|triệu|tỷ|tỉ|nghìn|ngàn|k\b|usd|\$|%|ca\b|liều|người|mũi)", re.IGNORECASE
)
_ID_BEFORE = re.compile(r"(?:cmnd|cccd|căn cước|chứng minh|định danh|hộ chiếu|số id)[\w\s:.#/]{0,12}$", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+(?:@| ?[(\[{]at[)\]}] ?)[\w-]+(?:(?:\.| ?[(\[{]dot[)\]}] ?)[\w-]+)+")
# Passport (after the word), health-insurance card ("DN4010120012345") and bank account (after the word) numbers.
_PASSPORT = re.compile(r"(?i:hộ chiếu|passport)[ \t:.#]*(?:(?i:số)[ \t:]*)?(?P<n>[A-Z]\d{7,8})\b")
_INSURANCE_CARD = re.compile(r"(?<!\w)(?P<n>[A-Z]{2}\d{13})(?!\w)")
_ACCOUNT = re.compile(
    r"(?<!\w)(?i:stk|số tài khoản|số tk|tài khoản số|tài khoản|tk)[ \t:.#]*(?:(?i:số)[ \t:]*)?"
    r"(?P<n>\d(?:[ .-]?\d){7,18})(?![\w]|[.,]\d)"
)
_PLATE = re.compile(r"(?<![\w.,/-])\d{2}-?[A-Z]{1,2}\d?[ .-]?(?:\d{3}\.\d{2}|\d{4,5})(?![\w]|[.,]\d)")
_PLATE_LOWER = re.compile(r"(?<![\w.,/-])\d{2}[a-z]{1,2}\d?-(?:\d{3}\.\d{2}|\d{4,5})(?![\w]|[.,]\d)")
_ADDRESS_NUMBERED = re.compile(
    rf"(?<![\w/])(?P<address>(?P<prefix>(?i:số nhà|nhà số|số|nhà|sn)){_SP}*"
    rf"(?P<house>{_HOUSE}),?{_SP}*"
    rf"(?:(?P<street>{_STREET_NAMED}|{_HAMLET_NAMED}|{_STREET_KIND}\b(?!{_SP}+{_NOT_A_STREET}))"
    rf"|(?P<name>{_STREET_NAME})))"
)
_ADDRESS_SLASH = re.compile(
    rf"(?<![\w/.,])(?P<address>(?P<house>\d{{1,4}}[A-Za-z]?(?:/\d{{1,4}}[A-Za-z]?){{1,3}}),?"
    rf"{_SP}+(?:(?P<street>{_STREET_NAMED})|(?P<name>{_STREET_NAME})))"
)
_ADDRESS_AT = re.compile(
    rf"(?<!\w)(?i:ở|tại|địa chỉ|đ/c|đc)[ \t:]+(?P<address>\d{{1,4}}[A-Za-z]?,?{_SP}+"
    rf"(?P<name>{_NAME_WORD}(?:[ -]{_NAME_WORD}){{1,5}}))"
)
_ADDRESS_STREET = re.compile(rf"(?<![\w/.,])(?P<address>\d{{1,4}}[A-Za-z]?,?{_SP}+(?P<street>{_STREET_NAMED}))")


def _digits(text: str) -> str:
    """The digits of a number as ASCII (Khmer "០៩១…" too), with "x" for a masked one."""
    digits = re.sub(r"[^\dxX*]", "", text).lower().replace("*", "x")
    return digits if digits.isascii() else "".join(str(unicodedata.digit(c, c)) for c in digits)


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
    if len(digits) not in (9, 12) or not digits.isdecimal():
        return False
    if _ID_BEFORE.search(before):
        return True
    if "." in text or "-" in text or _MONEY_AFTER.match(after) or min(map(len, re.findall(r"\d+", text))) < 3:
        return False
    return len(digits) == 9 or digits.startswith("0")


def _numbers(s: str) -> list[Pii]:
    found = []
    for run in _NUMBER_RUN.finditer(s):
        groups = list(_GROUP.finditer(run.group()))
        i = 0
        while i < len(groups):
            for j in range(min(len(groups), i + MAX_GROUPS) - 1, i - 1, -1):
                start, end = run.start() + groups[i].start(), run.start() + groups[j].end()
                text, digits = s[start:end], _digits(s[start:end])
                if digits.startswith(("1800", "1900")):
                    continue
                before, after = s[max(0, start - 30) : start], s[end : end + 10]
                kind = "phone" if _phone(digits) else "id" if _id_number(digits, text, before, after) else None
                if kind == "phone" and digits.startswith("02") and _SERVICE_BEFORE.search(before):
                    i = j  # an institution's switchboard or hotline is public
                    break
                if kind:
                    found.append(Pii(kind, start, end))
                    i = j
                    break
            i += 1
    return found


def _date_like(house: str) -> bool:
    """ "15/7", "15/7/2021", "51/2017": a date or a document year, not a house number."""
    parts = house.split("/")
    if not all(p.isdecimal() for p in parts):
        return False
    if len(parts[-1]) == 4 and parts[-1].startswith(("19", "20")):
        return True
    return 1 <= int(parts[0]) <= 31 and 1 <= int(parts[1]) <= 12 and (len(parts) == 2 or len(parts[2]) == 2)


def _addresses(s: str) -> list[Pii]:
    found = []
    for pattern in (_ADDRESS_NUMBERED, _ADDRESS_SLASH, _ADDRESS_STREET, _ADDRESS_AT):
        for m in pattern.finditer(s):
            groups = m.groupdict()
            house, street, name = groups.get("house") or "", groups.get("street"), groups.get("name")
            if _NOT_HOUSE_BEFORE.search(s[max(0, m.start() - 20) : m.start()]) and pattern is not _ADDRESS_AT:
                continue
            if name and name.split()[0].split("-")[0] in _NOT_STREET:
                continue
            if pattern is _ADDRESS_SLASH and _date_like(house):
                continue
            if (
                pattern is _ADDRESS_NUMBERED
                and groups["prefix"].lower() == "số"
                and "/" not in house
                and not (street or name)
            ):
                continue
            found.append(Pii("address", m.start("address"), m.end("address")))
    return found


def find_pii(s: str, names: bool = True) -> list[Pii]:
    """Spans of personal data in ``unicodedata.normalize("NFC", s)``, sorted and not overlapping. ``names=False``
    leaves people's names (a text staff wrote, such as a registry claim quoting a public figure)."""
    s = unicodedata.normalize("NFC", s)
    spans = [Pii("email", m.start(), m.end()) for m in _EMAIL.finditer(s)]
    spans += [Pii("plate", m.start(), m.end()) for p in (_PLATE, _PLATE_LOWER) for m in p.finditer(s)]
    spans += _addresses(s)
    for kind, pattern in (("id", _PASSPORT), ("id", _INSURANCE_CARD), ("account", _ACCOUNT)):
        spans += [
            Pii(kind, m.start("n"), m.end("n")) for m in pattern.finditer(s) if not _MONEY_AFTER.match(s, m.end())
        ]
    spans += _numbers(s)
    if names:
        spans += [Pii("name", start, end) for start, end in find_names(s)]
    spans.sort(key=lambda p: (p.start, -p.end))
    merged: list[Pii] = []
    for span in spans:
        if merged and span.start < merged[-1].end:
            continue
        merged.append(span)
    return merged


def scrub(s: str, names: bool = True) -> str:
    """``s`` (NFC) with each piece of personal data replaced by its placeholder, e.g. "[SĐT]", "[TÊN]" (people's
    names only with ``names``: every text from the public; see ``find_pii``)."""
    s = unicodedata.normalize("NFC", s)
    out, pos = [], 0
    for span in find_pii(s, names):
        out += [s[pos : span.start], PLACEHOLDERS[span.kind]]
        pos = span.end
    out.append(s[pos:])
    return "".join(out)

"""Vietnamese display formats: numbers "1.234", percentages "12,5%", dates "25/10/2021", local time."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal

from loa.clock import LOCAL
from loa.errors import UserError


def vn_number(value: float | int, decimals: int = 0) -> str:
    """1234567 → "1.234.567"; 12.5 with decimals=1 → "12,5"."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_amount(value: float | int, max_decimals: int = 3) -> str:
    """A typed figure as written back: 12500 → "12.500", 1.5 → "1,5", 0.125 → "0,125" (no trailing zeros)."""
    text = vn_number(value, max_decimals)
    return text.rstrip("0").rstrip(",") if "," in text else text


def vn_percent(value: float, decimals: int = 1) -> str:
    """12.5 → "12,5%" (value already in percent)."""
    return vn_number(value, decimals) + "%"


def local(dt: datetime | None) -> datetime | None:
    """A stored UTC time in Asia/Ho_Chi_Minh."""
    return dt.astimezone(LOCAL) if dt is not None else None


def vn_date(d: date | datetime | str | None) -> str:
    """A day as "07/12/2026"; an ISO text (as the API gives dates) is read first; a time is shown local."""
    if not d:
        return ""
    if isinstance(d, str):
        d = datetime.fromisoformat(d) if "T" in d else date.fromisoformat(d)
    if isinstance(d, datetime):
        d = local(d)
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def vn_datetime(dt: datetime | None) -> str:
    if dt is None:
        return ""
    t = local(dt)
    return f"{t.hour:02d}:{t.minute:02d} {t.day:02d}/{t.month:02d}/{t.year}"


def vn_long_date(d: date) -> str:
    """As written in documents: "ngày 25 tháng 10 năm 2021"."""
    return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


_SCRIPT_UNSAFE = str.maketrans({c: f"\\u{ord(c):04x}" for c in "<>&\u2028\u2029"})


def json_for_script(value: object) -> str:
    """JSON safe inside an HTML ``<script>`` element: no text in it can close the element or open a comment."""
    return json.dumps(value, ensure_ascii=False).translate(_SCRIPT_UNSAFE)


# ---- numbers people type ----------------------------------------------------------------------------------
_UNITS = {"nghìn": 1000, "ngàn": 1000, "k": 1000, "triệu": 10**6, "tr": 10**6, "tỷ": 10**9, "tỉ": 10**9}
_NUMBER = re.compile(r"([+-]?)\s*(\d[\d., ]*?)\s*(%|nghìn|ngàn|k|triệu|tr|tỷ|tỉ)?")


def parse_number(value: object, label: str = "") -> int | float:
    """A number as a Vietnamese person types it: a dot groups thousands ("12.500" = 12500), a comma marks the
    decimals ("1,5" = 1.5), a space may group thousands ("12 500"), a word may multiply ("1,5 triệu", "200
    nghìn"), a trailing "%" is allowed. What could be read two ways ("12.5", "12,500", "1,234,567") is refused
    with a message saying how to write it (a ``UserError``, 422; ``label`` names the field in it). An integral
    value comes back as an ``int``."""
    named = f"“{label}”: " if label else ""

    def refuse(vi: str, en: str) -> UserError:
        return UserError(named + vi[0].upper() + vi[1:], named + en[0].upper() + en[1:], 422)

    if isinstance(value, bool):
        raise refuse("cần một số.", "a number is needed.")
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            raise refuse("cần một số.", "a number is needed.")
        return int(value) if float(value).is_integer() else value
    raw = " ".join(str(value or "").replace("\u00a0", " ").replace("\u202f", " ").split())
    if not raw:
        raise refuse("cần một số.", "a number is needed.")
    m = _NUMBER.fullmatch(raw.lower())
    if not m:
        raise refuse(f"“{raw}” không phải là một số.", f"“{raw}” is not a number.")
    sign, body, unit = m.group(1), m.group(2).strip(), m.group(3)
    if re.fullmatch(r"\d{1,3}( \d{3})+(,\d+)?", body):
        body = body.replace(" ", "")
    if re.fullmatch(r"\d+|\d{1,3}(\.\d{3})+", body):
        number = Decimal(body.replace(".", ""))
    elif re.fullmatch(r"\d{1,3}(\.\d{3})*,\d+", body) or re.fullmatch(r"\d+,\d+", body):
        if re.fullmatch(r"[1-9]\d{0,2},\d{3}", body):
            whole, part = body.split(",")
            raise refuse(
                f"số “{raw}” không rõ: viết {whole}.{part} nếu là {whole}{part}, hoặc {whole},"
                f"{part.rstrip('0') or '0'} nếu là số thập phân (dấu chấm ngăn hàng nghìn, dấu phẩy ngăn phần "
                "thập phân).",
                f"“{raw}” is ambiguous: write {whole}.{part} for {whole}{part}, or {whole},"
                f"{part.rstrip('0') or '0'} for a decimal (a dot groups thousands, a comma marks decimals).",
            )
        number = Decimal(body.replace(".", "").replace(",", "."))
    elif re.fullmatch(r"\d+\.\d+", body):
        whole, part = body.split(".")
        raise refuse(
            f"số “{raw}” không rõ: dấu chấm ngăn hàng nghìn (12.500 là mười hai nghìn năm trăm), dấu phẩy "
            f"ngăn phần thập phân; viết {whole},{part} nếu là số thập phân.",
            f"“{raw}” is ambiguous: a dot groups thousands (12.500 is twelve thousand five hundred), a comma "
            f"marks decimals; write {whole},{part} for a decimal.",
        )
    else:
        raise refuse(
            f"“{raw}” không phải là một số viết đúng cách (ví dụ 12.500 hoặc 1,5).",
            f"“{raw}” is not a well-written number (for example 12.500 or 1,5).",
        )
    number *= _UNITS.get(unit or "", 1)
    if sign == "-":
        number = -number
    return int(number) if number == number.to_integral_value() else float(number)


class ForLanguage:
    """The formats a page in ``lang`` uses (its ``fmt``): in English, numbers read "1,234.5" and "12.5%"; dates keep
    the day-first form "07/12/2026" in both languages."""

    def __init__(self, lang: str):
        self.lang = lang

    def __getattr__(self, name: str):
        return globals()[name]

    def vn_number(self, value: float | int, decimals: int = 0) -> str:
        return f"{value:,.{decimals}f}" if self.lang == "en" else vn_number(value, decimals)

    def vn_percent(self, value: float, decimals: int = 1) -> str:
        return self.vn_number(value, decimals) + "%"

    def vn_amount(self, value: float | int, max_decimals: int = 3) -> str:
        if self.lang != "en":
            return vn_amount(value, max_decimals)
        text = self.vn_number(value, max_decimals)
        return text.rstrip("0").rstrip(".") if "." in text else text

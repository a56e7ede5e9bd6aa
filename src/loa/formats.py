"""Vietnamese display formats: numbers "1.234", percentages "12,5%", dates "25/10/2021", local time."""

from __future__ import annotations

from datetime import date, datetime

from loa.clock import LOCAL


def vn_number(value: float | int, decimals: int = 0) -> str:
    """1234567 → "1.234.567"; 12.5 with decimals=1 → "12,5"."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_percent(value: float, decimals: int = 1) -> str:
    """12.5 → "12,5%" (value already in percent)."""
    return vn_number(value, decimals) + "%"


def local(dt: datetime | None) -> datetime | None:
    """A stored UTC time in Asia/Ho_Chi_Minh."""
    return dt.astimezone(LOCAL) if dt is not None else None


def vn_date(d: date | datetime | None) -> str:
    if d is None:
        return ""
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

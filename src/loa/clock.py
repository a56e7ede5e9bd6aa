"""The one clock: the current time (UTC and local), local days, and the date forms people type.

Everything that asks "what time is it" asks here, so a test sets one clock with ``frozen``.
Stored times are UTC; days are the province's local days (Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from loa.config import TIMEZONE
from loa.errors import UserError

LOCAL = ZoneInfo(TIMEZONE)
DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S")
_frozen: datetime | None = None


def utcnow() -> datetime:
    """Now, timezone-aware UTC."""
    return _frozen.astimezone(UTC) if _frozen is not None else datetime.now(UTC)


def now_local() -> datetime:
    """Now, in the province's time zone."""
    return utcnow().astimezone(LOCAL)


def today_local() -> date:
    return now_local().date()


def local_day(dt: datetime) -> date:
    """The local day of an aware time."""
    return dt.astimezone(LOCAL).date()


def local_day_start(d: date) -> datetime:
    """Midnight starting the local day ``d``, aware."""
    return datetime.combine(d, time(0), tzinfo=LOCAL)


def week_start(d: date) -> date:
    """The Monday of ``d``'s week."""
    return d - timedelta(days=d.weekday())


def parse_date(value) -> date | None:
    """A date in any form a spreadsheet or a person writes ("2021-09-20", "20/09/2021", a datetime); None if not."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for fmt in DAY_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_day(text: str | None, default: date | None = None) -> date:
    """A form's or a URL's day; empty means ``default`` (today, local, when not given); anything else is refused."""
    if not text or not str(text).strip():
        return default if default is not None else today_local()
    parsed = parse_date(text)
    if parsed is None:
        raise UserError(
            f"Ngày không hợp lệ: {text} (dạng YYYY-MM-DD hoặc dd/mm/yyyy).",
            f"Invalid date: {text} (YYYY-MM-DD or dd/mm/yyyy).",
            422,
        )
    return parsed


def parse_local(text: str) -> datetime:
    """A form's local date-time ("2021-11-15T06:00", "2021-11-15 06:00") as an aware datetime."""
    try:
        return datetime.fromisoformat(str(text).strip().replace(" ", "T")).replace(tzinfo=LOCAL)
    except ValueError:
        raise UserError("Thời điểm không hợp lệ (dạng ngày giờ).", "Invalid date and time.", 422) from None


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Stop the clock at ``at`` (aware) in this process, for a test."""
    global _frozen
    if at.tzinfo is None:
        raise ValueError("frozen() needs an aware datetime")
    before, _frozen = _frozen, at
    try:
        yield
    finally:
        _frozen = before

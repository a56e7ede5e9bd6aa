"""What can run in the background: job kinds and periodic jobs, declared by each domain's ``jobs.py``."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from loa.errors import UserError
from loa.formats import LOCAL


@dataclass(frozen=True)
class Kind:
    name: str
    fn: Callable  # fn(ctx: JobContext, **params) -> dict
    title: str
    title_en: str
    labels: dict[str, tuple[str, str]]  # count key → (Vietnamese, English) label on the job page


@dataclass(frozen=True)
class Periodic:
    name: str
    fn: Callable  # fn(settings) -> str, a one-line summary of what it did
    default: str  # a timing, see parse_timing
    title: str
    title_en: str


KINDS: dict[str, Kind] = {}
PERIODIC: dict[str, Periodic] = {}
WARMUPS: list[Callable] = []  # fn(settings): load what a serving process needs before it says it is ready


def task(name: str, title: str, title_en: str, labels: dict[str, tuple[str, str]] | None = None):
    """Declare a job kind: ``@task("listening.import", "Nhập bài đăng", "Post import", {"rows": ("Số dòng",
    "Rows")})``; ``labels`` name the counts the job reports with ``ctx.progress(..., rows=n)``."""

    def register(fn):
        KINDS[name] = Kind(name, fn, title, title_en, labels or {})
        return fn

    return register


def periodic(name: str, default: str, title: str, title_en: str):
    """Declare a periodic job with its default timing (``"every 5m"``, ``"daily 07:00"``); the setting
    ``LOA_PERIODIC`` (JSON) overrides it by name, ``"off"`` turns it off."""
    parse_timing(default)

    def register(fn):
        PERIODIC[name] = Periodic(name, fn, default, title, title_en)
        return fn

    return register


def warmup(fn: Callable) -> Callable:
    """Declare a start-up step of serving processes (e.g. load stored indexes), run before they answer."""
    WARMUPS.append(fn)
    return fn


_EVERY = re.compile(r"every\s+(\d+)\s*([smhd])$")
_DAILY = re.compile(r"daily\s+(\d{1,2}):(\d{2})$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_timing(text: str) -> tuple[str, int]:
    """``("every", seconds)``, ``("daily", minutes after local midnight)`` or ``("off", 0)``."""
    value = text.strip().lower()
    if value == "off":
        return "off", 0
    if m := _EVERY.match(value):
        seconds = int(m.group(1)) * _UNITS[m.group(2)]
        if seconds >= 10:
            return "every", seconds
    if (m := _DAILY.match(value)) and int(m.group(1)) < 24 and int(m.group(2)) < 60:
        return "daily", int(m.group(1)) * 60 + int(m.group(2))
    raise UserError(
        f"Lịch chạy “{text}” không hợp lệ: dùng “every 5m”, “daily 07:00” hoặc “off”.",
        f"Invalid timing “{text}”: use “every 5m”, “daily 07:00” or “off”.",
    )


def timing(settings, name: str) -> str:
    return settings.periodic.get(name, PERIODIC[name].default)


def next_run(text: str, after: datetime) -> datetime | None:
    """When a job with this timing runs next, strictly after ``after`` (None when off)."""
    mode, value = parse_timing(text)
    if mode == "off":
        return None
    if mode == "every":
        return after + timedelta(seconds=value)
    local = after.astimezone(LOCAL)
    at = local.replace(hour=value // 60, minute=value % 60, second=0, microsecond=0)
    if at <= local:
        at += timedelta(days=1)
    return at

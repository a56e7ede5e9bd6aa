"""The figures of every module for a period, as they stood then, against the previous period of equal length.

Each module answers the hook ``period_figures`` (its ``figures.py``); this module never reads their tables.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa import clock, hooks
from loa.auth.models import Province


def default_period(today: date) -> tuple[date, date]:
    """This week so far: Monday to ``today`` (local days)."""
    return clock.week_start(today), today


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of equal length that ends the day before ``start``."""
    return start - timedelta(days=(end - start).days + 1), start - timedelta(days=1)


def sections(db: Session, start: date, end: date) -> dict[str, dict]:
    """Each module's answer for [start, end], by section key, in the modules' order of ``order``."""
    answers = [a for a in hooks.call().period_figures(db=db, start=start, end=end) if a]
    return {a["section"]: a for a in sorted(answers, key=lambda a: a["order"])}


def collect(db: Session, start: date, end: date) -> dict:
    """The situation room's and the periodic report's figures: this period's sections and the previous one's."""
    if end < start:
        start, end = end, start
    before = previous_period(start, end)
    province = db.scalar(select(Province.name).order_by(Province.id).limit(1)) or ""
    return {
        "province": province,
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "previous_period": {"from": before[0].isoformat(), "to": before[1].isoformat()},
        "generated_at": clock.utcnow().isoformat(timespec="seconds"),
        "sections": sections(db, start, end),
        "previous": sections(db, *before),
    }

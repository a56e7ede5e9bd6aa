"""Reading the stored series: a unit's points for a metric and the 7-day average (shared by the service and the
charts)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa.bulletins.models import StatPoint

WINDOW = 7


def series(db: Session, unit: str, metric: str, until: date | None = None) -> list[StatPoint]:
    q = select(StatPoint).where(StatPoint.unit_code == unit, StatPoint.metric == metric)
    if until:
        q = q.where(StatPoint.day <= until)
    return list(db.scalars(q.order_by(StatPoint.day)))


def moving_average(daily: dict[date, int | None], day: date, window: int = WINDOW) -> float | None:
    """Mean of the ``window`` days ending on ``day``; None unless every one of them has a value (so the
    average never starts early on a short or broken series)."""
    values = [daily.get(day - timedelta(days=k)) for k in range(window)]
    return None if any(v is None for v in values) else sum(values) / window

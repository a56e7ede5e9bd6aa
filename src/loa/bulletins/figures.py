"""The epidemic situation at the end of a period (hook ``period_figures``): the figures of the province's latest
bulletin made by then, each with the day it is of (vaccination is not counted every day)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loa.auth.models import Province
from loa.bulletins import service
from loa.bulletins.models import Bulletin, StatPoint
from loa.clock import local_day_start
from loa.i18n import N_


def period_figures(db: Session, start: date, end: date) -> dict | None:
    """``{"section": "situation", ...}``: see ``docs/modules/situation.md``; without a bulletin by then, the latest
    day with case data (``bulletin_day`` None); None without any."""
    name = db.scalar(select(Province.name).order_by(Province.id).limit(1))
    unit = service.home_unit(name) if name else None
    if unit is None:
        return None
    until = local_day_start(end + timedelta(days=1))
    bulletin_day = db.scalar(
        select(func.max(Bulletin.day)).where(
            Bulletin.unit_code == unit.code, Bulletin.day <= end, Bulletin.created_at < until
        )
    )
    day = bulletin_day or db.scalar(
        select(func.max(StatPoint.day)).where(
            StatPoint.unit_code == unit.code, StatPoint.metric == "cases", StatPoint.day <= end
        )
    )
    if day is None:
        return None
    f = service.figures(db, unit, day, compare=False)
    vaccinated = service.latest_vaccination_day(db, unit.code, day)
    rows = [
        (N_("Ca mắc mới"), f.new_cases, day),
        (N_("Trung bình 7 ngày"), None if f.avg7 is None else round(f.avg7, 1), day),
        (N_("Tổng số ca"), f.total_cases, day),
        (N_("Ca mắc 7 ngày trên 100.000 dân"), None if f.week_per_100k is None else round(f.week_per_100k, 1), day),
        (N_("Tử vong"), f.deaths, day),
        (N_("Tiêm ít nhất 1 mũi (%)"), None if f.dose1_pct is None else round(f.dose1_pct, 1), vaccinated),
        (N_("Tiêm đủ 2 mũi (%)"), None if f.dose2_pct is None else round(f.dose2_pct, 1), vaccinated),
    ]
    return {
        "section": "situation",
        "order": 70,
        "title": N_("Tình hình dịch"),
        "as_of": day.isoformat(),
        "url": f"/bulletins/units/{unit.code}",
        "unit": unit.name,
        "bulletin_day": bulletin_day.isoformat() if bulletin_day else None,
        "figures": [
            {"label": label, "value": value, "as_of": at.isoformat() if at else None}
            for label, value, at in rows
            if value is not None
        ],
    }

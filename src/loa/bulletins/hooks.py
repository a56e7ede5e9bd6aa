"""Home dashboard panel (the latest figures of the instance's province), the latest approved bulletin of a
district for the tiplines' subscribers, and the province's districts as places when no commune register answers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa.auth.models import Province
from loa.bulletins import figures, service
from loa.bulletins.config import BulletinsSettings
from loa.bulletins.gazetteer import gazetteer
from loa.bulletins.models import Bulletin
from loa.clock import today_local
from loa.config import get_settings
from loa.content.models import ContentItem
from loa.hooks import impl
from loa.i18n import N_


@impl
def dashboard_panel(db: Session, user) -> dict | None:
    """The province's latest figures, each with the day it is of; one older than ``LOA_BULLETINS_STALE_DAYS``
    is marked old (a leader must never read last week's count as today's)."""
    name = db.scalar(select(Province.name).order_by(Province.id).limit(1))
    unit = service.home_unit(name) if name else None
    day = service.latest_day(db, unit.code) if unit else None
    if day is None:
        return None
    vaccination = service.latest_vaccination_day(db, unit.code, day)
    limit, today = BulletinsSettings().stale_days, today_local()
    days = {"cases": day, "vaccination": vaccination}
    return {
        "template": "bulletins/_panel.html",
        "order": 20,
        "unit": unit,
        "f": service.figures(db, unit, day),
        "days": days,
        "stale": {k: d is not None and (today - d).days > limit for k, d in days.items()},
        "stale_days": limit,
    }


@impl
def reports_offered(db: Session, user) -> list[dict]:
    """The daily situation bulletin and the epidemic page of the province."""
    return [{"title": N_("Bản tin tình hình dịch hằng ngày"), "url": "/bulletins", "note": ""}]


@impl
def latest_bulletin(db: Session, district: str) -> dict | None:
    """The latest bulletin approved for the public (its content item approved, scheduled or published) of the
    district, else of its province; the text is the approved item's."""
    unit = gazetteer().get(district)
    for code in [district] + ([unit.province] if unit is not None and unit.province else []):
        row = db.execute(
            select(Bulletin, ContentItem)
            .join(ContentItem, ContentItem.id == Bulletin.content_item_id)
            .where(Bulletin.unit_code == code, ContentItem.state.in_(("approved", "scheduled", "published")))
            .order_by(Bulletin.day.desc())
            .limit(1)
        ).first()
        if row is not None:
            bulletin, item = row
            return {
                "key": f"{bulletin.unit_code}:{bulletin.day.isoformat()}",
                "title": item.title,
                "day": bulletin.day.isoformat(),
                "text": item.body,
            }
    return None


@impl(trylast=True)
def place_register(db: Session) -> dict | None:
    """The gazetteer's districts of the instance's province (its record, else ``LOA_PROVINCE``), without
    communes (asked after the channels' commune register)."""
    name = db.scalar(select(Province.name).order_by(Province.id).limit(1)) or get_settings().province
    unit = service.home_unit(name) if name else None
    if unit is None or unit.level != "province":
        return None
    return {"province": unit.name, "districts": [(d.full_name, []) for d in gazetteer().districts(unit.code)]}


@impl
def period_figures(db: Session, start: date, end: date) -> dict | None:
    return figures.period_figures(db, start, end)

"""Home dashboard panel (the latest figures of the instance's province), and the latest approved bulletin of a
district for the tiplines' subscribers."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loa.auth.models import Province
from loa.bulletins import service
from loa.bulletins.config import BulletinsSettings
from loa.bulletins.gazetteer import gazetteer
from loa.bulletins.models import Bulletin, StatPoint
from loa.clock import today_local
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
    vaccination = db.scalar(
        select(func.max(StatPoint.day)).where(
            StatPoint.unit_code == unit.code,
            StatPoint.metric == "vaccinated_1",
            StatPoint.day <= day,
            StatPoint.total.is_not(None),
        )
    )
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

"""Home dashboard panel (the latest figures of the instance's province), and the latest approved bulletin of a
district for the tiplines' subscribers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa.auth.models import Province
from loa.bulletins import service
from loa.bulletins.gazetteer import gazetteer
from loa.bulletins.models import Bulletin
from loa.content.models import ContentItem
from loa.hooks import impl
from loa.i18n import N_


@impl
def dashboard_panel(db: Session, user) -> dict | None:
    name = db.scalar(select(Province.name).order_by(Province.id).limit(1))
    unit = service.home_unit(name) if name else None
    day = service.latest_day(db, unit.code) if unit else None
    if day is None:
        return None
    return {"template": "bulletins/_panel.html", "order": 20, "unit": unit, "f": service.figures(db, unit, day)}


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

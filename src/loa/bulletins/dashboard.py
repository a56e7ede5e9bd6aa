"""Home dashboard panel: the latest figures of the instance's province."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa.auth.models import Province
from loa.bulletins import service
from loa.i18n import N_


def panel(db: Session, user) -> dict | None:
    name = db.scalar(select(Province.name).order_by(Province.id).limit(1))
    unit = service.home_unit(name) if name else None
    day = service.latest_day(db, unit.code) if unit else None
    if day is None:
        return None
    return {"template": "bulletins/_panel.html", "order": 20, "unit": unit, "f": service.figures(db, unit, day)}


def reports(db: Session, user) -> list[dict]:
    """The daily situation bulletin and the epidemic page of the province."""
    return [{"title": N_("Bản tin tình hình dịch hằng ngày"), "url": "/bulletins", "note": ""}]

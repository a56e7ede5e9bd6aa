"""Home dashboard panel: today's loudspeaker broadcasts and Khmer versions still waiting for a recording; the
commune register as the province's places (listening finds them in public texts)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa.auth.models import Province, User
from loa.channels import figures, service
from loa.clock import today_local
from loa.config import get_settings
from loa.hooks import impl


@impl
def dashboard_panel(db: Session, user: User) -> dict | None:
    communes = [c for c in service.list_communes(db) if c.slots]
    if not communes:
        return None
    today = today_local()
    items, missing = set(), set()
    for commune in communes:
        for entry in service.daily_playlist(db, commune, today):
            items.add(entry.item.master_id or entry.item.id)
            if entry.source == "missing":
                missing.add(entry.item.id)
    return {
        "template": "channels/_panel.html",
        "order": 40,
        "communes": len(communes),
        "item_count": len(items),
        "missing": len(missing),
    }


@impl
def place_register(db: Session) -> dict | None:
    """The districts of the commune register (in order) and their communes; None while it is empty."""
    districts: dict[str, list[str]] = {}
    for commune in service.list_communes(db, active_only=False):
        if commune.district:
            districts.setdefault(commune.district, []).append(commune.name)
    if not districts:
        return None
    province = db.scalar(select(Province.name).order_by(Province.id).limit(1)) or get_settings().province
    return {"province": province, "districts": list(districts.items())}


@impl
def period_figures(db: Session, start: date, end: date) -> dict | None:
    return figures.period_figures(db, start, end)

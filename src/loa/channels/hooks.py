"""Home dashboard panel: today's loudspeaker broadcasts and Khmer versions still waiting for a recording."""

from __future__ import annotations

from sqlalchemy.orm import Session

from loa.auth.models import User
from loa.channels import service
from loa.clock import today_local
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

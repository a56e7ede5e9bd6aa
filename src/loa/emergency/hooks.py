"""What the emergency notices offer the others: the notices in force (the public banner and home page), and a
card on the staff home page (the in-app notice to agencies, and notices waiting for this person's approval)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from loa.emergency import service
from loa.formats import vn_datetime
from loa.hooks import impl


@impl
def current_emergency_notices(db: Session) -> list[dict]:
    return [
        {
            "title": n.item.title,
            "url": service.public_path(n),
            "level": "emergency",
            "expires": vn_datetime(n.expires_at.astimezone(service.LOCAL)),
        }
        for n in service.current(db)
    ]


@impl
def dashboard_panel(db: Session, user) -> dict | None:
    told = service.notices_for(db, user)
    waiting = [n for n in service.list_notices(db, 20) if service.why_not(n, user) is None]
    if not told and not waiting:
        return None
    return {"template": "emergency/_panel.html", "order": 1, "told": told, "waiting": waiting}

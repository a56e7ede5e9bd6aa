"""Dashboard panel: triage queue size, published fact-checks, recent matches."""

from __future__ import annotations

from sqlalchemy.orm import Session

from loa.auth.models import User
from loa.claims import service


def panel(db: Session, user: User) -> dict | None:
    return {"template": "claims/_panel.html", "order": 40, "triage": service.triage_count(db),
            "published": len(service.published(db)), "recent": service.recent_matches(db, 5)}

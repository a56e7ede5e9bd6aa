"""Home dashboard panel: items waiting for review and this week's balance warnings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from loa.auth.models import User
from loa.content import service
from loa.formats import LOCAL


def panel(db: Session, user: User) -> dict | None:
    waiting = service.waiting_for_review(db)
    rows = service.balance(db, datetime.now(LOCAL).date())
    if not waiting and not any(r.total for r in rows):
        return None
    return {"template": "content/_panel.html", "order": 20, "waiting": waiting,
            "off": [r for r in rows if r.warnings]}

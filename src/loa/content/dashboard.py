"""Home dashboard panel: items waiting for review and this week's balance warnings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from loa.auth.models import User
from loa.content import service
from loa.i18n import N_
from loa.formats import LOCAL


def panel(db: Session, user: User) -> dict | None:
    waiting = service.waiting_for_review(db)
    rows = service.balance(db, datetime.now(LOCAL).date())
    if not waiting and not any(r.total for r in rows):
        return None
    return {"template": "content/_panel.html", "order": 20, "waiting": waiting,
            "off": [r for r in rows if r.warnings]}


def reports(db: Session, user: User) -> list[dict]:
    """The weekly balance of epidemic against other content, and the publishing calendar."""
    return [{"title": N_("Cân đối nội dung theo kênh và tuần"), "url": "/content/balance", "note": ""},
            {"title": N_("Lịch đăng theo tuần, tháng"), "url": "/calendar", "note": ""}]

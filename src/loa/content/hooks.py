"""What the content hub offers the others: its home card and reports, and a draft for each published correction."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from loa.auth.models import User
from loa.clock import today_local
from loa.content import figures, service
from loa.hooks import impl
from loa.i18n import N_


@impl
def dashboard_panel(db: Session, user: User) -> dict | None:
    waiting = service.waiting_for_review(db)
    rows = service.balance(db, today_local())
    if not waiting and not any(r.total for r in rows):
        return None
    return {"template": "content/_panel.html", "order": 20, "waiting": waiting, "off": [r for r in rows if r.warnings]}


@impl
def reports_offered(db: Session, user: User) -> list[dict]:
    """The weekly balance of epidemic against other content, and the publishing calendar."""
    return [
        {"title": N_("Cân đối nội dung theo kênh và tuần"), "url": "/content/balance", "note": ""},
        {"title": N_("Lịch đăng theo tuần, tháng"), "url": "/calendar", "note": ""},
    ]


@impl
def fact_check_published(db: Session, title: str, body: str, author: User, source: str) -> int:
    """A published correction becomes a fact-check draft in the library, for the other channels."""
    item = service.create_item(
        db,
        kind="fact_check",
        title=title[:200],
        body=body,
        author=author,
        states_health_facts=True,
        source=source[:500],
    )
    return item.id


@impl
def period_figures(db: Session, start: date, end: date) -> dict | None:
    return figures.period_figures(db, start, end)

"""Dashboard panel: the user's overdue and due-soon plan tasks."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa.auth.models import User
from loa.hooks import impl
from loa.i18n import N_
from loa.plans import figures, service
from loa.plans.models import Plan


@impl
def dashboard_panel(db: Session, user: User) -> dict | None:
    if db.scalar(select(Plan.id).limit(1)) is None:
        return None
    return {"template": "plans/_panel.html", "order": 10, **service.reminders(db, user)}


@impl
def reports_offered(db: Session, user: User) -> list[dict]:
    """The report upward ("Báo cáo kết quả thực hiện Kế hoạch") of each plan."""
    return [
        {"title": N_("Báo cáo kết quả thực hiện kế hoạch"), "url": f"/plans/{p.id}#report", "note": p.title}
        for p in service.list_plans(db, user)
    ]


@impl
def period_figures(db: Session, start: date, end: date) -> dict | None:
    return figures.period_figures(db, start, end)

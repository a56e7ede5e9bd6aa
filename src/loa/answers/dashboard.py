"""Dashboard panel: unanswered questions waiting, answers waiting for review."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loa.answers import service
from loa.answers.models import FaqEntry
from loa.auth.models import User


def panel(db: Session, user: User) -> dict | None:
    groups, questions = service.waiting_count(db)
    drafts = db.scalar(select(func.count(FaqEntry.id)).where(FaqEntry.status == "draft"))
    return {"template": "answers/_panel.html", "order": 30, "groups": groups, "questions": questions,
            "drafts": drafts, "top": service.list_groups(db, "open")[:3]}

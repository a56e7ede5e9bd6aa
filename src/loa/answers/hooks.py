"""What Answers offers the others: its home card and the most asked unanswered questions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loa.answers import service
from loa.answers.models import FaqEntry
from loa.auth.models import User
from loa.hooks import impl


@impl
def dashboard_panel(db: Session, user: User) -> dict | None:
    groups, questions = service.waiting_count(db)
    drafts = db.scalar(select(func.count(FaqEntry.id)).where(FaqEntry.status == "draft"))
    return {
        "template": "answers/_panel.html",
        "order": 30,
        "groups": groups,
        "questions": questions,
        "drafts": drafts,
        "top": service.list_groups(db, "open")[:3],
    }


@impl
def unanswered_questions(db: Session, since: datetime, until: datetime, limit: int) -> list[dict]:
    return [{"text": q["text"], "count": q["count"]} for q in service.top_unanswered(db, since, until, limit)]

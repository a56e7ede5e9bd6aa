"""What Answers offers the others: its home card, the most asked unanswered questions, and its stored questions
scrubbed again when the scrubber learns more."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loa.answers import figures, service
from loa.answers.models import FaqEntry, QuestionGroup, UnansweredQuestion
from loa.auth.models import User
from loa.hooks import impl
from loa.text.stored import rescrub_column


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


@impl
def public_texts_rescrubbed(db: Session) -> dict[str, list[int]]:
    """Citizens' queued questions and their groups' texts, scrubbed again."""
    counts = [rescrub_column(db, model, "text") for model in (UnansweredQuestion, QuestionGroup)]
    return {"Câu hỏi của người dân": [sum(r for r, _c in counts), sum(len(c) for _r, c in counts)]}


@impl
def period_figures(db: Session, start: date, end: date) -> dict | None:
    return figures.period_figures(db, start, end)

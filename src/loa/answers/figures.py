"""Citizens' questions over a period (hook ``period_figures``): asked, answered at once from the FAQ, still
waiting at the end of the period, and the median time from a question to the staff's answer. The times read are
those of asking, of an FAQ answer and of a group's closing, so later activity leaves a past period as it was."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from statistics import median

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from loa.answers.models import FaqHit, QuestionGroup, UnansweredQuestion
from loa.answers.service import CHANNELS
from loa.clock import local_day_start, today_local
from loa.i18n import N_


def period_figures(db: Session, start: date, end: date) -> dict:
    """``{"section": "questions", ...}``: see ``docs/modules/situation.md``; ``per_channel`` is keyed by the
    channel's label ("Trang web", "Zalo"...), most asked first."""
    since, until = local_day_start(start), local_day_start(end + timedelta(days=1))
    queued = dict(
        db.execute(
            select(UnansweredQuestion.channel, func.count(UnansweredQuestion.id))
            .where(UnansweredQuestion.asked_at >= since, UnansweredQuestion.asked_at < until)
            .group_by(UnansweredQuestion.channel)
        ).all()
    )
    answered = dict(
        db.execute(
            select(FaqHit.channel, func.count(FaqHit.id))
            .where(FaqHit.answered_at >= since, FaqHit.answered_at < until)
            .group_by(FaqHit.channel)
        ).all()
    )
    per_channel = Counter()
    for counts in (queued, answered):
        for channel, n in counts.items():
            per_channel[CHANNELS.get(channel, channel)] += n
    waiting = db.scalar(
        select(func.count(UnansweredQuestion.id))
        .join(QuestionGroup, QuestionGroup.id == UnansweredQuestion.group_id)
        .where(
            UnansweredQuestion.asked_at < until,
            or_(QuestionGroup.closed_at.is_(None), QuestionGroup.closed_at >= until),
        )
    )
    staff = db.execute(
        select(UnansweredQuestion.asked_at, QuestionGroup.closed_at)
        .join(QuestionGroup, QuestionGroup.id == UnansweredQuestion.group_id)
        .where(QuestionGroup.status == "answered", QuestionGroup.closed_at >= since, QuestionGroup.closed_at < until)
    ).all()
    hours = [(closed - asked).total_seconds() / 3600 for asked, closed in staff]
    return {
        "section": "questions",
        "order": 60,
        "title": N_("Hỏi đáp của người dân"),
        "as_of": min(end, today_local()).isoformat(),
        "url": "/answers",
        "asked": sum(queued.values()) + sum(answered.values()),
        "answered_from_faq": sum(answered.values()),
        "answered_by_staff": len(hours),
        "waiting": int(waiting or 0),
        "median_hours_to_staff_answer": round(median(hours), 1) if hours else None,
        "per_channel": dict(per_channel.most_common()),
    }

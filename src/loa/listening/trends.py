"""Trends: the daily aggregates per topic, a day's overview, and the latest stories of a topic."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session

from loa.clock import local_day_start
from loa.listening.models import CIVIL_UNREST, DailyCount, Item
from loa.listening.topics import topics


def daily_counts(db: Session, start: date, end: date, topic_numbers: Iterable[int] | None = None) -> dict:
    """{(day, topic): DailyCount} for start..end inclusive (topic 0 = all items)."""
    q = select(DailyCount).where(DailyCount.day >= start, DailyCount.day <= end)
    if topic_numbers is not None:
        q = q.where(DailyCount.topic.in_(list(topic_numbers)))
    return {(c.day, c.topic): c for c in db.scalars(q)}


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def overview(db: Session, day: date) -> list[dict]:
    """Per subcategory on ``day``: count, previous day, % change, share of the day's items (attention),
    questions, concerns, negative; sorted by count."""
    counts = daily_counts(db, day - timedelta(days=1), day)
    total = counts.get((day, 0))
    total_items = total.items if total else 0
    rows = []
    for n, topic in topics(db).items():
        c, p = counts.get((day, n)), counts.get((day - timedelta(days=1), n))
        count, prev = (c.items if c else 0), (p.items if p else 0)
        if not count and not prev:
            continue
        rows.append(
            {
                "topic": n,
                "name": topic.name_vi,
                "name_en": topic.name_en,
                "category": topic.category,
                "count": count,
                "previous": prev,
                "change_pct": change_pct(count, prev),
                "share_pct": round(100 * count / total_items, 1) if total_items else 0.0,
                "questions": c.questions if c else 0,
                "concerns": c.concerns if c else 0,
                "negative": c.negative if c else 0,
                "reach": c.reach if c else 0,
            }
        )
    rows.sort(key=lambda r: (-r["count"], r["topic"]))
    return rows


def change_pct(now: int, before: int) -> float | None:
    """Percent change; None when there is nothing to compare with."""
    return round(100 * (now - before) / before, 1) if before else None


def has_topic(n: int):
    """Items whose subcategory list contains ``n`` (JSON list stored as text on both databases)."""
    text = cast(Item.subcategories, String)
    return or_(text.like(f"[{n},%"), text.like(f"[{n}]"), text.like(f"%, {n},%"), text.like(f"%, {n}]"))


def recent_items(
    db: Session, topic: int | None = None, limit: int = 20, question: bool | None = None, until: date | None = None
) -> list[Item]:
    """Latest stories, optionally of one topic and published by the end of the local day ``until``; topic 37 has
    no drill-down."""
    if topic == CIVIL_UNREST:
        return []
    q = select(Item).order_by(Item.published_at.desc(), Item.id.desc())
    if until is not None:
        q = q.where(Item.published_at < local_day_start(until + timedelta(days=1)))
    if topic:
        q = q.where(has_topic(topic))
    if question is not None:
        q = q.where(Item.is_question.is_(question))
    return [i for i in db.scalars(q.limit(limit * 2)) if CIVIL_UNREST not in (i.subcategories or [])][:limit]

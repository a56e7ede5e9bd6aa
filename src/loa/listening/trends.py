"""Trends: the daily aggregates per topic (in the province or one district, in all languages or one), a day's
overview, the districts' table and series, and the latest stories of a topic."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from loa.clock import local_day_start
from loa.listening.models import CIVIL_UNREST, DailyCount, Item
from loa.listening.topics import topics


def daily_counts(
    db: Session,
    start: date,
    end: date,
    topic_numbers: Iterable[int] | None = None,
    district: str = "",
    language: str = "",
) -> dict:
    """{(day, topic): DailyCount} for start..end inclusive (topic 0 = all items), in the whole province or the
    stories naming ``district``, in all languages or ``language``."""
    q = select(DailyCount).where(
        DailyCount.day >= start,
        DailyCount.day <= end,
        DailyCount.district == district,
        DailyCount.language == language,
    )
    if topic_numbers is not None:
        q = q.where(DailyCount.topic.in_(list(topic_numbers)))
    return {(c.day, c.topic): c for c in db.scalars(q)}


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def overview(db: Session, day: date, district: str = "", language: str = "") -> list[dict]:
    """Per subcategory on ``day`` (in a district, a language): count, previous day, % change, share of the day's
    items (attention), questions, concerns, negative; sorted by count."""
    counts = daily_counts(db, day - timedelta(days=1), day, None, district, language)
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


def names_district(district: str):
    """Items whose places name ``district`` (JSON list stored as text, written by the default serializer)."""
    return cast(Item.places, String).contains(f"[{json.dumps(district)},", autoescape=True)


def recent_items(
    db: Session,
    topic: int | None = None,
    limit: int = 20,
    question: bool | None = None,
    until: date | None = None,
    district: str = "",
    language: str = "",
) -> list[Item]:
    """Latest stories, optionally of one topic, naming a district, in a language, and published by the end of the
    local day ``until``; topic 37 has no drill-down."""
    if topic == CIVIL_UNREST:
        return []
    q = select(Item).order_by(Item.published_at.desc(), Item.id.desc())
    if district:
        q = q.where(names_district(district))
    if language:
        q = q.where(Item.language == language)
    if until is not None:
        q = q.where(Item.published_at < local_day_start(until + timedelta(days=1)))
    if topic:
        q = q.where(has_topic(topic))
    if question is not None:
        q = q.where(Item.is_question.is_(question))
    return [i for i in db.scalars(q.limit(limit * 2)) if CIVIL_UNREST not in (i.subcategories or [])][:limit]


def district_totals(db: Session, start: date, end: date, topic: int = 0, language: str = "") -> dict[str, int]:
    """Stories per district named over start..end (of one topic, in one language)."""
    c = DailyCount
    rows = db.execute(
        select(c.district, func.sum(c.items))
        .where(c.day >= start, c.day <= end, c.topic == topic, c.language == language, c.district != "")
        .group_by(c.district)
    )
    return {d: int(n or 0) for d, n in rows}


def district_series(db: Session, start: date, end: date, topic: int = 0, language: str = "") -> dict[str, list[int]]:
    """Each district's daily story counts over start..end (of one topic, in one language), days in order."""
    days = {d: i for i, d in enumerate(days_between(start, end))}
    out: dict[str, list[int]] = defaultdict(lambda: [0] * len(days))
    c = DailyCount
    for d, district, n in db.execute(
        select(c.day, c.district, c.items).where(
            c.day >= start, c.day <= end, c.topic == topic, c.language == language, c.district != ""
        )
    ):
        out[district][days[d]] = n
    return dict(out)


def district_table(
    db: Session, start: date, end: date, districts: list[str], topic: int = 0, language: str = ""
) -> list[dict]:
    """Per district: stories over the period, over the period before it, % change, share of the province's
    placed stories, and the daily series; every district of the register is listed, busiest first."""
    length = (end - start).days + 1
    now = district_totals(db, start, end, topic, language)
    before = district_totals(db, start - timedelta(days=length), start - timedelta(days=1), topic, language)
    series = district_series(db, start, end, topic, language)
    placed = sum(now.values())
    empty = [0] * length
    rows = [
        {
            "district": d,
            "count": now.get(d, 0),
            "previous": before.get(d, 0),
            "change_pct": change_pct(now.get(d, 0), before.get(d, 0)),
            "share_pct": round(100 * now.get(d, 0) / placed, 1) if placed else 0.0,
            "series": series.get(d, empty),
        }
        for d in dict.fromkeys([*districts, *now])
    ]
    rows.sort(key=lambda r: -r["count"])
    return rows


def language_totals(db: Session, start: date, end: date, district: str = "") -> dict[str, int]:
    """Stories per language over start..end (in one district)."""
    c = DailyCount
    rows = db.execute(
        select(c.language, func.sum(c.items))
        .where(c.day >= start, c.day <= end, c.topic == 0, c.district == district, c.language != "")
        .group_by(c.language)
    )
    return {lang: int(n or 0) for lang, n in rows}

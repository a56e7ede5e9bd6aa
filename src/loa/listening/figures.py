"""What people talked about in a period (hook ``period_figures``): stories seen, the top topics and rising
concerns against the previous period of equal length (from the daily counts, which outlive the texts), and the
alerts raised by the end of the period that were still open then (an alert closed later was open then)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from loa.clock import local_day_start, today_local
from loa.i18n import N_
from loa.listening.models import CIVIL_UNREST, Alert, DailyCount
from loa.listening.topics import topics
from loa.listening.trends import district_totals

TOP = 5
MIN_CONCERNS = 3  # fewer concerns than this in a period are not called rising


def _sums(db: Session, start: date, end: date) -> dict[int, tuple[int, int]]:
    """Topic → (stories, concerns) over start..end (topic 0: all stories)."""
    rows = db.execute(
        select(DailyCount.topic, func.sum(DailyCount.items), func.sum(DailyCount.concerns))
        .where(DailyCount.day >= start, DailyCount.day <= end, DailyCount.district == "", DailyCount.language == "")
        .group_by(DailyCount.topic)
    )
    return {topic: (int(items or 0), int(concerns or 0)) for topic, items, concerns in rows}


def open_alerts(db: Session, end: date) -> list[Alert]:
    """Alerts raised by the end of ``end`` and open then, newest first, one per topic and place (the province or
    a district)."""
    until = local_day_start(end + timedelta(days=1))
    rows = db.scalars(
        select(Alert)
        .where(
            Alert.day <= end,
            Alert.created_at < until,
            or_(Alert.status == "open", Alert.updated_at >= until),
        )
        .order_by(Alert.day.desc(), Alert.p_value)
    )
    seen: set[tuple[int, str]] = set()
    return [a for a in rows if not ((a.topic, a.district) in seen or seen.add((a.topic, a.district)))]


def period_figures(db: Session, start: date, end: date) -> dict | None:
    """``{"section": "listening", ...}``: see ``docs/modules/situation.md``; None before any listening."""
    if db.scalar(select(DailyCount.id).where(DailyCount.day <= end).limit(1)) is None:
        return None
    length = (end - start).days + 1
    now, before = _sums(db, start, end), _sums(db, start - timedelta(days=length), start - timedelta(days=1))
    names = topics(db)

    def row(n: int, i: int) -> dict:
        return {
            "topic": n,
            "label": names[n].name_vi,
            "count": now.get(n, (0, 0))[i],
            "previous": before.get(n, (0, 0))[i],
        }

    numbers = [n for n in names if now.get(n, (0, 0))[0]]
    top = sorted(numbers, key=lambda n: (-now[n][0], n))[:TOP]
    rising = [
        n
        for n in names
        if n != CIVIL_UNREST and now.get(n, (0, 0))[1] >= MIN_CONCERNS and now[n][1] > before.get(n, (0, 0))[1]
    ]
    rising.sort(key=lambda n: (-(now[n][1] - before.get(n, (0, 0))[1]), n))
    return {
        "section": "listening",
        "order": 40,
        "title": N_("Dư luận trên mạng"),
        "as_of": min(end, today_local()).isoformat(),
        "url": "/listening",
        "items": now.get(0, (0, 0))[0],
        "previous_items": before.get(0, (0, 0))[0],
        "top_topics": [row(n, 0) for n in top],
        "rising_concerns": [row(n, 1) for n in rising[:TOP]],
        "open_alerts": [
            {
                "topic": a.topic,
                "label": names[a.topic].name_vi,
                "day": a.day.isoformat(),
                "count": a.count,
                "district": a.district or None,
                "url": f"/listening/alerts/{a.id}",
            }
            for a in open_alerts(db, end)
            if a.topic in names
        ],
        "per_district": [
            {"district": d, "count": n}
            for d, n in sorted(district_totals(db, start, end).items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    }

"""Home dashboard panel: open alerts and the topics rising fastest on the latest day with data."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loa.hooks import impl
from loa.listening import service
from loa.listening.models import CIVIL_UNREST, DailyCount


@impl
def dashboard_panel(db: Session, user) -> dict | None:
    day = db.scalar(select(func.max(DailyCount.day)))
    if day is None:
        return None
    topics = service.topics(db)
    rows = service.overview(db, day)
    rising = sorted(
        (
            r
            for r in rows
            if r["change_pct"] is not None and r["change_pct"] > 0 and r["count"] >= 3 and r["topic"] != CIVIL_UNREST
        ),
        key=lambda r: -r["change_pct"],
    )[:5]
    total = service.daily_counts(db, day, day, [0]).get((day, 0))
    return {
        "template": "listening/_panel.html",
        "order": 30,
        "day": day,
        "total": total.items if total else 0,
        "alerts": [(a, topics[a.topic].name_vi) for a in service.alerts(db, "open", 5)],
        "rising": rising,
    }

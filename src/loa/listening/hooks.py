"""Home dashboard panel: open alerts and the topics rising fastest on the latest day with data; stored stories
scrubbed again when the scrubber learns more."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from loa.hooks import impl
from loa.listening import figures, pipeline, service
from loa.listening.models import CIVIL_UNREST, DailyCount, Item
from loa.text.stored import rescrub_column


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
        "alerts": [(a, topics[a.topic]) for a in _latest_per_topic(service.alerts(db, "open", 200))[:5]],
        "rising": rising,
    }


def _latest_per_topic(alerts: list) -> list:
    """One alert per topic (the first met: alerts come newest day first), so that no topic is listed twice."""
    seen: set[int] = set()
    return [a for a in alerts if not (a.topic in seen or seen.add(a.topic))]


@impl
def public_texts_rescrubbed(db: Session) -> dict[str, list[int]]:
    """Stories scrubbed again as on ingestion; a changed story gets the hashes of its new text (so that the same
    post, scrubbed today, is known as a copy), unless another story already has them."""
    read, changed = rescrub_column(db, Item, "text", pipeline.private)
    for item_id, text in changed:
        _sy, folded = pipeline.folded_syllables(text)
        key = pipeline.exact_key(folded)
        if db.scalar(select(Item.id).where(Item.exact_hash == key, Item.id != item_id)) is None:
            minhash = pipeline.minhash_bytes(pipeline.minhash(folded))
            db.execute(update(Item).where(Item.id == item_id).values(exact_hash=key, minhash=minhash))
    return {"Tin lắng nghe": [read, len(changed)]}


@impl
def period_figures(db: Session, start: date, end: date) -> dict | None:
    return figures.period_figures(db, start, end)

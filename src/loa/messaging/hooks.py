"""What the tiplines offer the others: their card on the home page (today's counts per platform), how many
messages of each platform brought a queue item, and the notifications other modules trigger (an answer approved,
a verdict published, an emergency notice)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from loa.hooks import impl
from loa.messaging import service


@impl
def dashboard_panel(db: Session, user) -> dict | None:
    today = service.today_stats(db)
    if not today["totals"]["messages"] and not today["totals"]["subscriptions"]:
        return None
    return {"template": "messaging/_panel.html", "order": 35, "today": today}


@impl
def question_answered(db: Session, group_id: int, entry_id: int) -> None:
    service.question_answered(db, group_id, entry_id)


@impl
def claim_published(db: Session, claim_id: int) -> None:
    service.claim_published(db, claim_id)


@impl
def emergency_notice(db: Session, districts: list[str], text: str) -> int:
    return sum(service.notify_district(db, district, text) for district in districts)


@impl
def tipline_counts(db: Session, refs: list[str]) -> dict[str, dict[str, int]]:
    return service.tipline_counts(db, refs)

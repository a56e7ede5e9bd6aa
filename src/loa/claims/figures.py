"""The misinformation desk over a period (hook ``period_figures``): claims seen, new claims, corrections
published and the median time from a claim's first sighting to its first published correction. Every figure
reads a time that does not change afterwards (sightings, creation, the first "published" event)."""

from __future__ import annotations

from datetime import date, timedelta
from statistics import median

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from loa.claims.models import Claim, ClaimAppearance, ClaimEvent
from loa.clock import local_day_start, today_local
from loa.i18n import N_


def period_figures(db: Session, start: date, end: date) -> dict:
    """``{"section": "misinformation", ...}``: see ``docs/modules/situation.md``."""
    since, until = local_day_start(start), local_day_start(end + timedelta(days=1))
    seen = union(
        select(ClaimAppearance.claim_id).where(
            ClaimAppearance.seen_at >= since, ClaimAppearance.seen_at < until, ClaimAppearance.kind != "question"
        ),
        select(Claim.id).where(Claim.first_seen_at >= since, Claim.first_seen_at < until),
    ).subquery()
    first_published = (
        select(ClaimEvent.claim_id, func.min(ClaimEvent.at).label("at"))
        .where(ClaimEvent.to_status == "published")
        .group_by(ClaimEvent.claim_id)
        .subquery()
    )
    published = db.execute(
        select(Claim.first_seen_at, first_published.c.at)
        .join(first_published, first_published.c.claim_id == Claim.id)
        .where(first_published.c.at >= since, first_published.c.at < until)
    ).all()
    hours = [max(0.0, (at - first).total_seconds() / 3600) for first, at in published if first is not None]
    return {
        "section": "misinformation",
        "order": 50,
        "title": N_("Tin sai lệch"),
        "as_of": min(end, today_local()).isoformat(),
        "url": "/claims",
        "claims_seen": int(db.scalar(select(func.count()).select_from(seen)) or 0),
        "new_claims": int(
            db.scalar(select(func.count(Claim.id)).where(Claim.created_at >= since, Claim.created_at < until)) or 0
        ),
        "corrections_published": len(published),
        "median_hours_to_correction": round(median(hours), 1) if hours else None,
    }

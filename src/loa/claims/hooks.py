"""What the misinformation desk offers the others: its home card, the check of observed public texts, claim titles."""

from __future__ import annotations

from sqlalchemy.orm import Session

from loa.auth.models import User
from loa.claims import service
from loa.claims.config import ClaimsSettings
from loa.hooks import impl


@impl
def dashboard_panel(db: Session, user: User) -> dict | None:
    return {
        "template": "claims/_panel.html",
        "order": 40,
        "triage": service.triage_count(db),
        "published": len(service.published(db)),
        "recent": service.recent_matches(db, 5),
    }


@impl
def public_text_observed(db: Session, text: str, reach: int, origin: str, ref: str, batch: dict) -> dict:
    """Check the text against the registry (see ``service.check_text``); settings are read once per batch."""
    settings = batch.setdefault("claims_settings", ClaimsSettings())
    return service.check_text(db, text, reach=reach, origin=origin, ref=ref, settings=settings)


@impl
def claim_titles(db: Session, ids: list[int]) -> dict[int, str]:
    return service.titles(db, ids)

"""What the misinformation desk offers the others: its home card, the check of observed public texts, claim titles,
and its stored public texts scrubbed again when the scrubber learns more."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from loa.auth.models import User
from loa.claims import figures, service
from loa.claims.config import ClaimsSettings
from loa.claims.models import ClaimAppearance, TriageItem
from loa.hooks import impl
from loa.text.stored import rescrub_column


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
    """Check the text against the registry (see ``service.check_text``); settings are read once per batch. What
    a citizen types on the question page (origin ``answers``) is a question, with or without a question mark."""
    settings = batch.setdefault("claims_settings", ClaimsSettings())
    question = True if origin == "answers" else None
    return service.check_text(db, text, reach=reach, origin=origin, ref=ref, settings=settings, question=question)


@impl
def claim_titles(db: Session, ids: list[int]) -> dict[int, str]:
    return service.titles(db, ids)


@impl
def claim_verdicts(db: Session, ids: list[int]) -> dict[int, str | None]:
    return service.verdicts(db, ids)


@impl
def public_texts_rescrubbed(db: Session) -> dict[str, list[int]]:
    """Sightings and triage texts scrubbed again; a changed triage text gets the hash of its new text (so that
    the same text, seen again, joins it), unless another triage item already has that hash."""
    seen, seen_changed = rescrub_column(db, ClaimAppearance, "text")
    queued, queued_changed = rescrub_column(db, TriageItem, "text")
    for item_id, text in queued_changed:
        digest = service.triage_hash(text)
        if db.scalar(select(TriageItem.id).where(TriageItem.text_hash == digest, TriageItem.id != item_id)) is None:
            db.execute(update(TriageItem).where(TriageItem.id == item_id).values(text_hash=digest))
    return {"Tin đồn ghi nhận": [seen, len(seen_changed)], "Tin chờ phân loại": [queued, len(queued_changed)]}


@impl
def period_figures(db: Session, start: date, end: date) -> dict | None:
    return figures.period_figures(db, start, end)

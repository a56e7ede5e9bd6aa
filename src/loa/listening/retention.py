"""Retention: stored texts and post keys are deleted after the retention period; daily aggregates remain."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from loa.clock import local_day, utcnow
from loa.listening.config import ListeningSettings
from loa.listening.models import ImportChunk, ImportJob, Item, SeenPost


def apply_retention(db: Session, now: datetime | None = None, days: int | None = None) -> dict:
    """Delete stored texts (items) and post keys older than the retention period, and the working copies of
    imports (chunks) that are done or as old; daily aggregates remain."""
    days = days if days is not None else ListeningSettings().retention_days
    cutoff = (now or utcnow()) - timedelta(days=days)
    items = db.execute(
        delete(Item).where(Item.published_at < cutoff), execution_options={"synchronize_session": False}
    ).rowcount
    seen = db.execute(
        delete(SeenPost).where(SeenPost.day < local_day(cutoff)), execution_options={"synchronize_session": False}
    ).rowcount
    chunks = db.execute(
        delete(ImportChunk).where(
            or_(
                ImportChunk.created_at < cutoff,
                ImportChunk.import_id.in_(select(ImportJob.id).where(ImportJob.status == "done")),
            )
        )
    ).rowcount
    return {"items_deleted": items, "keys_deleted": seen, "chunks_deleted": chunks, "cutoff": cutoff.isoformat()}

"""Retention: stored texts are deleted after the retention period; daily aggregates remain.

A feed may carry a post long after retention deleted its text. So that it is not counted again, the cutoff
retention applied is kept (``RetentionMark``) and a post published before it is not ingested at all (see
``loa.listening.ingest``); the posts' identity keys (hashes only, no text) outlive the texts by
:data:`KEYS_MARGIN_DAYS`, so that a post near the cutoff is still recognised."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from loa.clock import local_day, utcnow
from loa.listening.config import ListeningSettings
from loa.listening.models import ImportChunk, ImportJob, Item, RetentionMark, SeenPost

KEYS_MARGIN_DAYS = 2  # post keys are kept this many days past the texts' cutoff


def horizon(db: Session) -> datetime | None:
    """The latest cutoff retention applied: posts published before it are not ingested (None: never ran)."""
    return db.scalar(select(RetentionMark.cutoff).where(RetentionMark.id == 1))


def apply_retention(db: Session, now: datetime | None = None, days: int | None = None) -> dict:
    """Delete stored texts (items) older than the retention period, post keys older than that and
    :data:`KEYS_MARGIN_DAYS`, and the working copies of imports (chunks) that are done or as old; daily
    aggregates remain, and the cutoff is kept so that older posts are never ingested again."""
    days = days if days is not None else ListeningSettings().retention_days
    cutoff = (now or utcnow()) - timedelta(days=days)
    items = db.execute(
        delete(Item).where(Item.published_at < cutoff), execution_options={"synchronize_session": False}
    ).rowcount
    mark = db.get(RetentionMark, 1)
    if mark is None:
        db.add(RetentionMark(id=1, cutoff=cutoff))
    elif mark.cutoff < cutoff:  # a shorter run (``days``) may have deleted further already
        mark.cutoff = cutoff
    keys_before = local_day(max(cutoff, mark.cutoff if mark else cutoff)) - timedelta(days=KEYS_MARGIN_DAYS)
    seen = db.execute(
        delete(SeenPost).where(SeenPost.day < keys_before), execution_options={"synchronize_session": False}
    ).rowcount
    chunks = db.execute(
        delete(ImportChunk).where(
            or_(
                ImportChunk.created_at < cutoff,
                ImportChunk.import_id.in_(select(ImportJob.id).where(ImportJob.status == "done")),
            )
        )
    ).rowcount
    db.flush()
    return {"items_deleted": items, "keys_deleted": seen, "chunks_deleted": chunks, "cutoff": cutoff.isoformat()}

"""Reading the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa.audit.models import AuditEvent


def list_events(
    db: Session,
    *,
    entity: str = "",
    action: str = "",
    actor: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 200,
) -> list[AuditEvent]:
    """Newest first, filtered by entity (table), action, actor username and time range."""
    q = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(min(max(limit, 1), 1000))
    if entity:
        q = q.where(AuditEvent.entity == entity)
    if action:
        q = q.where(AuditEvent.action == action)
    if actor:
        q = q.where(AuditEvent.actor == actor)
    if since:
        q = q.where(AuditEvent.at >= since)
    if until:
        q = q.where(AuditEvent.at < until)
    return list(db.scalars(q))


def entities(db: Session) -> list[str]:
    return list(db.scalars(select(AuditEvent.entity).distinct().order_by(AuditEvent.entity)))

"""The audit event table (append-only; a database trigger refuses updates and deletes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from loa.clock import utcnow
from loa.db import Base, IdMixin, UTCDateTime, to_jsonable


class AuditEvent(IdMixin, Base):
    __tablename__ = "audit_events"
    __audit__ = False

    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    actor: Mapped[str] = mapped_column(String(60), default="")
    source: Mapped[str] = mapped_column(String(10), default="")
    action: Mapped[str] = mapped_column(String(10), index=True)
    entity: Mapped[str] = mapped_column(String(60), index=True)
    entity_id: Mapped[str] = mapped_column(String(40), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(JSON, nullable=True)


def _columns(obj) -> dict:
    """The object's column values in JSON form, sensitive columns redacted."""
    redact = getattr(obj, "__audit_redact__", set())
    out = {}
    for col in obj.__table__.columns:
        key = col.key
        value = getattr(obj, key, None)
        out[key] = "***" if key in redact and value is not None else to_jsonable(value)
    return out


def _changes(obj) -> tuple[dict, dict]:
    redact = getattr(obj, "__audit_redact__", set())
    state = inspect(obj)
    before, after = {}, {}
    for col in obj.__table__.columns:
        hist = state.attrs[col.key].history
        if not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else None
        if old == new:
            continue
        hidden = col.key in redact
        before[col.key] = "***" if hidden else to_jsonable(old)
        after[col.key] = "***" if hidden else to_jsonable(new)
    return before, after


def _audited(obj) -> bool:
    return getattr(obj, "__audit__", True) and hasattr(obj, "__table__")


def _entity_id(obj) -> str:
    return ",".join(str(v) for v in inspect(obj).mapper.primary_key_from_instance(obj))


@event.listens_for(Session, "after_flush")
def _record(session: Session, _ctx) -> None:
    """Write one audit row per created, changed or deleted object of this flush."""
    info = session.info
    base = {
        "at": utcnow(),
        "actor_id": info.get("actor_id"),
        "actor": info.get("actor_name", ""),
        "source": info.get("source", ""),
    }
    rows = []
    for obj in session.new:
        if _audited(obj):
            rows.append(
                {
                    **base,
                    "action": "create",
                    "entity": obj.__tablename__,
                    "entity_id": _entity_id(obj),
                    "summary": str(obj)[:200],
                    "before": None,
                    "after": _columns(obj),
                }
            )
    for obj in session.dirty:
        if _audited(obj) and session.is_modified(obj, include_collections=False):
            before, after = _changes(obj)
            if after:
                rows.append(
                    {
                        **base,
                        "action": "update",
                        "entity": obj.__tablename__,
                        "entity_id": _entity_id(obj),
                        "summary": "",
                        "before": before,
                        "after": after,
                    }
                )
    for obj in session.deleted:
        if _audited(obj):
            rows.append(
                {
                    **base,
                    "action": "delete",
                    "entity": obj.__tablename__,
                    "entity_id": _entity_id(obj),
                    "summary": "",
                    "before": _columns(obj),
                    "after": None,
                }
            )
    if rows:
        session.connection().execute(AuditEvent.__table__.insert(), rows)


@event.listens_for(Session, "before_flush")
def _append_only(session: Session, _ctx, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise PermissionError("the audit log is append-only")

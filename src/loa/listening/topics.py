"""The EARS subcategories as stored: written from the shipped taxonomy on first use, edited by administrators."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from loa.clock import utcnow
from loa.errors import UserError
from loa.listening.models import CIVIL_UNREST, Topic
from loa.listening.taxonomy import defaults


def topics(db: Session) -> dict[int, Topic]:
    """Subcategory number → Topic; the shipped taxonomy is written on first use (machine seeding, not audited)."""
    rows = {t.number: t for t in db.scalars(select(Topic))}
    if len(rows) < len(defaults()):
        now = utcnow()
        missing = [
            dict(
                number=n,
                category=c,
                name_vi=vi,
                name_en=en,
                description="",
                alerts=n != CIVIL_UNREST,
                created_at=now,
                updated_at=now,
            )
            for n, c, vi, en in defaults()
            if n not in rows
        ]
        db.execute(insert(Topic), missing)
        rows = {t.number: t for t in db.scalars(select(Topic))}
    return rows


def update_topic(
    db: Session, number: int, *, name_vi: str, name_en: str = "", description: str = "", alerts: bool = True
) -> Topic:
    """Edit a subcategory's names, description and whether it may raise alerts (never topic 37)."""
    topic = topics(db).get(number)
    if topic is None:
        raise UserError("Không có nhóm chủ đề này.", "No such topic.", 404)
    if not name_vi.strip():
        raise UserError("Tên tiếng Việt không được để trống.", "The Vietnamese name is required.", 422)
    topic.name_vi, topic.name_en, topic.description = name_vi.strip(), name_en.strip(), description.strip()
    topic.alerts = bool(alerts) and number != CIVIL_UNREST
    db.flush()
    return topic

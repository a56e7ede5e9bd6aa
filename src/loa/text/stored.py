"""Scrubbing again the public texts already stored, once the scrubber finds more (names, hamlet addresses).

Each module that keeps texts from the public answers the hook ``public_texts_rescrubbed`` with ``rescrub_column``
over its own tables; ``rescrub_all`` asks them all (the job ``text.rescrub`` and ``loa text rescrub``).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from loa import hooks
from loa.text.normalize import normalize
from loa.text.pii import scrub

BATCH = 500


def clean(text: str) -> str:
    """What every module stores of a public text: NFC, one tone-mark placement, personal data scrubbed."""
    return normalize(scrub(text or "")).strip()


def rescrub_column(
    db: Session, model, column: str, clean: Callable[[str], str] = clean
) -> tuple[int, list[tuple[int, str]]]:
    """Apply ``clean`` to ``model.column`` of every row and write back the values it changes. The rows are
    updated with plain UPDATE statements, so the audit log gets no second copy of the text being scrubbed.
    Returns the rows read and the changed rows as (id, new text); running it again changes nothing."""
    table, read, changed, last = model.__table__, 0, [], 0
    while rows := db.execute(
        select(table.c.id, table.c[column]).where(table.c.id > last).order_by(table.c.id).limit(BATCH)
    ).all():
        for row_id, text in rows:
            read += 1
            new = clean(text or "")
            if new != (text or ""):
                db.execute(update(table).where(table.c.id == row_id).values({column: new}))
                changed.append((row_id, new))
        last = rows[-1][0]
    return read, changed


def rescrub_all(db: Session) -> dict[str, list[int]]:
    """Every module's stored public texts scrubbed again: {what: [read, changed]}."""
    found: dict[str, list[int]] = {}
    for answer in hooks.call().public_texts_rescrubbed(db=db):
        found.update(answer or {})
    return found

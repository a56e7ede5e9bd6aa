"""The channels content goes out on (newspaper, radio and TV, portal, social, loudspeakers, print), with targets."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from loa.content.common import clean, slugify
from loa.content.models import CHANNEL_KINDS, Channel
from loa.db import get_or_404
from loa.errors import UserError
from loa.text import sort_by


def create_channel(
    db: Session,
    name: str,
    kind: str,
    *,
    slug: str = "",
    description: str = "",
    epidemic_min_pct: float = 30.0,
    epidemic_max_pct: float = 70.0,
    hopeful_min_pct: float = 40.0,
) -> Channel:
    name = " ".join(clean(name).split())
    if not name:
        raise UserError("Kênh cần có tên.", "A channel needs a name.")
    if kind not in CHANNEL_KINDS:
        raise UserError(f"Loại kênh không hợp lệ: {kind}", f"Unknown channel kind: {kind}")
    if db.scalar(select(Channel).where(Channel.name == name)):
        raise UserError(f"Kênh “{name}” đã có.", f"The channel “{name}” exists.", 409)
    slug = slugify(slug or name, 100)
    if db.scalar(select(Channel).where(Channel.slug == slug)):
        raise UserError(f"Đường dẫn “{slug}” đã được dùng.", f"The slug “{slug}” is taken.", 409)
    channel = Channel(name=name, kind=kind, slug=slug, description=clean(description))
    db.add(channel)
    set_targets(channel, epidemic_min_pct, epidemic_max_pct, hopeful_min_pct)
    db.flush()
    return channel


def set_targets(channel: Channel, epidemic_min_pct: float, epidemic_max_pct: float, hopeful_min_pct: float) -> None:
    """The balance targets of a channel, in percent."""
    values = (epidemic_min_pct, epidemic_max_pct, hopeful_min_pct)
    if any(v is None or not 0 <= v <= 100 for v in values) or epidemic_min_pct > epidemic_max_pct:
        raise UserError(
            "Mục tiêu phải nằm trong 0–100% và mức tối thiểu không lớn hơn mức tối đa.",
            "Targets must lie within 0–100% and the minimum may not exceed the maximum.",
        )
    channel.epidemic_min_pct, channel.epidemic_max_pct, channel.hopeful_min_pct = map(float, values)


def list_channels(db: Session, active_only: bool = True) -> list[Channel]:
    q = select(Channel)
    if active_only:
        q = q.where(Channel.active.is_(True))
    return sort_by(db.scalars(q), lambda c: c.name)


def get_channel(db: Session, channel_id: int) -> Channel:
    return get_or_404(db, Channel, channel_id, "Không tìm thấy kênh.", "Channel not found.")


def channel_by_slug(db: Session, slug: str) -> Channel | None:
    return db.scalar(select(Channel).where(Channel.slug == slug))


def find_channel(db: Session, ref) -> Channel:
    """A channel given as a row, an id (int or digits), a slug or a name; 404 when there is none."""
    if isinstance(ref, Channel):
        return ref
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isascii() and ref.isdecimal()):
        return get_channel(db, int(ref))
    found = db.scalar(select(Channel).where(or_(Channel.slug == ref, Channel.name == ref)))
    if found is None:
        raise UserError(f"Không có kênh “{ref}”.", f"No channel “{ref}”.", 404)
    return found

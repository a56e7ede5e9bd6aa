"""Publishing slots: planning, moving and cancelling them, the pass that publishes due ones, and the calendar."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loa.auth.models import User
from loa.clock import utcnow
from loa.content.channels import find_channel
from loa.content.common import APPROVED_STATES, WRITERS, need
from loa.content.config import ContentSettings
from loa.content.models import KINDS, SCHEDULE_STATES, CalendarFeed, ContentItem, Schedule
from loa.content.workflow import need_approved, publish
from loa.db import get_or_404
from loa.errors import UserError
from loa.i18n import N_


def schedule(db: Session, item: ContentItem, user: User, channel, at: datetime) -> Schedule:
    """Plan an approved item on a channel at a time (aware datetime)."""
    need(user, WRITERS)
    need_approved(item)
    if at.tzinfo is None:
        raise UserError("Thời điểm cần có múi giờ.", "The time needs a time zone.")
    slot = Schedule(item=item, channel=find_channel(db, channel), planned_at=at, status="planned")
    db.add(slot)
    if item.state == "approved":
        item.state = "scheduled"
    db.flush()
    return slot


def get_schedule(db: Session, schedule_id: int) -> Schedule:
    return get_or_404(db, Schedule, schedule_id, "Không tìm thấy lịch đăng.", "Schedule not found.")


def reschedule(db: Session, slot: Schedule, user: User, at: datetime, channel=None) -> Schedule:
    """Move a planned slot to another time (and optionally channel); a missed slot of an approved item is
    planned again."""
    need(user, WRITERS)
    if slot.status not in ("planned", "missed"):
        raise UserError("Chỉ dời được lịch chưa đăng.", "Only planned slots can be moved.", 409)
    if at.tzinfo is None:
        raise UserError("Thời điểm cần có múi giờ.", "The time needs a time zone.")
    if slot.status == "missed":
        need_approved(slot.item)
        slot.status, slot.missed_reason = "planned", ""
        if slot.item.state == "approved":
            slot.item.state = "scheduled"
    slot.planned_at = at
    if channel is not None:
        slot.channel = find_channel(db, channel)
    db.flush()
    return slot


def cancel_schedule(db: Session, slot: Schedule, user: User) -> Schedule:
    need(user, WRITERS)
    if slot.status != "planned":
        raise UserError("Chỉ hủy được lịch chưa đăng.", "Only planned slots can be cancelled.", 409)
    slot.status = "cancelled"
    item = slot.item
    if item.state == "scheduled" and not any(s.status == "planned" for s in item.schedules):
        item.state = "approved"
    db.flush()
    return slot


# ---- due slots --------------------------------------------------------------------------------------------

# Why a due slot did not go out (Vietnamese, shown with ``_()``; English in locale/en.po).
MISSED_NOT_APPROVED = N_("Bài chưa được duyệt nên không đăng, phát theo lịch.")
MISSED_EDITED = N_("Bài đã được sửa sau khi duyệt, bản sửa chưa được duyệt lại nên không đăng, phát theo lịch.")
MISSED_ARCHIVED = N_("Bài đã chuyển vào lưu trữ nên không đăng, phát theo lịch.")
MISSED_LATE = N_("Quá giờ phát mà hệ thống chưa phát kịp; phát muộn trên loa, đài dễ gây hiểu nhầm nên không phát bù.")


@dataclass
class Due:
    """What one pass over the due slots did."""

    published: list[Schedule] = field(default_factory=list)
    missed: list[Schedule] = field(default_factory=list)

    def summary(self) -> str:
        if not self.published and not self.missed:
            return "Không có lượt nào đến giờ."
        return f"Đã đăng {len(self.published)} lượt, bỏ lỡ {len(self.missed)} lượt."


def _missed_reason(slot: Schedule, now: datetime, grace: timedelta) -> str:
    item = slot.item
    if item.state == "archived":
        return MISSED_ARCHIVED
    if item.approved_version is not None and item.approved_version != item.version:
        return MISSED_EDITED
    if item.state not in APPROVED_STATES or item.approved_at is None or item.approved_version is None:
        return MISSED_NOT_APPROVED
    if slot.channel.timed and now - slot.planned_at > grace:
        return MISSED_LATE
    return ""


def publish_due(db: Session, now: datetime | None = None, grace_minutes: int | None = None) -> Due:
    """Publish every planned slot whose time has come; a slot that cannot go out is marked missed with its
    reason, never left planned: its item is not approved (or was edited after approval), or archived.

    The grace (``LOA_CONTENT_BROADCAST_GRACE_MINUTES``, 60 by default) applies to broadcast channels only
    (loudspeakers, radio and TV): a broadcast belongs to its hour — a morning notice aired in the afternoon
    misleads listeners and would misstate the airtime record — so a slot reached later than the grace is
    missed and a person plans it again. A late portal, social-media, newspaper or print item is still useful
    and goes out whenever the worker reaches it."""
    now = now or utcnow()
    grace = timedelta(minutes=ContentSettings().broadcast_grace_minutes if grace_minutes is None else grace_minutes)
    due = db.scalars(
        select(Schedule)
        .where(Schedule.status == "planned", Schedule.planned_at <= now)
        .order_by(Schedule.planned_at, Schedule.id)
        .with_for_update(skip_locked=True)
    )
    done = Due()
    for s in list(due):
        reason = _missed_reason(s, now, grace)
        if not reason:
            publish(db, s.item, None, slot=s, now=s.planned_at)
            done.published.append(s)
            continue
        s.status, s.missed_reason = "missed", reason
        if s.item.state == "scheduled" and not any(x.status == "planned" for x in s.item.schedules):
            s.item.state = "approved"
        done.missed.append(s)
    db.flush()
    return done


# ---- calendar ---------------------------------------------------------------------------------------------


def schedules_between(
    db: Session,
    start: datetime,
    end: datetime,
    channel=None,
    statuses: tuple[str, ...] = ("planned", "published", "missed"),
) -> list[Schedule]:
    """Slots in [start, end) with one of ``statuses`` (all but cancelled ones by default), in time order."""
    when = func.coalesce(Schedule.published_at, Schedule.planned_at)
    q = select(Schedule).where(when >= start, when < end, Schedule.status.in_(statuses)).order_by(when, Schedule.id)
    if channel is not None:
        q = q.where(Schedule.channel_id == find_channel(db, channel).id)
    return list(db.scalars(q))


def calendar_ics(db: Session, channel, base_url: str = "") -> bytes:
    """The planned and published slots of a channel (None: of every channel) as an iCalendar file; each event's
    description ends with the item's address, absolute when ``base_url`` is given (for calendar programs)."""
    from icalendar import Calendar, Event  # imported here: it costs every CLI and web start about half a second

    ch = find_channel(db, channel) if channel is not None else None
    cal = Calendar()
    cal.add("prodid", "-//Loa//Lich dang noi dung//VI")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Loa · {ch.name if ch else 'Tất cả kênh'}")
    query = select(Schedule).where(Schedule.status != "cancelled").order_by(Schedule.planned_at)
    if ch is not None:
        query = query.where(Schedule.channel_id == ch.id)
    for s in db.scalars(query):
        ev = Event()
        ev.add("uid", f"content-schedule-{s.id}@loa")
        ev.add("summary", s.item.title)
        ev.add("dtstart", s.at)
        ev.add("dtend", s.at + timedelta(seconds=max(s.item.duration_seconds or 0, 15 * 60)))
        ev.add("dtstamp", s.updated_at or utcnow())
        ev.add("status", {"published": "CONFIRMED", "missed": "CANCELLED"}.get(s.status, "TENTATIVE"))
        ev.add("categories", [KINDS[s.item.kind][0]])
        about = [KINDS[s.item.kind][0], SCHEDULE_STATES[s.status][0]]
        if s.status == "missed":
            about.append(s.missed_reason)
        if ch is None:
            about.insert(0, s.channel.name)
        ev.add("description", " · ".join(about + [f"{base_url.rstrip('/')}/content/{s.item_id}"]))
        cal.add_component(ev)
    return cal.to_ical()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_feed(db: Session, user: User, channel=None) -> tuple[CalendarFeed, str]:
    """A secret subscription address for one channel's calendar (None: all channels); the token is shown once."""
    need(user, WRITERS)
    token = secrets.token_urlsafe(24)
    feed = CalendarFeed(
        token_hash=_token_hash(token),
        channel=find_channel(db, channel) if channel is not None else None,
        created_by_id=user.id,
    )
    db.add(feed)
    db.flush()
    return feed, token


def feed_by_token(db: Session, token: str) -> CalendarFeed:
    """The feed of a subscription address; a revoked or unknown one is not found."""
    feed = db.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _token_hash(token or "")))
    if feed is None or feed.revoked_at is not None:
        raise UserError("Không có lịch đăng ký này, hoặc nó đã bị thu hồi.", "No such calendar, or revoked.", 404)
    return feed


def list_feeds(db: Session) -> list[CalendarFeed]:
    """The subscription addresses still valid, newest first."""
    query = select(CalendarFeed).where(CalendarFeed.revoked_at.is_(None)).order_by(CalendarFeed.id.desc())
    return list(db.scalars(query))


def revoke_feed(db: Session, user: User, feed_id: int) -> CalendarFeed:
    """Stop a subscription address from answering."""
    need(user, WRITERS)
    feed = get_or_404(db, CalendarFeed, feed_id, "Không có lịch đăng ký này.", "No such calendar feed.")
    feed.revoked_at = feed.revoked_at or utcnow()
    db.flush()
    return feed

"""Plain functions of the content hub: items and their workflow, versions, variants, attachments,
channels, schedules, the calendar export and the balance of each channel's week. Callers own the transaction."""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Iterable

from markupsafe import Markup, escape
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from loa.auth.models import User
from loa.config import Settings
from loa.content.config import ContentSettings
from loa.content.models import (AUDIENCES, CHANNEL_KINDS, KINDS, LANGUAGES, SCHEDULE_STATES, TONES, ItemAttachment,
                                Channel, ItemComment, ContentItem, ItemVersion, ItemReview, Schedule, Theme)
from loa.db import get_or_404, utcnow
from loa.errors import UserError
from loa.formats import LOCAL, vn_date, vn_number, vn_percent
from loa.i18n import N_

WRITERS = ("editor", "coordinator")
REVIEWERS = ("reviewer",)
COMMENTERS = WRITERS + REVIEWERS
APPROVED_STATES = ("approved", "scheduled", "published")

# Accepted attachments: media type → (extension, magic-byte test, largest size in MB)
ATTACHMENT_TYPES = {
    "image/png": ("png", lambda b: b.startswith(b"\x89PNG\r\n\x1a\n"), 5),
    "image/jpeg": ("jpg", lambda b: b.startswith(b"\xff\xd8\xff"), 5),
    "image/webp": ("webp", lambda b: b[:4] == b"RIFF" and b[8:12] == b"WEBP", 5),
    "audio/mpeg": ("mp3", lambda b: b.startswith(b"ID3") or b[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"), 20),
    "audio/ogg": ("ogg", lambda b: b.startswith(b"OggS"), 20),
    "audio/wav": ("wav", lambda b: b[:4] == b"RIFF" and b[8:12] == b"WAVE", 20),
}


# ---- helpers ----------------------------------------------------------------------------------------------

def slugify(text: str, limit: int = 80) -> str:
    """A readable ASCII URL part: "Tiêm vắc xin mũi 3" → "tiem-vac-xin-mui-3"."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:limit].rstrip("-") or "bai"


def body_html(text: str) -> Markup:
    """Plain-text body as safe HTML: everything escaped, blank lines make paragraphs, single newlines <br>."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")) if p.strip()]
    return Markup("\n".join(f"<p>{Markup('<br>').join(escape(line) for line in p.split(chr(10)))}</p>"
                            for p in paragraphs))


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n")).strip()


def _need(user: User, roles: tuple[str, ...]) -> None:
    if not user.has_role(*roles):
        raise UserError("Bạn không có quyền thực hiện thao tác này.", "You may not do this.", 403)


def week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def local_day_start(d: date) -> datetime:
    """Midnight of a local (Asia/Ho_Chi_Minh) day, as an aware datetime."""
    return datetime.combine(d, time(0), tzinfo=LOCAL)


# ---- themes and channels ----------------------------------------------------------------------------------

def ensure_theme(db: Session, name: str, source: str = "") -> Theme:
    """The theme called ``name``, created when missing (the plans module adds a plan's themes this way)."""
    name = " ".join(_clean(name).split())
    if not name:
        raise UserError("Tên chủ đề không được để trống.", "A theme needs a name.")
    theme = db.scalar(select(Theme).where(Theme.name == name))
    if theme is None:
        theme = Theme(name=name, source=source or "")
        db.add(theme)
        db.flush()
    elif source and not theme.source:
        theme.source = source
    return theme


def list_themes(db: Session) -> list[Theme]:
    return list(db.scalars(select(Theme).order_by(Theme.name)))


def create_channel(db: Session, name: str, kind: str, *, slug: str = "", description: str = "",
                   epidemic_min_pct: float = 30.0, epidemic_max_pct: float = 70.0,
                   hopeful_min_pct: float = 40.0) -> Channel:
    name = " ".join(_clean(name).split())
    if not name:
        raise UserError("Kênh cần có tên.", "A channel needs a name.")
    if kind not in CHANNEL_KINDS:
        raise UserError(f"Loại kênh không hợp lệ: {kind}", f"Unknown channel kind: {kind}")
    if db.scalar(select(Channel).where(Channel.name == name)):
        raise UserError(f"Kênh “{name}” đã có.", f"The channel “{name}” exists.", 409)
    slug = slugify(slug or name, 100)
    if db.scalar(select(Channel).where(Channel.slug == slug)):
        raise UserError(f"Đường dẫn “{slug}” đã được dùng.", f"The slug “{slug}” is taken.", 409)
    channel = Channel(name=name, kind=kind, slug=slug, description=_clean(description))
    db.add(channel)
    set_targets(channel, epidemic_min_pct, epidemic_max_pct, hopeful_min_pct)
    db.flush()
    return channel


def set_targets(channel: Channel, epidemic_min_pct: float, epidemic_max_pct: float, hopeful_min_pct: float) -> None:
    """The balance targets of a channel, in percent."""
    values = (epidemic_min_pct, epidemic_max_pct, hopeful_min_pct)
    if any(v is None or not 0 <= v <= 100 for v in values) or epidemic_min_pct > epidemic_max_pct:
        raise UserError("Mục tiêu phải nằm trong 0–100% và mức tối thiểu không lớn hơn mức tối đa.",
                        "Targets must lie within 0–100% and the minimum may not exceed the maximum.")
    channel.epidemic_min_pct, channel.epidemic_max_pct, channel.hopeful_min_pct = map(float, values)


def list_channels(db: Session, active_only: bool = True) -> list[Channel]:
    q = select(Channel).order_by(Channel.name)
    if active_only:
        q = q.where(Channel.active.is_(True))
    return list(db.scalars(q))


def get_channel(db: Session, channel_id: int) -> Channel:
    return get_or_404(db, Channel, channel_id, "Không tìm thấy kênh.", "Channel not found.")


def channel_by_slug(db: Session, slug: str) -> Channel | None:
    return db.scalar(select(Channel).where(Channel.slug == slug))


def _channel(db: Session, ref) -> Channel:
    if isinstance(ref, Channel):
        return ref
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        return get_channel(db, int(ref))
    found = db.scalar(select(Channel).where(or_(Channel.slug == ref, Channel.name == ref)))
    if found is None:
        raise UserError(f"Không có kênh “{ref}”.", f"No channel “{ref}”.", 404)
    return found


# ---- items ------------------------------------------------------------------------------------------------

def _check_fields(kind: str, title: str, language: str, tone: str, duration_seconds, audiences) -> None:
    if kind not in KINDS:
        raise UserError(f"Loại nội dung không hợp lệ: {kind}", f"Unknown content kind: {kind}")
    if not title:
        raise UserError("Tiêu đề không được để trống.", "The title may not be empty.")
    if len(title) > 300:
        raise UserError("Tiêu đề dài quá 300 ký tự.", "The title is longer than 300 characters.")
    if language not in LANGUAGES:
        raise UserError(f"Ngôn ngữ không hợp lệ: {language}", f"Unknown language: {language}")
    if tone not in TONES:
        raise UserError(f"Sắc thái không hợp lệ: {tone}", f"Unknown tone: {tone}")
    if duration_seconds is not None and not 0 <= int(duration_seconds) <= 24 * 3600:
        raise UserError("Thời lượng phải từ 0 đến 24 giờ.", "The duration must lie between 0 and 24 hours.")
    unknown = set(audiences) - set(AUDIENCES)
    if unknown:
        raise UserError(f"Đối tượng không hợp lệ: {', '.join(sorted(unknown))}",
                        f"Unknown audience: {', '.join(sorted(unknown))}")


def _audience_keys(audiences: Iterable[str]) -> list[str]:
    by_label = {vi: key for key, (vi, _en) in AUDIENCES.items()}
    return [by_label.get(a, a) for a in audiences]


def _unique_slug(db: Session, title: str) -> str:
    base = slugify(title)
    slug, n = base, 1
    while db.scalar(select(ContentItem.id).where(ContentItem.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_item(db: Session, *, kind: str, title: str, body: str, author: User, themes=(), audiences=(),
                channels=(), language: str = "vi", states_health_facts: bool = False, source: str | None = None,
                tone: str = "neutral", epidemic_related: bool = True, duration_seconds: int | None = None,
                master: ContentItem | None = None) -> ContentItem:
    """A new item in state draft (nháp) with its first version. ``themes`` are names or Theme rows,
    ``audiences`` keys of AUDIENCES (or their Vietnamese names), ``channels`` Channel rows, ids or slugs."""
    title, body = " ".join(_clean(title).split()), _clean(body)
    audiences = _audience_keys(audiences)
    _check_fields(kind, title, language, tone, duration_seconds, audiences)
    item = ContentItem(kind=kind, title=title, body=body, author=author, language=language,
                       audiences=sorted(set(audiences), key=list(AUDIENCES).index),
                       states_health_facts=bool(states_health_facts), source=_clean(source or "")[:500], tone=tone,
                       epidemic_related=bool(epidemic_related), duration_seconds=duration_seconds,
                       master=master, slug=_unique_slug(db, title), state="draft", version=1)
    item.themes = [t if isinstance(t, Theme) else ensure_theme(db, t) for t in themes]
    item.channels = list({c.id: c for c in (_channel(db, c) for c in channels)}.values())
    item.versions.append(ItemVersion(number=1, title=title, body=body, editor=author, note="Bản đầu"))
    db.add(item)
    db.flush()
    return item


def update_item(db: Session, item: ContentItem, user: User, *, note: str = "", **changes) -> ContentItem:
    """Change an item in draft or review. A new title or body makes a new version; ``changes`` may hold
    title, body, kind, themes, audiences, channels, states_health_facts, tone, epidemic_related,
    duration_seconds, source."""
    _need(user, WRITERS)
    if item.state not in ("draft", "review"):
        raise UserError("Chỉ sửa được bài ở trạng thái nháp hoặc chờ duyệt; hãy đưa bài về nháp trước.",
                        "Only draft items or items awaiting review can be edited; return it to draft first.", 409)
    title = " ".join(_clean(changes.get("title", item.title)).split())
    body = _clean(changes.get("body", item.body))
    kind = changes.get("kind", item.kind)
    tone = changes.get("tone", item.tone)
    duration = changes.get("duration_seconds", item.duration_seconds)
    audiences = _audience_keys(changes.get("audiences", item.audiences))
    _check_fields(kind, title, item.language, tone, duration, audiences)
    item.kind, item.tone, item.duration_seconds = kind, tone, duration
    item.audiences = sorted(set(audiences), key=list(AUDIENCES).index)
    for key in ("states_health_facts", "epidemic_related"):
        if key in changes:
            setattr(item, key, bool(changes[key]))
    if "source" in changes:
        item.source = _clean(changes["source"] or "")[:500]
    if "themes" in changes:
        item.themes = [t if isinstance(t, Theme) else ensure_theme(db, t) for t in changes["themes"]]
    if "channels" in changes:
        item.channels = list({c.id: c for c in (_channel(db, c) for c in changes["channels"])}.values())
    if (title, body) != (item.title, item.body):
        item.title, item.body = title, body
        item.version += 1
        item.versions.append(ItemVersion(number=item.version, title=title, body=body, editor=user,
                                         note=_clean(note)[:500]))
    db.flush()
    return item


def create_variant(db: Session, master: ContentItem, *, language: str, title: str, body: str,
                   author: User) -> ContentItem:
    """A language variant (vi, km, en) of ``master``, sharing its kind, themes, audiences and channels;
    it goes through review on its own."""
    master = master.master or master
    if language == master.language or any(v.language == language for v in master.variants):
        raise UserError("Bài đã có bản ngôn ngữ này.", "The item already has a version in this language.", 409)
    return create_item(db, kind=master.kind, title=title, body=body, author=author, themes=master.themes,
                       audiences=master.audiences, channels=master.channels, language=language,
                       states_health_facts=master.states_health_facts, source=master.source, tone=master.tone,
                       epidemic_related=master.epidemic_related, duration_seconds=master.duration_seconds,
                       master=master)


def get_item(db: Session, item_id: int) -> ContentItem:
    return get_or_404(db, ContentItem, item_id, "Không tìm thấy nội dung.", "Content item not found.")


def item_by_slug(db: Session, slug: str) -> ContentItem | None:
    return db.scalar(select(ContentItem).where(ContentItem.slug == slug))


def list_items(db: Session, *, state: str | None = None, kind: str | None = None, channel=None,
               language: str | None = None, q: str = "", limit: int = 200) -> list[ContentItem]:
    """Items, newest change first, filtered by state, kind, channel, language and a title search."""
    query = select(ContentItem).order_by(ContentItem.updated_at.desc(), ContentItem.id.desc()).limit(limit)
    if state:
        query = query.where(ContentItem.state == state)
    if kind:
        query = query.where(ContentItem.kind == kind)
    if language:
        query = query.where(ContentItem.language == language)
    if channel is not None:
        query = query.where(ContentItem.channels.any(Channel.id == _channel(db, channel).id))
    if q:
        query = query.where(func.lower(ContentItem.title).contains(q.strip().lower()))
    return list(db.scalars(query))


def published_items(db: Session, channel=None, *, language: str | None = None,
                    limit: int | None = None) -> list[ContentItem]:
    """Published items, latest first; with ``channel``, those that went out on it."""
    query = select(ContentItem).where(ContentItem.state == "published")
    if channel is not None:
        ch = _channel(db, channel)
        query = query.where(ContentItem.schedules.any((Schedule.channel_id == ch.id) & (Schedule.status == "published")))
    if language:
        query = query.where(ContentItem.language == language)
    query = query.order_by(ContentItem.published_at.desc(), ContentItem.id.desc())
    if limit:
        query = query.limit(limit)
    return list(db.scalars(query))


# ---- workflow ---------------------------------------------------------------------------------------------

def _state(item: ContentItem, *allowed: str) -> None:
    if item.state not in allowed:
        raise UserError("Thao tác này không áp dụng cho trạng thái hiện tại của bài.",
                        "This step does not apply to the item's current state.", 409)


def submit(db: Session, item: ContentItem, user: User) -> ContentItem:
    """Draft → awaiting review (chờ duyệt)."""
    if user.id != item.author_id:
        _need(user, WRITERS)
    _state(item, "draft")
    if not item.body:
        raise UserError("Bài chưa có nội dung.", "The item has no body.")
    item.state = "review"
    db.flush()
    return item


def can_review(item: ContentItem, user: User) -> tuple[bool, str, str]:
    """Whether ``user`` may approve ``item``, and why not (Vietnamese, English)."""
    if not user.has_role(*REVIEWERS):
        return False, "Chỉ người duyệt mới được duyệt bài.", "Only reviewers may approve items."
    if user.id == item.author_id or any(v.editor_id == user.id for v in item.versions):
        return False, "Người viết hoặc sửa bài không được tự duyệt bài của mình.", \
            "The author or an editor of an item may not approve it."
    if item.states_health_facts and not (user.agency and user.agency.is_health):
        return False, "Bài nêu thông tin y tế phải do người duyệt thuộc ngành y tế duyệt.", \
            "An item stating health facts needs a reviewer from the health department."
    return True, "", ""


def approve(db: Session, item: ContentItem, user: User, note: str = "") -> ContentItem:
    """Awaiting review → approved, by a reviewer who did not write it (from health for health facts)."""
    _state(item, "review")
    ok, vi, en = can_review(item, user)
    if not ok:
        raise UserError(vi, en, 403)
    item.state, item.approved_by, item.approved_at, item.approved_version = "approved", user, utcnow(), item.version
    item.reviews.append(ItemReview(reviewer=user, decision="approve", version=item.version, note=_clean(note)))
    db.flush()
    return item


def reject(db: Session, item: ContentItem, user: User, note: str) -> ContentItem:
    """Awaiting review → back to draft with the reviewer's reasons."""
    _need(user, REVIEWERS)
    _state(item, "review")
    if not _clean(note):
        raise UserError("Hãy ghi lý do trả lại bài.", "Say why the item goes back.")
    item.state = "draft"
    item.reviews.append(ItemReview(reviewer=user, decision="reject", version=item.version, note=_clean(note)))
    db.flush()
    return item


def return_to_draft(db: Session, item: ContentItem, user: User) -> ContentItem:
    """Approved or scheduled → draft for changes: the approval ends and planned slots are cancelled."""
    _need(user, WRITERS)
    _state(item, "review", "approved", "scheduled")
    item.state, item.approved_by, item.approved_at, item.approved_version = "draft", None, None, None
    for s in item.schedules:
        if s.status == "planned":
            s.status = "cancelled"
    db.flush()
    return item


def _approved(item: ContentItem) -> None:
    if item.state not in APPROVED_STATES or item.approved_at is None or item.approved_version != item.version:
        raise UserError("Bài chưa được duyệt: không thể lên lịch hay đăng.",
                        "The item is not approved: it can be neither scheduled nor published.", 409)


def schedule(db: Session, item: ContentItem, user: User, channel, at: datetime) -> Schedule:
    """Plan an approved item on a channel at a time (aware datetime)."""
    _need(user, WRITERS)
    _approved(item)
    if at.tzinfo is None:
        raise UserError("Thời điểm cần có múi giờ.", "The time needs a time zone.")
    slot = Schedule(item=item, channel=_channel(db, channel), planned_at=at, status="planned")
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
    _need(user, WRITERS)
    if slot.status not in ("planned", "missed"):
        raise UserError("Chỉ dời được lịch chưa đăng.", "Only planned slots can be moved.", 409)
    if at.tzinfo is None:
        raise UserError("Thời điểm cần có múi giờ.", "The time needs a time zone.")
    if slot.status == "missed":
        _approved(slot.item)
        slot.status, slot.missed_reason = "planned", ""
        if slot.item.state == "approved":
            slot.item.state = "scheduled"
    slot.planned_at = at
    if channel is not None:
        slot.channel = _channel(db, channel)
    db.flush()
    return slot


def cancel_schedule(db: Session, slot: Schedule, user: User) -> Schedule:
    _need(user, WRITERS)
    if slot.status != "planned":
        raise UserError("Chỉ hủy được lịch chưa đăng.", "Only planned slots can be cancelled.", 409)
    slot.status = "cancelled"
    item = slot.item
    if item.state == "scheduled" and not any(s.status == "planned" for s in item.schedules):
        item.state = "approved"
    db.flush()
    return slot


def publish(db: Session, item: ContentItem, user: User | None = None, *, slot: Schedule | None = None,
            now: datetime | None = None) -> ContentItem:
    """Mark an approved item published: one slot, or all its planned slots; an item without slots goes out
    now on each of its channels. ``user`` None means the system (due slots)."""
    if user is not None:
        _need(user, WRITERS)
    _approved(item)
    now = now or utcnow()
    slots = [slot] if slot is not None else [s for s in item.schedules if s.status == "planned"]
    if slot is None and not any(s.status != "cancelled" for s in item.schedules):
        slots = [Schedule(item=item, channel=c, planned_at=now, status="planned") for c in item.channels]
        db.add_all(slots)
    for s in slots:
        if s.status != "planned" or s.item_id not in (None, item.id):
            raise UserError("Lịch này không thể đăng.", "This slot cannot be published.", 409)
        s.status, s.published_at = "published", now
    item.state = "published"
    item.published_at = item.published_at or now
    db.flush()
    return item


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
    due = db.scalars(select(Schedule).where(Schedule.status == "planned", Schedule.planned_at <= now)
                     .order_by(Schedule.planned_at, Schedule.id).with_for_update(skip_locked=True))
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


def archive(db: Session, item: ContentItem, user: User) -> ContentItem:
    _need(user, WRITERS)
    _state(item, "draft", "review", "approved", "scheduled", "published")
    for s in item.schedules:
        if s.status == "planned":
            s.status = "cancelled"
    item.state = "archived"
    db.flush()
    return item


def add_comment(db: Session, item: ContentItem, user: User, body: str) -> ItemComment:
    _need(user, COMMENTERS)
    body = _clean(body)
    if not body:
        raise UserError("Ý kiến không được để trống.", "The comment is empty.")
    comment = ItemComment(item=item, user=user, body=body[:5000])
    db.add(comment)
    db.flush()
    return comment


# ---- versions ---------------------------------------------------------------------------------------------

def get_version(item: ContentItem, number: int) -> ItemVersion:
    found = next((v for v in item.versions if v.number == number), None)
    if found is None:
        raise UserError(f"Không có phiên bản {number}.", f"No version {number}.", 404)
    return found


def diff_versions(item: ContentItem, a: int, b: int) -> list[tuple[str, str]]:
    """Line diff between versions ``a`` and ``b`` (title first): (mark, line) with mark '+', '-', ' ' or '@'."""
    old, new = get_version(item, a), get_version(item, b)
    lines = difflib.unified_diff([old.title, ""] + old.body.split("\n"), [new.title, ""] + new.body.split("\n"),
                                 lineterm="", n=2)
    out = []
    for line in list(lines)[2:]:
        mark = line[:1] if line[:1] in "+- " else "@"
        out.append((mark, line if mark == "@" else line[1:]))
    return out


# ---- attachments ------------------------------------------------------------------------------------------

def add_attachment(db: Session, settings: Settings, item: ContentItem, user: User, filename: str,
                   data: bytes) -> ItemAttachment:
    """Store an image (PNG, JPEG, WebP, up to 5 MB) or audio file (MP3, OGG, WAV, up to 20 MB) of an item."""
    _need(user, WRITERS)
    media_type = next((t for t, (_e, test, _m) in ATTACHMENT_TYPES.items() if test(data[:16])), None)
    if not data or media_type is None:
        raise UserError("Chỉ nhận ảnh PNG, JPEG, WebP hoặc âm thanh MP3, OGG, WAV.",
                        "Only PNG, JPEG, WebP images or MP3, OGG, WAV audio are accepted.", 415)
    ext, _test, max_mb = ATTACHMENT_TYPES[media_type]
    max_mb = min(max_mb, settings.max_upload_mb)
    if len(data) > max_mb * 1024 * 1024:
        raise UserError(f"Tệp quá lớn (tối đa {max_mb} MB).", f"The file is too large (at most {max_mb} MB).", 413)
    name = Path(filename or "tep").name[:200] or "tep"
    att = ItemAttachment(item=item, filename=name, stored_name=f"{uuid.uuid4().hex}.{ext}", media_type=media_type,
                     size=len(data), sha256=hashlib.sha256(data).hexdigest(), uploaded_by_id=user.id)
    db.add(att)
    db.flush()
    path = attachment_path(settings, att)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return att


def attachment_path(settings: Settings, att: ItemAttachment) -> Path:
    return settings.files_dir / "content" / att.stored_name


def get_attachment(db: Session, attachment_id: int) -> ItemAttachment:
    return get_or_404(db, ItemAttachment, attachment_id, "Không tìm thấy tệp đính kèm.", "Attachment not found.")


# ---- calendar ---------------------------------------------------------------------------------------------

def schedules_between(db: Session, start: datetime, end: datetime, channel=None,
                      statuses: tuple[str, ...] = ("planned", "published", "missed")) -> list[Schedule]:
    """Slots in [start, end) with one of ``statuses`` (all but cancelled ones by default), in time order."""
    when = func.coalesce(Schedule.published_at, Schedule.planned_at)
    q = select(Schedule).where(when >= start, when < end, Schedule.status.in_(statuses)).order_by(when, Schedule.id)
    if channel is not None:
        q = q.where(Schedule.channel_id == _channel(db, channel).id)
    return list(db.scalars(q))


def calendar_ics(db: Session, channel) -> bytes:
    """The channel's planned and published slots as an iCalendar file."""
    from icalendar import Calendar, Event

    ch = _channel(db, channel)
    cal = Calendar()
    cal.add("prodid", "-//Loa//Lich dang noi dung//VI")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Loa · {ch.name}")
    slots = db.scalars(select(Schedule).where(Schedule.channel_id == ch.id, Schedule.status != "cancelled")
                       .order_by(Schedule.planned_at))
    for s in slots:
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
        ev.add("description", " · ".join(about + [f"/content/{s.item_id}"]))
        cal.add_component(ev)
    return cal.to_ical()


# ---- balance ----------------------------------------------------------------------------------------------

@dataclass
class Balance:
    """One channel's week: shares of epidemic content (by count and by minutes) and of hopeful items."""

    channel: Channel
    week_start: date
    total: int = 0
    epidemic: int = 0
    seconds_total: int = 0
    seconds_epidemic: int = 0
    hopeful: int = 0
    neutral: int = 0
    alarming: int = 0
    warnings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def epidemic_pct(self) -> float | None:
        return 100.0 * self.epidemic / self.total if self.total else None

    @property
    def minutes_pct(self) -> float | None:
        return 100.0 * self.seconds_epidemic / self.seconds_total if self.seconds_total else None

    @property
    def hopeful_pct(self) -> float | None:
        """Hopeful items against hopeful plus alarming ones."""
        toned = self.hopeful + self.alarming
        return 100.0 * self.hopeful / toned if toned else None

    def as_dict(self) -> dict:
        return {"channel_id": self.channel.id, "channel": self.channel.name, "week_start": self.week_start.isoformat(),
                "total": self.total, "epidemic": self.epidemic, "epidemic_pct": self.epidemic_pct,
                "minutes_total": round(self.seconds_total / 60, 1), "minutes_epidemic": round(self.seconds_epidemic / 60, 1),
                "minutes_pct": self.minutes_pct, "hopeful": self.hopeful, "neutral": self.neutral,
                "alarming": self.alarming, "hopeful_pct": self.hopeful_pct,
                "targets": {"epidemic_min_pct": self.channel.epidemic_min_pct,
                            "epidemic_max_pct": self.channel.epidemic_max_pct,
                            "hopeful_min_pct": self.channel.hopeful_min_pct},
                "warnings": [{"vi": vi, "en": en} for vi, en in self.warnings]}


def _pct(v: float) -> str:
    return vn_percent(v, 1)


def _pct_en(v: float) -> str:
    return f"{v:.1f}%"


def balance(db: Session, week: date, channel=None) -> list[Balance]:
    """For each active channel (or one), the balance of the local week containing ``week`` (missed slots did not
    go out and are not counted)."""
    start = week_start(week)
    channels = [_channel(db, channel)] if channel is not None else list_channels(db)
    rows = {c.id: Balance(channel=c, week_start=start) for c in channels}
    for s in schedules_between(db, local_day_start(start), local_day_start(start + timedelta(days=7)),
                               statuses=("planned", "published")):
        row = rows.get(s.channel_id)
        if row is None:
            continue
        item = s.item
        row.total += 1
        row.epidemic += item.epidemic_related
        setattr(row, item.tone, getattr(row, item.tone) + 1)
        if row.channel.timed and item.duration_seconds:
            row.seconds_total += item.duration_seconds
            row.seconds_epidemic += item.duration_seconds if item.epidemic_related else 0
    for row in rows.values():
        _warn(row)
    return list(rows.values())


def _warn(row: Balance) -> None:
    c, week = row.channel, vn_date(row.week_start)
    lo, hi = c.epidemic_min_pct, c.epidemic_max_pct
    checks = [(row.epidemic_pct, f"{row.epidemic}/{row.total} bài", f"{row.epidemic}/{row.total} items", "")]
    if c.timed:
        checks.append((row.minutes_pct, f"{vn_number(row.seconds_epidemic / 60, 1)}/{vn_number(row.seconds_total / 60, 1)} phút",
                       f"{row.seconds_epidemic / 60:.1f}/{row.seconds_total / 60:.1f} minutes", " theo thời lượng"))
    for pct, count_vi, count_en, by in checks:
        if pct is None:
            continue
        en_by = " by airtime" if by else ""
        if pct > hi:
            row.warnings.append((f"{c.name}, tuần từ {week}: nội dung về dịch chiếm {_pct(pct)}{by} ({count_vi}), "
                                 f"vượt mức tối đa {_pct(hi)}.",
                                 f"{c.name}, week of {week}: epidemic content is {_pct_en(pct)}{en_by} ({count_en}), "
                                 f"above the {_pct_en(hi)} maximum."))
        elif pct < lo:
            row.warnings.append((f"{c.name}, tuần từ {week}: nội dung về dịch chỉ chiếm {_pct(pct)}{by} ({count_vi}), "
                                 f"dưới mức tối thiểu {_pct(lo)}.",
                                 f"{c.name}, week of {week}: epidemic content is only {_pct_en(pct)}{en_by} "
                                 f"({count_en}), below the {_pct_en(lo)} minimum."))
    if row.hopeful_pct is not None and row.hopeful_pct < c.hopeful_min_pct:
        row.warnings.append((f"{c.name}, tuần từ {week}: bài tích cực chỉ chiếm {_pct(row.hopeful_pct)} "
                             f"({row.hopeful} tích cực, {row.alarming} cảnh báo), dưới mức {_pct(c.hopeful_min_pct)}.",
                             f"{c.name}, week of {week}: hopeful items are only {_pct_en(row.hopeful_pct)} "
                             f"({row.hopeful} hopeful, {row.alarming} alarming), below {_pct_en(c.hopeful_min_pct)}."))


def waiting_for_review(db: Session) -> list[ContentItem]:
    return list(db.scalars(select(ContentItem).where(ContentItem.state == "review").order_by(ContentItem.updated_at)))

"""Content items: themes, writing and editing items and their language variants, finding them, comments, versions."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loa.auth.models import User
from loa.content.channels import find_channel
from loa.content.common import COMMENTERS, WRITERS, clean, need, slugify
from loa.content.models import (
    AUDIENCES,
    KINDS,
    LANGUAGES,
    TONES,
    Channel,
    ContentItem,
    ItemComment,
    ItemVersion,
    Schedule,
    Theme,
)
from loa.db import get_or_404
from loa.errors import UserError
from loa.text import sort_by

# ---- themes -----------------------------------------------------------------------------------------------


def ensure_theme(db: Session, name: str, source: str = "") -> Theme:
    """The theme called ``name``, created when missing (the plans module adds a plan's themes this way)."""
    name = " ".join(clean(name).split())
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
    return sort_by(db.scalars(select(Theme)), lambda t: t.name)


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
        raise UserError(
            f"Đối tượng không hợp lệ: {', '.join(sorted(unknown))}", f"Unknown audience: {', '.join(sorted(unknown))}"
        )


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


def _themes(db: Session, themes) -> list[Theme]:
    return [t if isinstance(t, Theme) else ensure_theme(db, t) for t in themes]


def _channels(db: Session, channels) -> list[Channel]:
    return list({c.id: c for c in (find_channel(db, c) for c in channels)}.values())


def create_item(
    db: Session,
    *,
    kind: str,
    title: str,
    body: str,
    author: User,
    themes=(),
    audiences=(),
    channels=(),
    language: str = "vi",
    states_health_facts: bool = False,
    source: str | None = None,
    tone: str = "neutral",
    epidemic_related: bool = True,
    duration_seconds: int | None = None,
    master: ContentItem | None = None,
) -> ContentItem:
    """A new item in state draft (nháp) with its first version. ``themes`` are names or Theme rows,
    ``audiences`` keys of AUDIENCES (or their Vietnamese names), ``channels`` Channel rows, ids or slugs."""
    title, body = " ".join(clean(title).split()), clean(body)
    audiences = _audience_keys(audiences)
    _check_fields(kind, title, language, tone, duration_seconds, audiences)
    item = ContentItem(
        kind=kind,
        title=title,
        body=body,
        author=author,
        language=language,
        audiences=sorted(set(audiences), key=list(AUDIENCES).index),
        states_health_facts=bool(states_health_facts),
        source=clean(source or "")[:500],
        tone=tone,
        epidemic_related=bool(epidemic_related),
        duration_seconds=duration_seconds,
        master=master,
        slug=_unique_slug(db, title),
        state="draft",
        version=1,
    )
    item.themes = _themes(db, themes)
    item.channels = _channels(db, channels)
    item.versions.append(ItemVersion(number=1, title=title, body=body, editor=author, note="Bản đầu"))
    db.add(item)
    db.flush()
    return item


class ItemChanges(BaseModel):
    """The changes to an item: only the fields given (even as None) are applied. ``themes`` are names or Theme
    rows, ``audiences`` keys of AUDIENCES (or their Vietnamese names), ``channels`` Channel rows, ids or slugs."""

    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid", frozen=True)

    title: str | None = None
    body: str | None = None
    kind: str | None = None
    themes: list[Theme | str] | None = None
    audiences: list[str] | None = None
    channels: list[Channel | int | str] | None = None
    states_health_facts: bool | None = None
    tone: str | None = None
    epidemic_related: bool | None = None
    duration_seconds: int | None = None
    source: str | None = None


def update_item(db: Session, item: ContentItem, user: User, changes: ItemChanges, *, note: str = "") -> ContentItem:
    """Change an item in draft or review; a new title or body makes a new version."""
    need(user, WRITERS)
    if item.state not in ("draft", "review"):
        raise UserError(
            "Chỉ sửa được bài ở trạng thái nháp hoặc chờ duyệt; hãy đưa bài về nháp trước.",
            "Only draft items or items awaiting review can be edited; return it to draft first.",
            409,
        )
    given = {name: getattr(changes, name) for name in changes.model_fields_set}
    title = " ".join(clean(given.get("title", item.title)).split())
    body = clean(given.get("body", item.body))
    kind = given.get("kind", item.kind)
    tone = given.get("tone", item.tone)
    duration = given.get("duration_seconds", item.duration_seconds)
    audiences = _audience_keys(given.get("audiences", item.audiences))
    _check_fields(kind, title, item.language, tone, duration, audiences)
    item.kind, item.tone, item.duration_seconds = kind, tone, duration
    item.audiences = sorted(set(audiences), key=list(AUDIENCES).index)
    for key in ("states_health_facts", "epidemic_related"):
        if key in given:
            setattr(item, key, bool(given[key]))
    if "source" in given:
        item.source = clean(given["source"] or "")[:500]
    if "themes" in given:
        item.themes = _themes(db, given["themes"])
    if "channels" in given:
        item.channels = _channels(db, given["channels"])
    if (title, body) != (item.title, item.body):
        item.title, item.body = title, body
        item.version += 1
        item.versions.append(
            ItemVersion(number=item.version, title=title, body=body, editor=user, note=clean(note)[:500])
        )
    db.flush()
    return item


def create_variant(
    db: Session, master: ContentItem, *, language: str, title: str, body: str, author: User
) -> ContentItem:
    """A language variant (vi, km, en) of ``master``, sharing its kind, themes, audiences and channels;
    it goes through review on its own."""
    master = master.master or master
    if language == master.language or any(v.language == language for v in master.variants):
        raise UserError("Bài đã có bản ngôn ngữ này.", "The item already has a version in this language.", 409)
    return create_item(
        db,
        kind=master.kind,
        title=title,
        body=body,
        author=author,
        themes=master.themes,
        audiences=master.audiences,
        channels=master.channels,
        language=language,
        states_health_facts=master.states_health_facts,
        source=master.source,
        tone=master.tone,
        epidemic_related=master.epidemic_related,
        duration_seconds=master.duration_seconds,
        master=master,
    )


def get_item(db: Session, item_id: int) -> ContentItem:
    return get_or_404(db, ContentItem, item_id, "Không tìm thấy nội dung.", "Content item not found.")


def item_by_slug(db: Session, slug: str) -> ContentItem | None:
    return db.scalar(select(ContentItem).where(ContentItem.slug == slug))


def list_items(
    db: Session,
    *,
    state: str | None = None,
    kind: str | None = None,
    channel=None,
    language: str | None = None,
    q: str = "",
    limit: int = 200,
) -> list[ContentItem]:
    """Items, newest change first, filtered by state, kind, channel, language and a title search."""
    query = select(ContentItem).order_by(ContentItem.updated_at.desc(), ContentItem.id.desc()).limit(limit)
    if state:
        query = query.where(ContentItem.state == state)
    if kind:
        query = query.where(ContentItem.kind == kind)
    if language:
        query = query.where(ContentItem.language == language)
    if channel is not None:
        query = query.where(ContentItem.channels.any(Channel.id == find_channel(db, channel).id))
    if q:
        query = query.where(func.lower(ContentItem.title).contains(q.strip().lower()))
    return list(db.scalars(query))


def published_items(
    db: Session, channel=None, *, language: str | None = None, limit: int | None = None
) -> list[ContentItem]:
    """Published items, latest first; with ``channel``, those that went out on it."""
    query = select(ContentItem).where(ContentItem.state == "published")
    if channel is not None:
        ch = find_channel(db, channel)
        went_out = (Schedule.channel_id == ch.id) & (Schedule.status == "published")
        query = query.where(ContentItem.schedules.any(went_out))
    if language:
        query = query.where(ContentItem.language == language)
    query = query.order_by(ContentItem.published_at.desc(), ContentItem.id.desc())
    if limit:
        query = query.limit(limit)
    return list(db.scalars(query))


def waiting_for_review(db: Session) -> list[ContentItem]:
    return list(db.scalars(select(ContentItem).where(ContentItem.state == "review").order_by(ContentItem.updated_at)))


# ---- comments and versions --------------------------------------------------------------------------------


def add_comment(db: Session, item: ContentItem, user: User, body: str) -> ItemComment:
    need(user, COMMENTERS)
    body = clean(body)
    if not body:
        raise UserError("Ý kiến không được để trống.", "The comment is empty.")
    comment = ItemComment(item=item, user=user, body=body[:5000])
    db.add(comment)
    db.flush()
    return comment


def get_version(item: ContentItem, number: int) -> ItemVersion:
    found = next((v for v in item.versions if v.number == number), None)
    if found is None:
        raise UserError(f"Không có phiên bản {number}.", f"No version {number}.", 404)
    return found


def diff_versions(item: ContentItem, a: int, b: int) -> list[tuple[str, str]]:
    """Line diff between versions ``a`` and ``b`` (title first): (mark, line) with mark '+', '-', ' ' or '@'."""
    old, new = get_version(item, a), get_version(item, b)
    lines = difflib.unified_diff(
        [old.title, ""] + old.body.split("\n"), [new.title, ""] + new.body.split("\n"), lineterm="", n=2
    )
    out = []
    for line in list(lines)[2:]:
        mark = line[:1] if line[:1] in "+- " else "@"
        out.append((mark, line if mark == "@" else line[1:]))
    return out

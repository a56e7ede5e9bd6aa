"""Sources: the feeds and pages to poll (and the pseudo-sources of uploads), and polling them with back-off."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa.clock import utcnow
from loa.errors import UserError
from loa.links import is_http_url
from loa.listening import feeds
from loa.listening.config import ListeningSettings
from loa.listening.ingest import IngestStats, ingest
from loa.listening.models import Source
from loa.text import sort_key


def create_source(
    db: Session, *, name: str, url: str, kind: str = "feed", platform: str = "", poll_minutes: int = 60
) -> Source:
    """A feed or page to poll (http/https)."""
    name, url = name.strip(), url.strip()
    if kind not in ("feed", "page"):
        raise UserError("Loại nguồn phải là nguồn tin (RSS/Atom) hoặc trang web.", "Kind must be feed or page.", 422)
    if not name:
        raise UserError("Cần đặt tên cho nguồn.", "The source needs a name.", 422)
    if not is_http_url(url):
        raise UserError(
            "Địa chỉ nguồn phải bắt đầu bằng http:// hoặc https://.",
            "The address must start with http:// or https://.",
            422,
        )
    if db.scalar(select(Source).where(Source.url == url)) is not None:
        raise UserError("Nguồn này đã có.", "This source already exists.", 409)
    if not 5 <= poll_minutes <= 24 * 60:
        raise UserError("Chu kỳ lấy tin từ 5 đến 1440 phút.", "Polling interval: 5 to 1440 minutes.", 422)
    source = Source(name=name, url=url, kind=kind, platform=platform.strip(), poll_minutes=poll_minutes)
    db.add(source)
    db.flush()
    return source


def get_source(db: Session, source_id: int) -> Source:
    source = db.get(Source, source_id)
    if source is None:
        raise UserError("Không tìm thấy nguồn.", "No such source.", 404)
    return source


def list_sources(db: Session) -> list[Source]:
    return sorted(db.scalars(select(Source)), key=lambda s: (s.kind, sort_key(s.name)))


def set_source_active(db: Session, source: Source, active: bool) -> Source:
    source.active = active
    if active:
        source.next_poll_at = None
    db.flush()
    return source


def upload_source(db: Session, platform: str = "") -> Source:
    """The pseudo-source uploads of one platform are attributed to."""
    name = f"Tệp tải lên{' · ' + platform if platform else ''}"
    source = db.scalar(select(Source).where(Source.kind == "upload", Source.name == name))
    if source is None:
        source = Source(name=name, kind="upload", platform=platform, status="ok")
        db.add(source)
        db.flush()
    return source


# ---- polling ------------------------------------------------------------------------------------------------


def due_sources(db: Session, now: datetime | None = None) -> list[Source]:
    now = now or utcnow()
    return [
        s
        for s in db.scalars(select(Source).where(Source.active.is_(True), Source.kind.in_(("feed", "page"))))
        if s.next_poll_at is None or s.next_poll_at <= now
    ]


def poll_source(
    db: Session, source: Source, now: datetime | None = None, settings: ListeningSettings | None = None
) -> dict:
    """Fetch and ingest one source. A failure stores no item, marks the source failing with the reason and
    backs off exponentially (poll interval × 2^(failures−1), at most ``max_backoff_hours``)."""
    settings = settings or ListeningSettings()
    now = now or utcnow()
    source.last_polled_at = now
    try:
        with db.begin_nested():
            data, content_type = feeds.fetch(source.url, settings)
            posts = (
                feeds.parse_feed(data, content_type) if source.kind == "feed" else [feeds.page_post(data, source.url)]
            )
            for p in posts:
                p.platform = p.platform or source.platform
            stats = ingest(db, posts, source_id=source.id, settings=settings)
    except UserError as exc:
        source.status, source.last_error = "failing", exc.message
        source.failures += 1
        wait = min(source.poll_minutes * 2 ** min(source.failures - 1, 12), settings.max_backoff_hours * 60)
        source.next_poll_at = now + timedelta(minutes=wait)
        db.flush()
        return {
            "source": source.name,
            "status": "failing",
            "error": exc.message,
            "error_en": exc.message_en,
            "retry_at": source.next_poll_at.isoformat(),
        }
    source.status, source.last_error, source.failures = "ok", "", 0
    source.last_ok_at = now
    source.items_added += stats.added
    source.next_poll_at = now + timedelta(minutes=source.poll_minutes)
    db.flush()
    return {"source": source.name, "status": "ok", **stats.as_dict()}


def poll(db: Session, now: datetime | None = None, force: bool = False) -> list[dict]:
    """Poll every due source (every active one with ``force``)."""
    now = now or utcnow()
    sources = (
        list(db.scalars(select(Source).where(Source.active.is_(True), Source.kind.in_(("feed", "page")))))
        if force
        else due_sources(db, now)
    )
    return [poll_source(db, s, now) for s in sources]


def import_feed_bytes(db: Session, data: bytes) -> IngestStats:
    """Ingest a saved RSS/Atom file (refused whole when malformed, like a polled feed)."""
    return ingest(db, feeds.parse_feed(data, "application/xml"))

"""Content items and their history, channels, schedules, themes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Column, Float, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loa.auth.models import User
from loa.clock import utcnow
from loa.db import Base, IdMixin, TimestampMixin, UTCDateTime

KINDS = {
    "article": ("Bài viết", "Article"),
    "script": ("Kịch bản phát thanh, loa", "Radio/loudspeaker script"),
    "social": ("Bài mạng xã hội", "Social-media post"),
    "print": ("Áp phích, tờ rơi", "Poster/leaflet text"),
    "qa": ("Hỏi - đáp", "Q&A"),
    "situation_bulletin": ("Bản tin tình hình dịch", "Situation bulletin"),
    "fact_check": ("Kiểm chứng thông tin", "Fact-check"),
}

STATES = {
    "draft": ("Nháp", "Draft"),
    "review": ("Chờ duyệt", "Awaiting review"),
    "approved": ("Đã duyệt", "Approved"),
    "scheduled": ("Đã lên lịch", "Scheduled"),
    "published": ("Đã đăng", "Published"),
    "archived": ("Lưu trữ", "Archived"),
}

AUDIENCES = {
    "officials": ("Cán bộ, đảng viên", "Officials and party members"),
    "public": ("Người dân", "General public"),
    "workers": ("Công nhân", "Workers"),
    "students": ("Học sinh và phụ huynh", "Pupils and parents"),
    "elderly": ("Người cao tuổi", "Older people"),
    "khmer": ("Đồng bào Khmer", "Khmer community"),
    "foreigners": ("Người nước ngoài", "Foreigners"),
    "patients": ("Người bệnh và gia đình", "Patients and families"),
}

LANGUAGES = {"vi": ("Tiếng Việt", "Vietnamese"), "km": ("Tiếng Khmer", "Khmer"), "en": ("Tiếng Anh", "English")}

TONES = {
    "hopeful": ("Tích cực, hy vọng", "Hopeful"),
    "neutral": ("Trung tính", "Neutral"),
    "alarming": ("Cảnh báo, đáng lo", "Alarming"),
}

CHANNEL_KINDS = {
    "newspaper": ("Báo in, báo điện tử", "Newspaper"),
    "radio_tv": ("Phát thanh - truyền hình", "Radio and TV"),
    "portal": ("Cổng thông tin", "Web portal"),
    "social": ("Mạng xã hội", "Social media"),
    "print": ("Ấn phẩm in", "Print"),
    "loudspeaker": ("Loa truyền thanh cơ sở", "Commune loudspeakers"),
}

SCHEDULE_STATES = {
    "planned": ("Dự kiến", "Planned"),
    "published": ("Đã đăng", "Published"),
    "cancelled": ("Đã hủy", "Cancelled"),
    "missed": ("Bỏ lỡ", "Missed"),
}

# The listening module's EARS taxonomy, offered as themes.
EARS_THEMES = (
    "Hỏi về bệnh và triệu chứng",
    "Hỏi về điều trị",
    "Hỏi về tiêm chủng",
    "Hỏi về biện pháp phòng dịch",
    "Lo ngại về tiêm chủng",
    "Tin đồn, thông tin sai",
    "Niềm tin vào cơ quan y tế",
    "Đời sống, sinh kế",
    "Ý kiến về biện pháp hạn chế",
    "Kỳ thị, phân biệt",
)

M = __name__  # relationships name classes by full path: other modules have classes called e.g. Attachment

item_themes = Table(
    "content_item_themes",
    Base.metadata,
    Column("item_id", ForeignKey("content_items.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("content_themes.id", ondelete="CASCADE"), primary_key=True),
)

item_channels = Table(
    "content_item_channels",
    Base.metadata,
    Column("item_id", ForeignKey("content_items.id", ondelete="CASCADE"), primary_key=True),
    Column("channel_id", ForeignKey("content_channels.id", ondelete="CASCADE"), primary_key=True),
)


class Theme(IdMixin, TimestampMixin, Base):
    """A content theme: the plan's themes (``source`` names the plan) or a listening taxonomy tag."""

    __tablename__ = "content_themes"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    source: Mapped[str] = mapped_column(String(255), default="")

    def __str__(self) -> str:
        return self.name


class Channel(IdMixin, TimestampMixin, Base):
    """Where items are published, with the balance targets the province sets for it."""

    __tablename__ = "content_channels"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    epidemic_min_pct: Mapped[float] = mapped_column(Float, default=30.0)
    epidemic_max_pct: Mapped[float] = mapped_column(Float, default=70.0)
    hopeful_min_pct: Mapped[float] = mapped_column(Float, default=40.0)

    @property
    def timed(self) -> bool:
        """Audio/video channels measure balance in minutes as well."""
        return self.kind in ("radio_tv", "loudspeaker")

    def __str__(self) -> str:
        return self.name


class ContentItem(IdMixin, TimestampMixin, Base):
    """One message; a language variant points at its master item."""

    __tablename__ = "content_items"

    kind: Mapped[str] = mapped_column(String(30), index=True)
    title: Mapped[str] = mapped_column(String(300))
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    body: Mapped[str] = mapped_column(Text, default="")  # plain text, escaped on output
    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    language: Mapped[str] = mapped_column(String(5), default="vi")
    master_id: Mapped[int | None] = mapped_column(ForeignKey("content_items.id"), nullable=True, index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    audiences: Mapped[list] = mapped_column(JSON, default=list)
    states_health_facts: Mapped[bool] = mapped_column(Boolean, default=False)
    epidemic_related: Mapped[bool] = mapped_column(Boolean, default=True)
    tone: Mapped[str] = mapped_column(String(10), default="neutral")
    duration_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source: Mapped[str] = mapped_column(String(500), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    approved_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    master: Mapped[ContentItem | None] = relationship(remote_side=f"{M}.ContentItem.id", back_populates="variants")
    variants: Mapped[list[ContentItem]] = relationship(
        f"{M}.ContentItem", back_populates="master", order_by=f"{M}.ContentItem.language"
    )
    themes: Mapped[list[Theme]] = relationship(secondary=item_themes, order_by=Theme.name)
    channels: Mapped[list[Channel]] = relationship(secondary=item_channels, order_by=Channel.name)
    versions: Mapped[list[ItemVersion]] = relationship(
        f"{M}.ItemVersion", back_populates="item", order_by=f"{M}.ItemVersion.number", cascade="all, delete-orphan"
    )
    comments: Mapped[list[ItemComment]] = relationship(
        f"{M}.ItemComment", back_populates="item", order_by=f"{M}.ItemComment.id", cascade="all, delete-orphan"
    )
    reviews: Mapped[list[ItemReview]] = relationship(
        f"{M}.ItemReview", back_populates="item", order_by=f"{M}.ItemReview.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[ItemAttachment]] = relationship(
        f"{M}.ItemAttachment", back_populates="item", order_by=f"{M}.ItemAttachment.id", cascade="all, delete-orphan"
    )
    schedules: Mapped[list[Schedule]] = relationship(
        f"{M}.Schedule", back_populates="item", order_by=f"{M}.Schedule.planned_at", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.kind} “{self.title}”"


class ItemVersion(IdMixin, Base):
    """The title and body of an item as saved at one point; number 1 is the first draft."""

    __tablename__ = "content_versions"
    __table_args__ = (UniqueConstraint("item_id", "number"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[ContentItem] = relationship(back_populates="versions")
    editor: Mapped[User | None] = relationship()


class ItemComment(IdMixin, Base):
    __tablename__ = "content_comments"

    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[ContentItem] = relationship(back_populates="comments")
    user: Mapped[User] = relationship()


class ItemReview(IdMixin, Base):
    """A reviewer's decision on one version: approve or return for changes."""

    __tablename__ = "content_reviews"

    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(10))  # approve | reject
    version: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[ContentItem] = relationship(back_populates="reviews")
    reviewer: Mapped[User] = relationship()


class ItemAttachment(IdMixin, Base):
    """An image or audio file of an item, stored under ``settings.files_dir/content/``."""

    __tablename__ = "content_attachments"

    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(255), unique=True)
    media_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[ContentItem] = relationship(back_populates="attachments")

    @property
    def is_audio(self) -> bool:
        return self.media_type.startswith("audio/")


class Schedule(IdMixin, TimestampMixin, Base):
    """An item planned on a channel at a time; ``published_at`` set once it went out, ``missed_reason`` (in
    Vietnamese) when its time passed without it going out."""

    __tablename__ = "content_schedules"

    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id", ondelete="CASCADE"), index=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("content_channels.id"), index=True)
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(10), default="planned")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    missed_reason: Mapped[str] = mapped_column(Text, default="")

    item: Mapped[ContentItem] = relationship(back_populates="schedules")
    channel: Mapped[Channel] = relationship()

    @property
    def at(self) -> datetime:
        """When it went out, or when it is planned."""
        return self.published_at or self.planned_at


class CalendarFeed(IdMixin, TimestampMixin, Base):
    """A secret address at which a calendar program (Outlook, Google Calendar) subscribes to the publishing
    calendar of one channel, or of all channels (``channel_id`` None). Only the token's hash is kept; revoked feeds
    answer 404."""

    __tablename__ = "content_calendar_feeds"
    __audit_redact__ = {"token_hash"}

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("content_channels.id", ondelete="CASCADE"), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    channel: Mapped[Channel | None] = relationship()
    created_by: Mapped[User | None] = relationship()

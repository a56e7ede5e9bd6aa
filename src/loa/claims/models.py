"""Claims, their sources and workflow history, matched appearances, and the triage queue.

No table stores who wrote a post: appearance and triage texts are PII-scrubbed and carry no author.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loa.clock import utcnow
from loa.db import Base, IdMixin, TimestampMixin, UTCDateTime

# key → (Vietnamese label, English label, ClaimReview ratingValue on a 1–5 scale)
VERDICTS = {
    "false": ("Sai", "False", 1),
    "partly_false": ("Sai một phần", "Partly false", 2),
    "misleading": ("Gây hiểu lầm", "Misleading", 2),
    "unproven": ("Chưa đủ căn cứ", "Unproven", 3),
    "true": ("Đúng", "True", 5),
}

# key → (Vietnamese label, English label)
MATCHABLE = ("new", "investigating", "concluded", "published")  # the claims incoming texts are matched to
STATUSES = {
    "new": ("Mới", "New"),
    "investigating": ("Đang xác minh", "Under investigation"),
    "concluded": ("Đã kết luận", "Concluded"),
    "published": ("Đã đăng", "Published"),
    "paused": ("Tạm dừng", "Paused"),
}

TRIAGE_STATUSES = {
    "open": ("Chờ xử lý", "Open"),
    "linked": ("Đã gắn với tin đã có", "Linked"),
    "claimed": ("Đã mở tin mới", "New claim opened"),
    "dismissed": ("Đã bỏ qua", "Dismissed"),
}


class Claim(IdMixin, TimestampMixin, Base):
    __tablename__ = "claims"

    key: Mapped[str] = mapped_column(String(80), unique=True)
    text: Mapped[str] = mapped_column(Text)
    original_text: Mapped[str] = mapped_column(Text, default="")
    original_language: Mapped[str] = mapped_column(String(10), default="vi")
    phrasings: Mapped[list] = mapped_column(JSON, default=list)
    verdict: Mapped[str | None] = mapped_column(String(20), nullable=True)
    explanation: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    paused_from: Mapped[str] = mapped_column(String(20), default="")
    first_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    times_seen: Mapped[int] = mapped_column(Integer, default=0)
    reach: Mapped[int] = mapped_column(Integer, default=0)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    concluded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    spoken_text: Mapped[str] = mapped_column(Text, default="")
    social_text: Mapped[str] = mapped_column(Text, default="")
    content_item_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    content_hash: Mapped[str] = mapped_column(String(64), default="")

    sources: Mapped[list[ClaimSource]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", order_by="ClaimSource.id", lazy="selectin"
    )
    events: Mapped[list[ClaimEvent]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", order_by="ClaimEvent.id"
    )

    def __str__(self) -> str:
        return f"Claim {self.key}: {self.text[:80]}"

    @property
    def slug(self) -> str:
        return self.key


class ClaimSource(IdMixin, Base):
    """An evidence source: publisher (Bộ Y tế, WHO, CDC...), title, link and date."""

    __tablename__ = "claim_sources"

    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    publisher: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(400), default="")
    url: Mapped[str] = mapped_column(String(600))
    date: Mapped[date | None] = mapped_column(Date, nullable=True)
    claim: Mapped[Claim] = relationship(back_populates="sources")


class ClaimEvent(IdMixin, Base):
    """One workflow step: from which status to which, who and when."""

    __tablename__ = "claim_events"

    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(20), default="")
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
    claim: Mapped[Claim] = relationship(back_populates="events")


class ClaimAppearance(IdMixin, Base):
    """A text (listening item, citizen question...) matched to a claim: scrubbed, no author."""

    __tablename__ = "claim_appearances"
    __audit_redact__ = {"text"}  # a text from the public is kept once, in its row (re-scrubbable), not in the log

    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    origin: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(120), default="")
    text: Mapped[str] = mapped_column(Text)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    reach: Mapped[int] = mapped_column(Integer, default=1)
    decision: Mapped[str] = mapped_column(String(10))  # match (automatic) | linked (by a person)
    # assertion (a sighting: counted) | question (asks about the claim: shown apart, not counted)
    kind: Mapped[str] = mapped_column(String(10), default="assertion")
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class TriageItem(IdMixin, TimestampMixin, Base):
    """A text waiting for a person — unmatched but check-worthy, or a suggested match below the automatic
    threshold: link it to a claim, open a new claim, or dismiss it with a reason."""

    __tablename__ = "claim_triage"
    __audit_redact__ = {"text"}  # a text from the public is kept once, in its row (re-scrubbable), not in the log

    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(64), unique=True)
    origin: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(120), default="")
    reach: Mapped[int] = mapped_column(Integer, default=1)
    times_seen: Mapped[int] = mapped_column(Integer, default=1)
    checkworthiness: Mapped[float] = mapped_column(Float, default=0.0)
    kind: Mapped[str] = mapped_column(String(10), default="assertion")  # or question (states a claim, asking)
    suggested_claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id", ondelete="SET NULL"), nullable=True)
    suggested_score: Mapped[float] = mapped_column(Float, default=0.0)
    priority: Mapped[float] = mapped_column(Float, default=0.0, index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id", ondelete="SET NULL"), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

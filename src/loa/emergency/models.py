"""Emergency notices, their approvals and one-click approval links, and the notices agencies received."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loa.auth.models import Agency, User
from loa.clock import utcnow
from loa.content.models import ContentItem
from loa.db import Base, IdMixin, TimestampMixin, UTCDateTime

STATES = {
    "pending": ("Chờ duyệt", "Awaiting approval"),
    "sending": ("Đang phát đi", "Going out"),
    "active": ("Đang có hiệu lực", "In force"),
    "ended": ("Đã kết thúc", "Ended"),
}


class EmergencyNotice(IdMixin, TimestampMixin, Base):
    """An emergency notice: its message (a content item), where it goes, until when and how often the loudspeakers
    repeat it; ``approved_at`` is the second approval, ``placed_at`` when every targeted playlist had it."""

    __tablename__ = "emergency_notices"

    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"), index=True)
    scope: Mapped[str] = mapped_column(String(10), default="province")
    districts: Mapped[list] = mapped_column(JSON, default=list)
    commune_ids: Mapped[list] = mapped_column(JSON, default=list)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    repeat_minutes: Mapped[int] = mapped_column(Integer, default=30)
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    placed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    job_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    outputs: Mapped[dict] = mapped_column(JSON, default=dict)  # what the job did: social texts, reach, report

    item: Mapped[ContentItem] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    approvals: Mapped[list[NoticeApproval]] = relationship(
        back_populates="notice", order_by="NoticeApproval.id", cascade="all, delete-orphan"
    )

    def in_force(self, now: datetime | None = None) -> bool:
        return self.state in ("sending", "active") and (now or utcnow()) < self.expires_at


class NoticeApproval(IdMixin, Base):
    """One person's approval of a notice (on the notice's page or through their link)."""

    __tablename__ = "emergency_approvals"
    __table_args__ = (UniqueConstraint("notice_id", "user_id"),)

    notice_id: Mapped[int] = mapped_column(ForeignKey("emergency_notices.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    via: Mapped[str] = mapped_column(String(10), default="web")  # "web" | "link"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    notice: Mapped[EmergencyNotice] = relationship(back_populates="approvals")
    user: Mapped[User] = relationship()


class ApprovalLink(IdMixin, Base):
    """A signed one-click approval link for one approver; usable once, and only by that person logged in."""

    __tablename__ = "emergency_links"
    __audit_redact__ = {"nonce"}

    notice_id: Mapped[int] = mapped_column(ForeignKey("emergency_notices.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship()


class AgencyNotice(IdMixin, Base):
    """An agency told of a notice: shown in the app to its members, and e-mailed when SMTP is set."""

    __tablename__ = "emergency_agency_notices"
    __table_args__ = (UniqueConstraint("notice_id", "agency_id"),)

    notice_id: Mapped[int] = mapped_column(ForeignKey("emergency_notices.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    emailed: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency] = relationship()

"""FAQ entries, and the queue of questions no approved entry answered (scrubbed text, no asker identity)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loa.auth.models import User
from loa.clock import utcnow
from loa.db import Base, IdMixin, TimestampMixin, UTCDateTime

STATUSES = ("draft", "approved", "retired")
GROUP_STATUSES = ("open", "drafted", "answered", "dismissed")


class FaqEntry(IdMixin, TimestampMixin, Base):
    """One question with its alternative phrasings and its answer; only ``approved`` entries answer."""

    __tablename__ = "faq_entries"
    question: Mapped[str] = mapped_column(Text)
    alternatives: Mapped[list] = mapped_column(JSON, default=list)
    answer: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(255), default="")
    source_url: Mapped[str] = mapped_column(String(500), default="")
    source_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(5), default="vi")
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    content_hash: Mapped[str] = mapped_column(String(40), index=True)
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])

    def phrasings(self) -> list[str]:
        return [self.question] + [a for a in self.alternatives or [] if a]


class QuestionGroup(IdMixin, TimestampMixin, Base):
    """Similar unanswered questions, answered once: ``text`` is the first (scrubbed) phrasing."""

    __tablename__ = "answer_question_groups"
    __audit_redact__ = {"text"}  # a text from the public is kept once, in its row (re-scrubbable), not in the log
    text: Mapped[str] = mapped_column(Text)
    count: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    last_asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # answered or dismissed
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("faq_entries.id"), nullable=True)
    entry: Mapped[FaqEntry | None] = relationship(foreign_keys=[entry_id])
    # an approved entry written apart that may answer the group, offered to staff to confirm
    offered_entry_id: Mapped[int | None] = mapped_column(ForeignKey("faq_entries.id"), nullable=True)
    offered_entry: Mapped[FaqEntry | None] = relationship(foreign_keys=[offered_entry_id])
    questions: Mapped[list[UnansweredQuestion]] = relationship(back_populates="group", order_by="UnansweredQuestion.id")


class UnansweredQuestion(IdMixin, Base):
    """One asked question without an approved answer: PII-scrubbed text and time only, nothing about the asker."""

    __tablename__ = "answer_unanswered"
    __audit_redact__ = {"text"}  # a text from the public is kept once, in its row (re-scrubbable), not in the log
    group_id: Mapped[int] = mapped_column(ForeignKey("answer_question_groups.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(20), default="web")
    group: Mapped[QuestionGroup] = relationship(back_populates="questions")


class FaqHit(IdMixin, Base):
    """A question an approved entry answered at once: when, where it was asked and which entry; neither its text
    nor anything about the asker (the situation room counts questions answered from the FAQ)."""

    __tablename__ = "answer_faq_hits"
    __audit__ = False

    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(20), default="web")
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("faq_entries.id", ondelete="SET NULL"), nullable=True)

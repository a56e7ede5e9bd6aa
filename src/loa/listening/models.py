"""Listening tables. No table has a column for a post's author, handle, profile or account id.

Items, stories' reach and daily counts are machine data written in bulk: they opt out of the per-row audit
log (``__audit__ = False``); sources, the taxonomy and alerts are edited by people and are audited.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from loa.clock import utcnow
from loa.db import Base, IdMixin, TimestampMixin, UTCDateTime

CATEGORIES = ("CAUSE", "ILLNESS", "TREATMENT", "INTERVENTIONS", "INFORMATION")
SENTIMENTS = ("negative", "neutral", "positive")
CIVIL_UNREST = 37  # kept only as a daily count: no alerts, no example texts


class Source(IdMixin, TimestampMixin, Base):
    """A feed or web page polled on a schedule, or the origin of uploaded exports."""

    __tablename__ = "listening_sources"

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10), default="feed")  # feed | page | upload
    url: Mapped[str] = mapped_column(String(1000), default="")
    platform: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    poll_minutes: Mapped[int] = mapped_column(Integer, default=60)
    status: Mapped[str] = mapped_column(String(10), default="new")  # new | ok | failing
    last_error: Mapped[str] = mapped_column(Text, default="")
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    items_added: Mapped[int] = mapped_column(Integer, default=0)


class ImportJob(IdMixin, TimestampMixin, Base):
    """One file or feed fetch being ingested; ``position`` (rows done) is committed with each batch."""

    __tablename__ = "listening_imports"
    __table_args__ = (UniqueConstraint("content_hash"),)

    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("listening_sources.id", ondelete="SET NULL"), nullable=True
    )
    filename: Mapped[str] = mapped_column(String(300), default="")
    content_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the bytes and the column mapping
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="running")  # running | done | failed
    position: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    reposts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Item(IdMixin, Base):
    """One story: a scrubbed post, comment or article. Reposts and near-copies add to ``copies``."""

    __tablename__ = "listening_items"
    __audit__ = False
    __table_args__ = (UniqueConstraint("exact_hash"),)

    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("listening_sources.id", ondelete="SET NULL"), nullable=True, index=True
    )
    source_type: Mapped[str] = mapped_column(String(20), default="post")  # post | comment | news
    platform: Mapped[str] = mapped_column(String(40), default="")
    url: Mapped[str] = mapped_column(String(1000), default="")  # kept for news articles only
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    day: Mapped[date] = mapped_column(Date, index=True)  # local (Asia/Ho_Chi_Minh) day
    text: Mapped[str] = mapped_column(Text)  # normalised, PII scrubbed
    exact_hash: Mapped[str] = mapped_column(String(40))
    minhash: Mapped[bytes] = mapped_column(LargeBinary)
    copies: Mapped[int] = mapped_column(Integer, default=1)
    engagement: Mapped[int] = mapped_column(Integer, default=0)
    category: Mapped[str] = mapped_column(String(15), default="")
    subcategories: Mapped[list] = mapped_column(JSON, default=list)  # EARS numbers, main first
    is_question: Mapped[bool] = mapped_column(Boolean, default=False)
    is_concern: Mapped[bool] = mapped_column(Boolean, default=False)
    sentiment: Mapped[str] = mapped_column(String(8), default="neutral")
    language: Mapped[str] = mapped_column(String(5), default="vi")  # vi | km | other (loa.text.language)
    # places named in the text, [[district, commune or null], ...] (official names, loa.text.places)
    places: Mapped[list] = mapped_column(JSON, default=list)
    claim: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # match from the misinformation desk
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Topic(TimestampMixin, Base):
    """An EARS subcategory (numbers 1–41), editable by administrators."""

    __tablename__ = "listening_topics"

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    category: Mapped[str] = mapped_column(String(15))
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    alerts: Mapped[bool] = mapped_column(Boolean, default=True)

    def label(self, lang: str) -> str:
        """The topic's name in the page's language (the Vietnamese one where no English name is set)."""
        return self.name_en if lang == "en" and self.name_en else self.name_vi


class DailyCount(IdMixin, Base):
    """Aggregates per local day, topic (0 = all items), district named ("" = all, whether placed or not) and
    language ("" = all); they outlive the retention of texts. A story naming two districts counts in both."""

    __tablename__ = "listening_daily"
    __audit__ = False
    __table_args__ = (UniqueConstraint("day", "topic", "district", "language"),)

    day: Mapped[date] = mapped_column(Date, index=True)
    topic: Mapped[int] = mapped_column(Integer)
    district: Mapped[str] = mapped_column(String(120), default="")
    language: Mapped[str] = mapped_column(String(5), default="")
    items: Mapped[int] = mapped_column(Integer, default=0)
    reach: Mapped[int] = mapped_column(Integer, default=0)
    questions: Mapped[int] = mapped_column(Integer, default=0)
    concerns: Mapped[int] = mapped_column(Integer, default=0)
    negative: Mapped[int] = mapped_column(Integer, default=0)
    claims: Mapped[int] = mapped_column(Integer, default=0)


class Alert(IdMixin, TimestampMixin, Base):
    """A rising topic on a day, in the whole province or in one district (``district``, "" = the province),
    with the test's evidence (counts, baseline, p-value, example item ids)."""

    __tablename__ = "listening_alerts"
    __table_args__ = (UniqueConstraint("topic", "day", "district"),)

    topic: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date, index=True)
    district: Mapped[str] = mapped_column(String(120), default="")
    count: Mapped[int] = mapped_column(Integer)
    baseline: Mapped[float] = mapped_column(Float)
    p_value: Mapped[float] = mapped_column(Float)
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | done


class SeenPost(Base):
    """Identity hashes of posts already ingested (text, time, platform, url), so re-imports add nothing. They
    outlive the texts (see ``loa.listening.retention``)."""

    __tablename__ = "listening_seen"
    __audit__ = False

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)


class RetentionMark(Base):
    """How far retention has deleted (one row): a post published before ``cutoff`` is not ingested again."""

    __tablename__ = "listening_retention"
    __audit__ = False

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cutoff: Mapped[datetime] = mapped_column(UTCDateTime)


class ImportChunk(IdMixin, Base):
    """Rows ``number × chunk_size + 1`` on of an import, prepared (scrubbed, hashed, classified) by a worker while
    the import merges earlier rows; ``data`` stays empty while the worker that claimed the chunk is at it. A
    working copy: deleted when the import ends."""

    __tablename__ = "listening_import_chunks"
    __audit__ = False
    __table_args__ = (UniqueConstraint("import_id", "number"),)

    import_id: Mapped[int] = mapped_column(ForeignKey("listening_imports.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

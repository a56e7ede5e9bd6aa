"""The periodic report's draft for a period: the texts the coordinator edited, and when it was mailed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from loa.db import Base, IdMixin, TimestampMixin, UTCDateTime


class ReportDraft(IdMixin, TimestampMixin, Base):
    """The assessment and direction sections of "Báo cáo công tác thông tin, tuyên truyền" for one period, as
    edited before export (``texts``: section key → text, one point a line). The figures are never stored: they
    are computed again for the period (as they stood then). ``mailed_at``: the weekly job sent it."""

    __tablename__ = "situation_report_drafts"
    __table_args__ = (UniqueConstraint("start", "end"),)

    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    texts: Mapped[dict] = mapped_column(JSON, default=dict)
    edited_by: Mapped[str] = mapped_column(String(60), default="")
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

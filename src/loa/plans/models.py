"""Plans, their purposes and themes, agency groups, tasks per duty, progress reports and their attachments."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loa.auth.models import Agency
from loa.clock import utcnow
from loa.db import Base, IdMixin, TimestampMixin, UTCDateTime

STATUSES = {
    "not_started": ("Chưa bắt đầu", "Not started"),
    "in_progress": ("Đang thực hiện", "In progress"),
    "done": ("Hoàn thành", "Done"),
    "paused": ("Tạm dừng", "Paused"),
}
PRIORITIES = {"high": ("Cao", "High"), "normal": ("Bình thường", "Normal"), "low": ("Thấp", "Low")}
RECURRENCES = {  # "ongoing": the plan says "thường xuyên" or "liên tục"; it has no next due date
    "": ("Không lặp lại", "Once"),
    "daily": ("Hằng ngày", "Daily"),
    "weekly": ("Hằng tuần", "Weekly"),
    "monthly": ("Hằng tháng", "Monthly"),
    "quarterly": ("Hằng quý", "Quarterly"),
    "ongoing": ("Thường xuyên", "Ongoing"),
}


class Plan(IdMixin, TimestampMixin, Base):
    __tablename__ = "plans"

    title: Mapped[str] = mapped_column(Text)
    issuer: Mapped[list] = mapped_column(JSON, default=list)
    number: Mapped[str] = mapped_column(String(80), default="")
    issued_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    preamble: Mapped[str] = mapped_column(Text, default="")
    cited_documents: Mapped[list] = mapped_column(JSON, default=list)
    recipients: Mapped[list] = mapped_column(JSON, default=list)
    signer: Mapped[dict] = mapped_column(JSON, default=dict)
    source_name: Mapped[str] = mapped_column(String(255), default="")
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # a district's (or any agency's) own plan, made from the provincial one (``districts.create_district_plan``)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("plans.id", ondelete="SET NULL"), nullable=True, index=True
    )
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True, index=True)

    agency: Mapped[Agency | None] = relationship()
    parent: Mapped[Plan | None] = relationship(remote_side="Plan.id")
    items: Mapped[list[PlanItem]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanItem.position"
    )
    groups: Mapped[list[AgencyGroup]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="AgencyGroup.position"
    )
    tasks: Mapped[list[Task]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Task.position"
    )

    @property
    def purposes(self) -> list[PlanItem]:
        return [i for i in self.items if i.kind == "purpose"]

    @property
    def themes(self) -> list[PlanItem]:
        return [i for i in self.items if i.kind == "theme"]


class PlanItem(IdMixin, Base):
    """A purpose ("purpose") or a content theme ("theme") of a plan."""

    __tablename__ = "plan_items"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    plan: Mapped[Plan] = relationship(back_populates="items")

    @property
    def label(self) -> str:
        """The theme's opening words, for tables and charts."""
        words = self.text.split()
        return " ".join(words[:8]) + ("…" if len(words) > 8 else "")


class AgencyGroup(IdMixin, Base):
    """A numbered entry of "Tổ chức thực hiện": the name as written and the bodies it names."""

    __tablename__ = "plan_agency_groups"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    bodies: Mapped[list] = mapped_column(JSON, default=list)
    plan: Mapped[Plan] = relationship(back_populates="groups")
    tasks: Mapped[list[Task]] = relationship(back_populates="group", order_by="Task.position")


class TaskAgency(Base):
    __tablename__ = "plan_task_agencies"

    task_id: Mapped[int] = mapped_column(ForeignKey("plan_tasks.id", ondelete="CASCADE"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)


class Task(IdMixin, TimestampMixin, Base):
    """One duty of a plan, assigned to the agencies of its group."""

    __tablename__ = "plan_tasks"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("plan_agency_groups.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("plan_items.id", ondelete="SET NULL"), nullable=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="not_started", index=True)
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    start_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    recurrence: Mapped[str] = mapped_column(String(10), default="")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # in a district plan: the provincial task it carries out, and the communes or local bodies doing it (names)
    source_task_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_tasks.id", ondelete="SET NULL"), nullable=True, index=True
    )
    units: Mapped[list] = mapped_column(JSON, default=list)

    plan: Mapped[Plan] = relationship(back_populates="tasks")
    source_task: Mapped[Task | None] = relationship(remote_side="Task.id")
    group: Mapped[AgencyGroup] = relationship(back_populates="tasks")
    theme: Mapped[PlanItem | None] = relationship()
    agencies: Mapped[list[Agency]] = relationship(secondary="plan_task_agencies", order_by="Agency.name")
    reports: Mapped[list[ProgressReport]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="ProgressReport.id"
    )
    events: Mapped[list[TaskEvent]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="TaskEvent.id"
    )

    @property
    def title(self) -> str:
        words = self.text.split()
        return " ".join(words[:14]) + ("…" if len(words) > 14 else "")

    def overdue(self, today: date) -> bool:
        return self.due_on is not None and self.due_on < today and self.status != "done"


class ProgressReport(IdMixin, TimestampMixin, Base):
    """What an agency reports on a task: text, figures ({label: number}), links, attached files."""

    __tablename__ = "plan_progress_reports"

    task_id: Mapped[int] = mapped_column(ForeignKey("plan_tasks.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    links: Mapped[list] = mapped_column(JSON, default=list)

    task: Mapped[Task] = relationship(back_populates="reports")
    agency: Mapped[Agency | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(back_populates="report", cascade="all, delete-orphan")


class Attachment(IdMixin, Base):
    __tablename__ = "plan_attachments"
    __table_args__ = (UniqueConstraint("report_id", "sha256"),)

    report_id: Mapped[int] = mapped_column(ForeignKey("plan_progress_reports.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    report: Mapped[ProgressReport] = relationship(back_populates="attachments")


class TaskEvent(IdMixin, Base):
    """A task's history as people read it: created, changed (field: before → after), report filed."""

    __tablename__ = "plan_task_events"

    task_id: Mapped[int] = mapped_column(ForeignKey("plan_tasks.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    kind: Mapped[str] = mapped_column(String(20))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    task: Mapped[Task] = relationship(back_populates="events")


class DigestSend(IdMixin, Base):
    """A daily digest e-mailed to an agency: at most one a day, recorded before it is sent (see
    ``service.send_digests``), so that a second run on the same day sends nothing again."""

    __tablename__ = "plan_digest_sends"
    __table_args__ = (UniqueConstraint("day", "agency_id"),)

    day: Mapped[date] = mapped_column(Date)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(String(255))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

"""Jobs (one row per submitted piece of long work), their files, periodic job runs and worker heartbeats.

None of these tables is audited: they change on every progress step; the work a job does is audited under the
person who submitted it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loa.clock import utcnow
from loa.db import Base, IdMixin, UTCDateTime

STATUSES = {
    "waiting": ("Chờ xác nhận", "Awaiting confirmation"),
    "queued": ("Đang chờ", "Queued"),
    "running": ("Đang chạy", "Running"),
    "done": ("Hoàn thành", "Done"),
    "failed": ("Thất bại", "Failed"),
    "cancelled": ("Đã hủy", "Cancelled"),
}
FINISHED = ("done", "failed", "cancelled")


class Job(IdMixin, Base):
    __tablename__ = "jobs"
    __audit__ = False

    kind: Mapped[str] = mapped_column(String(60), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    errors: Mapped[list] = mapped_column(JSON, default=list)
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str] = mapped_column(String(100), default="")
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    files: Mapped[list[JobFile]] = relationship(
        back_populates="job", cascade="all, delete-orphan", order_by="JobFile.id"
    )

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


class JobFile(IdMixin, Base):
    """An uploaded input or a produced output, kept in the database so that any worker and any web process,
    on any machine, can read it."""

    __tablename__ = "job_files"
    __audit__ = False

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10))  # input | output
    name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    data: Mapped[bytes] = mapped_column(LargeBinary)
    job: Mapped[Job] = relationship(back_populates="files")


class PeriodicRun(Base):
    """The state of one periodic job: when it is due, who holds it now (a lease), how its last run went."""

    __tablename__ = "periodic_runs"
    __audit__ = False

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_outcome: Mapped[str] = mapped_column(String(10), default="")  # ok | failed
    last_message: Mapped[str] = mapped_column(Text, default="")
    last_duration_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    runs: Mapped[int] = mapped_column(Integer, default=0)


class WorkerBeat(Base):
    """A worker process's heartbeat (``host:pid``)."""

    __tablename__ = "worker_beats"
    __audit__ = False

    worker: Mapped[str] = mapped_column(String(100), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

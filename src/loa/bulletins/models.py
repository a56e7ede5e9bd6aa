"""Validated statistics imports, one value per unit, day and metric, and the bulletins drafted from them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from loa.db import Base, IdMixin, TimestampMixin

# metric → (Vietnamese label, English label)
METRICS = {
    "cases": ("Ca mắc", "Cases"),
    "recoveries": ("Khỏi bệnh", "Recoveries"),
    "deaths": ("Tử vong", "Deaths"),
    "vaccinated_1": ("Tiêm mũi 1", "First dose"),
    "vaccinated_2": ("Tiêm mũi 2", "Second dose"),
}


class StatImport(IdMixin, TimestampMixin, Base):
    """One accepted file: its content hash makes a second import of the same bytes a no-op."""

    __tablename__ = "bulletin_imports"

    filename: Mapped[str] = mapped_column(String(255))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    layout: Mapped[str] = mapped_column(String(10))  # long | wide
    mode: Mapped[str] = mapped_column(String(12))  # cumulative | daily
    metrics: Mapped[list] = mapped_column(JSON, default=list)
    units: Mapped[list] = mapped_column(JSON, default=list)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    points: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[list] = mapped_column(JSON, default=list)  # the warnings the importer accepted
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class StatPoint(IdMixin, Base):
    """A unit's value of a metric on a day: the day's new count and the running total (either may be unknown).
    Not audited row by row: the StatImport that wrote it is."""

    __tablename__ = "bulletin_points"
    __table_args__ = (UniqueConstraint("unit_code", "metric", "day"),)
    __audit__ = False

    unit_code: Mapped[str] = mapped_column(String(10), index=True)
    metric: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date, index=True)
    daily: Mapped[int | None] = mapped_column(Integer, nullable=True)
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("bulletin_imports.id", ondelete="CASCADE"), index=True)


class Bulletin(IdMixin, TimestampMixin, Base):
    """The draft text for a unit and day, handed to the content workflow."""

    __tablename__ = "bulletins"
    __table_args__ = (UniqueConstraint("unit_code", "day"),)

    unit_code: Mapped[str] = mapped_column(String(10))
    day: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    content_item_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

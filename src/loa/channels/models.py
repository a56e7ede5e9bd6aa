"""Commune loudspeaker stations and their daily broadcast slots."""

from __future__ import annotations

from datetime import time

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loa.db import Base, IdMixin, TimestampMixin


class Commune(IdMixin, TimestampMixin, Base):
    """A commune (xã, phường, thị trấn) whose loudspeaker system broadcasts the province's messages.
    ``languages`` lists what its listeners hear, e.g. "vi,km" where many Khmer families live."""

    __tablename__ = "channels_communes"
    __table_args__ = (UniqueConstraint("district", "name"),)

    name: Mapped[str] = mapped_column(String(120))
    district: Mapped[str] = mapped_column(String(120), default="")
    languages: Mapped[str] = mapped_column(String(20), default="vi")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    slots: Mapped[list[BroadcastSlot]] = relationship(
        back_populates="commune", order_by="BroadcastSlot.start", cascade="all, delete-orphan"
    )

    @property
    def language_list(self) -> list[str]:
        return [x for x in self.languages.split(",") if x]

    def __str__(self) -> str:
        return f"{self.name} ({self.district})" if self.district else self.name


class BroadcastSlot(IdMixin, TimestampMixin, Base):
    """A daily time at which a commune's loudspeakers are on, e.g. 6:00 for 30 minutes."""

    __tablename__ = "channels_broadcast_slots"
    __table_args__ = (UniqueConstraint("commune_id", "start"),)

    commune_id: Mapped[int] = mapped_column(ForeignKey("channels_communes.id", ondelete="CASCADE"), index=True)
    start: Mapped[str] = mapped_column(String(5))  # "06:00", zero-padded so that text order is time order
    minutes: Mapped[int] = mapped_column(Integer, default=30)
    label: Mapped[str] = mapped_column(String(120), default="")

    commune: Mapped[Commune] = relationship(back_populates="slots")

    @property
    def start_time(self) -> time:
        return time.fromisoformat(self.start)

    def __str__(self) -> str:
        return self.start

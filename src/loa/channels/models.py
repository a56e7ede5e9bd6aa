"""Commune loudspeaker stations, their daily broadcast slots, what a broadcast item targets, and the stations'
players (devices) with their heartbeats and play reports."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loa.clock import utcnow
from loa.db import Base, IdMixin, TimestampMixin, UTCDateTime

LEVELS = {
    "normal": ("Thường", "Normal"),
    "priority": ("Ưu tiên", "Priority"),
    "emergency": ("Khẩn cấp", "Emergency"),
}
SCOPES = {
    "province": ("Toàn tỉnh", "Whole province"),
    "districts": ("Các huyện đã chọn", "Chosen districts"),
    "communes": ("Các xã đã chọn", "Chosen communes"),
}


class Commune(IdMixin, TimestampMixin, Base):
    """A commune (xã, phường, thị trấn) whose loudspeaker system broadcasts the province's messages.
    ``languages`` lists what its listeners hear, e.g. "vi,km" where many Khmer families live."""

    __tablename__ = "channels_communes"
    __table_args__ = (UniqueConstraint("district", "name"),)

    name: Mapped[str] = mapped_column(String(120))
    district: Mapped[str] = mapped_column(String(120), default="")
    district_code: Mapped[str] = mapped_column(String(10), default="")  # GSO code of the district, e.g. "848"
    # the commune's own loudspeaker channel: what is planned on it plays here and nowhere else
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("content_channels.id"), nullable=True)
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


class Broadcast(IdMixin, TimestampMixin, Base):
    """What a loudspeaker item targets and how urgent it is. An item without one is a normal item for the whole
    province. An emergency plays from ``starts_at`` in every targeted commune at once, again every
    ``repeat_minutes``, until ``expires_at`` or ``ended_at``."""

    __tablename__ = "channels_broadcasts"

    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id", ondelete="CASCADE"), unique=True)
    level: Mapped[str] = mapped_column(String(10), default="normal")
    scope: Mapped[str] = mapped_column(String(10), default="province")
    districts: Mapped[list] = mapped_column(JSON, default=list)  # district names (scope "districts")
    commune_ids: Mapped[list] = mapped_column(JSON, default=list)  # scope "communes"
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    repeat_minutes: Mapped[int] = mapped_column(Integer, default=30)

    def targets(self, commune: Commune) -> bool:
        if self.scope == "districts":
            return commune.district in self.districts
        if self.scope == "communes":
            return commune.id in self.commune_ids
        return True

    def live_at(self, when: datetime) -> bool:
        """An emergency is on the air at ``when``: started, neither expired nor ended."""
        return (
            self.level == "emergency"
            and self.starts_at is not None
            and self.starts_at <= when
            and (self.expires_at is None or when < self.expires_at)
            and (self.ended_at is None or when < self.ended_at)
        )


class Device(IdMixin, TimestampMixin, Base):
    """A commune's loudspeaker player (or one cluster of it), which pulls its playlist with a secret key; only the
    key's SHA-256 is stored."""

    __tablename__ = "channels_devices"
    __audit_redact__ = {"key_hash"}

    commune_id: Mapped[int] = mapped_column(ForeignKey("channels_communes.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    poll_seconds: Mapped[int] = mapped_column(Integer, default=60)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    commune: Mapped[Commune] = relationship()


class DeviceBeat(Base):
    """A device's latest heartbeat (a playlist poll counts as one); telemetry, not audited."""

    __tablename__ = "channels_device_beats"
    __audit__ = False

    device_id: Mapped[int] = mapped_column(ForeignKey("channels_devices.id", ondelete="CASCADE"), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(20), default="")  # "idle", "playing", "fault"... as the device says
    detail: Mapped[str] = mapped_column(String(200), default="")


class Play(IdMixin, Base):
    """One play of an item reported by a device; the same report sent again is the same row."""

    __tablename__ = "channels_plays"
    __table_args__ = (UniqueConstraint("device_id", "item_id", "started_at"),)
    __audit__ = False

    device_id: Mapped[int] = mapped_column(ForeignKey("channels_devices.id", ondelete="CASCADE"), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("channels_communes.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime)
    complete: Mapped[bool] = mapped_column(Boolean, default=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def seconds(self) -> float:
        return (self.ended_at - self.started_at).total_seconds()

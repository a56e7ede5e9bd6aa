"""What a tipline keeps: keyed hashes of senders (no phone number, name or profile), each message's kind and what
came of it (no text: questions and tips live, scrubbed, in the answers and claims queues), outgoing messages,
subscriptions per district and pending notifications (the platform address encrypted), emergency notices.

Citizens' traffic is not written to the audit log (``__audit__ = False``): the log is append-only and would keep
the sender hashes past their retention."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loa.clock import utcnow
from loa.db import Base, IdMixin, UTCDateTime

PLATFORMS = {"zalo": "Zalo", "telegram": "Telegram", "messenger": "Messenger", "sms": "SMS"}
OUT_STATUSES = {"queued": ("Đang gửi", "Sending"), "sent": ("Đã gửi", "Sent"), "failed": ("Gửi lỗi", "Failed")}


class Sender(IdMixin, Base):
    """A person on one platform, known only by an HMAC of the platform's user id; ``state`` is where the
    conversation stands (after "1": a question is expected...)."""

    __tablename__ = "messaging_senders"
    __table_args__ = (UniqueConstraint("platform", "key"),)
    __audit__ = False

    platform: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(64))  # HMAC-SHA256 (hex) of "platform:user id"
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    state: Mapped[str] = mapped_column(String(20), default="")
    state_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Inbound(IdMixin, Base):
    """One message received: its kind, the intent read from it and the outcome; never its text. The hash of the
    platform's message id makes a replayed delivery a no-op."""

    __tablename__ = "messaging_inbound"
    __table_args__ = (UniqueConstraint("platform", "message_key"),)
    __audit__ = False

    platform: Mapped[str] = mapped_column(String(20), index=True)
    message_key: Mapped[str] = mapped_column(String(64))  # SHA-256 (hex) of the platform's message id
    sender_id: Mapped[int | None] = mapped_column(
        ForeignKey("messaging_senders.id", ondelete="SET NULL"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # text | image | link | menu | sticker | location | ...
    intent: Mapped[str] = mapped_column(String(20), default="")  # ask | tip | subscribe | unsubscribe | menu...
    outcome: Mapped[str] = mapped_column(String(20), default="")  # answered | queued | correction | triage...
    ref: Mapped[str] = mapped_column(String(40), default="")  # "faq:12", "group:3", "claim:5", "triage:8"
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Outbound(IdMixin, Base):
    """One message sent (or being sent) by a ``messaging.send`` job, whose parameters alone hold the encrypted
    address until it is sent."""

    __tablename__ = "messaging_outbound"
    __audit__ = False

    platform: Mapped[str] = mapped_column(String(20), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # reply | answer | correction | bulletin | emergency
    text: Mapped[str] = mapped_column(Text)
    choices: Mapped[list] = mapped_column(JSON, default=list)  # [[payload, label], ...] shown as buttons
    sender_id: Mapped[int | None] = mapped_column(
        ForeignKey("messaging_senders.id", ondelete="SET NULL"), nullable=True
    )
    inbound_id: Mapped[int | None] = mapped_column(
        ForeignKey("messaging_inbound.id", ondelete="SET NULL"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    rounds: Mapped[int] = mapped_column(Integer, default=1)  # jobs that tried it (a failed send is resubmitted)
    error: Mapped[str] = mapped_column(Text, default="")
    job_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    tried_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Subscription(IdMixin, Base):
    """A sender's subscription to the daily bulletin and the emergency notices of one district; the platform
    address is kept encrypted (Fernet) for as long as it lasts. Counted per district, never listed."""

    __tablename__ = "messaging_subscriptions"
    __table_args__ = (UniqueConstraint("sender_id"),)
    __audit__ = False

    platform: Mapped[str] = mapped_column(String(20))
    sender_id: Mapped[int] = mapped_column(ForeignKey("messaging_senders.id", ondelete="CASCADE"))
    district: Mapped[str] = mapped_column(String(10), index=True)  # GSO code
    address: Mapped[str] = mapped_column(Text)  # encrypted platform user id
    last_bulletin: Mapped[str] = mapped_column(String(40), default="")  # key of the last bulletin sent
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FollowUp(IdMixin, Base):
    """Someone waits for staff: the answer to a queued question (``question``: group id), the verdict on a
    rumour (``claim``: claim id, ``triage``: triage item id). ``due_at`` is set when it is ready to send."""

    __tablename__ = "messaging_followups"
    __table_args__ = (UniqueConstraint("sender_id", "kind", "ref_id"),)
    __audit__ = False

    platform: Mapped[str] = mapped_column(String(20))
    sender_id: Mapped[int] = mapped_column(ForeignKey("messaging_senders.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    ref_id: Mapped[int] = mapped_column(Integer)
    address: Mapped[str] = mapped_column(Text)  # encrypted platform user id
    answer_ref: Mapped[int | None] = mapped_column(Integer, nullable=True)  # FAQ entry or claim to send
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    sender: Mapped[Sender] = relationship()


class DistrictNotice(IdMixin, Base):
    """An emergency notice for one district, sent to its subscribers by the next dispatch."""

    __tablename__ = "messaging_notices"

    district: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    recipients: Mapped[int] = mapped_column(Integer, default=0)


class RateSlot(Base):
    """The next free sending slot of a platform (seconds since the epoch), shared by every worker."""

    __tablename__ = "messaging_rate_slots"
    __audit__ = False

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float, default=0.0)

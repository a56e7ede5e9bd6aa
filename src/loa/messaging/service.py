"""The tiplines' services: receive a webhook, tell people later (answers approved, corrections published,
daily bulletins, emergency notices), forget senders after the retention period, count for the staff page."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from loa import hooks
from loa.answers.models import FaqEntry, QuestionGroup
from loa.claims.models import Claim, TriageItem
from loa.clock import local_day_start, today_local, utcnow
from loa.errors import UserError
from loa.jobs.models import Job
from loa.messaging import adapters, replies, sending
from loa.messaging.adapters import ADAPTERS, Adapter
from loa.messaging.config import MessagingSettings, Setup
from loa.messaging.conversation import command, handle
from loa.messaging.models import PLATFORMS, DistrictNotice, FollowUp, Inbound, Outbound, Sender, Subscription
from loa.messaging.sending import resend_failed

__all__ = [
    "claim_published",
    "command",
    "dispatch",
    "handle",
    "notify_district",
    "platforms",
    "question_answered",
    "receive",
    "resend_failed",
    "retention",
    "send_bulletins",
    "stats",
    "tipline_counts",
    "verify_handshake",
]

RESEND_AFTER = timedelta(minutes=10)  # a failed message is tried again by a later dispatch, at most 3 jobs


# ---- webhooks -----------------------------------------------------------------------------------------------


def _adapter(platform: str, conf: MessagingSettings) -> Adapter:
    adapter = adapters.get(platform, conf)
    if adapter is None:
        raise UserError("Kênh tin nhắn này chưa được bật.", "This messaging platform is not enabled.", 404)
    return adapter


def receive(db: Session, setup: Setup, platform: str, headers: Mapping[str, str], body: bytes) -> dict:
    """Handle one webhook delivery: refuse (401) anything not signed with this instance's secret before
    reading it, then answer each message in it. Returns ``replies`` (how many were queued) and whatever the
    platform expects in the webhook's answer (Telegram: the acknowledgement of a button press)."""
    adapter = _adapter(platform, setup.conf)
    if not adapter.verify(headers, body):
        raise UserError("Chữ ký của webhook không hợp lệ.", "Invalid or missing webhook signature.", 401)
    try:
        messages = adapter.parse(body)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise UserError("Nội dung webhook không đúng định dạng.", "Malformed webhook body.", 400) from None
    replies = sum(handle(db, setup, adapter, m) is not None for m in messages)
    return {**adapter.acknowledge(messages), "replies": replies}


def verify_handshake(setup: Setup, platform: str, mode: str, token: str, challenge: str) -> str:
    """Messenger's subscription check (GET with hub.mode, hub.verify_token, hub.challenge)."""
    _adapter(platform, setup.conf)
    if platform != "messenger" or mode != "subscribe" or token != setup.conf.messenger_verify_token:
        raise UserError("Mã xác minh webhook không đúng.", "Wrong webhook verify token.", 403)
    return challenge


# ---- later: answers, corrections, notices, bulletins ------------------------------------------------------


def question_answered(db: Session, group_id: int, entry_id: int) -> int:
    """Staff's answer to a queued question group was approved: whoever asked it through a tipline is told at the
    next dispatch. Returns how many wait for it."""
    return db.execute(
        update(FollowUp)
        .where(FollowUp.kind == "question", FollowUp.ref_id == group_id, FollowUp.due_at.is_(None))
        .values(due_at=utcnow(), answer_ref=entry_id)
    ).rowcount


def claim_published(db: Session, claim_id: int) -> int:
    """A claim's verdict was published: whoever sent it (matched at once, or queued in triage and linked to it)
    gets the correction at the next dispatch."""
    now = utcnow()
    triage = select(TriageItem.id).where(TriageItem.claim_id == claim_id)
    direct = db.execute(
        update(FollowUp)
        .where(FollowUp.kind == "claim", FollowUp.ref_id == claim_id, FollowUp.due_at.is_(None))
        .values(due_at=now, answer_ref=claim_id)
    ).rowcount
    linked = db.execute(
        update(FollowUp)
        .where(FollowUp.kind == "triage", FollowUp.ref_id.in_(triage), FollowUp.due_at.is_(None))
        .values(due_at=now, answer_ref=claim_id)
    ).rowcount
    return direct + linked


def _sweep(db: Session) -> None:
    """Mark due what became ready without a hook: a triage item linked to a claim published earlier, a group
    answered by an entry approved before the person asked."""
    for f in db.scalars(select(FollowUp).where(FollowUp.due_at.is_(None), FollowUp.kind == "triage")):
        claim_id = db.scalar(
            select(TriageItem.claim_id)
            .join(Claim, Claim.id == TriageItem.claim_id)
            .where(TriageItem.id == f.ref_id, Claim.status == "published")
        )
        if claim_id:
            f.due_at, f.answer_ref = utcnow(), claim_id
    for f in db.scalars(select(FollowUp).where(FollowUp.due_at.is_(None), FollowUp.kind == "question")):
        entry_id = db.scalar(
            select(QuestionGroup.entry_id)
            .join(FaqEntry, FaqEntry.id == QuestionGroup.entry_id)
            .where(QuestionGroup.id == f.ref_id, FaqEntry.status == "approved")
        )
        if entry_id:
            f.due_at, f.answer_ref = utcnow(), entry_id
    db.flush()


def within_window(adapter: Adapter, last_seen: datetime, now: datetime) -> bool:
    """Whether the platform still lets us write to someone whose last message was at ``last_seen``."""
    return adapter.window is None or now - last_seen <= adapter.window


def dispatch(db: Session, setup: Setup) -> dict:
    """The minute's sending (periodic job): due answers and corrections, emergency notices, failed messages
    tried again. A notification the platform's window no longer allows is dropped (counted ``expired``)."""
    _sweep(db)
    now, counts = utcnow(), {"answers": 0, "corrections": 0, "expired": 0, "notices": 0, "resent": 0}
    for f in list(db.scalars(select(FollowUp).where(FollowUp.due_at.is_not(None)).order_by(FollowUp.id).limit(2000))):
        adapter = adapters.get(f.platform, setup.conf)
        if adapter is None:
            continue  # the platform is off: kept until it is on again or the retention period ends
        reply, kind = _notification(db, setup, f)
        if reply is not None and not within_window(adapter, f.sender.last_seen_at, now):
            counts["expired"] += 1
        elif reply is not None:
            sending.queue(db, setup, f.platform, [(f.address, f.sender_id)], reply, kind=kind, sealed=True)
            counts["answers" if kind == "answer" else "corrections"] += 1
        db.delete(f)
    for notice in list(
        db.scalars(select(DistrictNotice).where(DistrictNotice.sent_at.is_(None)).order_by(DistrictNotice.id))
    ):
        notice.recipients = _fan_out(
            db, setup, notice.district, replies.emergency(setup.settings.province, notice.text), "emergency", now
        )
        notice.sent_at = now
        counts["notices"] += 1
    counts["resent"] = resend_failed(db, setup, tried_before=now - RESEND_AFTER)
    db.flush()
    return counts


def _notification(db: Session, setup: Setup, f: FollowUp):
    if f.kind == "question":
        entry = db.get(FaqEntry, f.answer_ref) if f.answer_ref else None
        return (replies.answered_later(entry), "answer") if entry and entry.status == "approved" else (None, "")
    claim = db.get(Claim, f.answer_ref) if f.answer_ref else None
    if claim is None or claim.status != "published":
        return None, ""
    return replies.correction(claim, setup.conf.messaging_public_url), "correction"


def _fan_out(db: Session, setup: Setup, district: str, reply, kind: str, now: datetime, bulletin_key: str = "") -> int:
    """Send ``reply`` to the district's subscribers the platforms still let us write to; how many."""
    count = 0
    rows = db.execute(
        select(Subscription, Sender.last_seen_at)
        .join(Sender, Sender.id == Subscription.sender_id)
        .where(Subscription.district == district)
        .order_by(Subscription.id)
    )
    by_platform: dict[str, list[tuple[Subscription, datetime]]] = {}
    for sub, last_seen in rows:
        if not bulletin_key or sub.last_bulletin != bulletin_key:
            by_platform.setdefault(sub.platform, []).append((sub, last_seen))
    for platform, candidates in by_platform.items():
        adapter = adapters.get(platform, setup.conf)
        if adapter is None:
            continue
        group = [sub for sub, last_seen in candidates if within_window(adapter, last_seen, now)]
        if group:
            sending.queue(db, setup, platform, [(s.address, s.sender_id) for s in group], reply, kind=kind, sealed=True)
            count += len(group)
        for sub in group:
            sub.last_bulletin = bulletin_key or sub.last_bulletin
    return count


def notify_district(db: Session, district: str, text: str) -> int:
    """An emergency notice for ``district`` (GSO code): its subscribers get it at the next dispatch (within a
    minute). Returns how many subscribe there now."""
    text = (text or "").strip()
    if not text:
        raise UserError("Tin khẩn cấp cần có nội dung.", "An emergency notice needs a text.", 422)
    if not replies.is_district(district):
        raise UserError(f"Không rõ huyện có mã “{district}”.", f"Unknown district code “{district}”.", 422)
    db.add(DistrictNotice(district=district, text=text, recipients=0))
    db.flush()
    return db.scalar(select(func.count(Subscription.id)).where(Subscription.district == district)) or 0


def send_bulletins(db: Session, setup: Setup) -> dict:
    """The daily bulletin (periodic job): each subscribed district's latest approved situation bulletin (hook
    ``latest_bulletin``), once per bulletin and subscriber."""
    now, sent, districts = utcnow(), 0, 0
    for district in list(db.scalars(select(Subscription.district).distinct())):
        found = hooks.call().latest_bulletin(db=db, district=district)
        if not found:
            continue
        districts += 1
        sent += _fan_out(db, setup, district, replies.bulletin(found), "bulletin", now, bulletin_key=found["key"])
    db.flush()
    return {"districts": districts, "sent": sent}


# ---- retention ------------------------------------------------------------------------------------------


def retention(db: Session, setup: Setup, now: datetime | None = None) -> dict:
    """Forget, after ``LOA_MESSAGING_RETENTION_DAYS``: pending notifications, senders with no subscription (their
    messages stay as counts, no longer linked to anyone), and the addresses failed messages still held."""
    now = now or utcnow()
    cutoff = now - timedelta(days=setup.conf.messaging_retention_days)
    followups = db.execute(delete(FollowUp).where(FollowUp.created_at < cutoff)).rowcount
    subscribed = select(Subscription.sender_id)
    senders = db.execute(delete(Sender).where(Sender.last_seen_at < cutoff, Sender.id.not_in(subscribed))).rowcount
    addresses = 0
    for job in db.scalars(
        select(Job).where(Job.kind == "messaging.send", Job.status == "failed", Job.created_at < cutoff)
    ):
        items = (job.params or {}).get("items") or []
        if items:
            addresses += len(items)
            job.params = {"items": []}
            db.execute(
                update(Outbound)
                .where(Outbound.id.in_([i["outbound_id"] for i in items]), Outbound.status != "sent")
                .values(status="failed", rounds=99, error="Quá hạn lưu trữ: đã xóa địa chỉ người nhận.")
            )
    db.flush()
    return {"followups": followups, "senders": senders, "addresses": addresses}


# ---- counts ---------------------------------------------------------------------------------------------


def platforms(conf: MessagingSettings) -> list[dict]:
    """Each platform, whether it is on, its webhook path and the window it allows."""
    return [
        {
            "name": name,
            "label": cls.label,
            "on": cls.configured(conf),
            "path": f"/hooks/{name}",
            "window_hours": int(cls.window.total_seconds() // 3600) if cls.window else None,
        }
        for name, cls in ADAPTERS.items()
    ]


def stats(db: Session, since: datetime | None = None) -> dict:
    """Counts per platform (messages, questions, answered at once, queued, tips, corrections, subscriptions,
    replies sent and failed) since ``since`` (default: ever), and subscriptions per district. Nothing per
    person."""

    def grouped(query, *where) -> dict:
        return dict(db.execute(query.where(*where).group_by(query.selected_columns[0])).all())

    when_in = [Inbound.received_at >= since] if since else []
    when_out = [Outbound.created_at >= since] if since else []
    count_in = select(Inbound.platform, func.count(Inbound.id))
    count_out = select(Outbound.platform, func.count(Outbound.id))
    rows = {
        "messages": grouped(count_in, *when_in),
        "questions": grouped(count_in, Inbound.intent == "ask", *when_in),
        "answered": grouped(count_in, Inbound.outcome == "answered", *when_in),
        "queued": grouped(count_in, Inbound.outcome == "queued", *when_in),
        "tips": grouped(count_in, Inbound.intent == "tip", *when_in),
        "corrections": grouped(count_in, Inbound.outcome == "correction", *when_in),
        "followups": grouped(
            count_out, Outbound.kind.in_(("answer", "correction")), Outbound.status == "sent", *when_out
        ),
        "sent": grouped(count_out, Outbound.status == "sent", *when_out),
        "failed": grouped(count_out, Outbound.status == "failed", *when_out),
        "subscriptions": grouped(select(Subscription.platform, func.count(Subscription.id))),
    }
    per_platform = [
        {"platform": p, "label": label, **{k: v.get(p, 0) for k, v in rows.items()}} for p, label in PLATFORMS.items()
    ]
    districts = [
        {"code": code, "name": replies.district_name(code), "subscriptions": n}
        for code, n in db.execute(
            select(Subscription.district, func.count(Subscription.id))
            .group_by(Subscription.district)
            .order_by(func.count(Subscription.id).desc(), Subscription.district)
        )
    ]
    totals = {k: sum(p[k] for p in per_platform) for k in rows}
    return {
        "platforms": per_platform,
        "totals": totals,
        "districts": districts,
        "waiting": db.scalar(select(func.count(FollowUp.id))) or 0,
    }


def tipline_counts(db: Session, refs: list[str]) -> dict[str, dict[str, int]]:
    """Per queue item (``"triage:8"``, ``"group:3"``...): how many messages of each platform (by its name: Zalo,
    SMS...) it came from, most first."""
    out: dict[str, dict[str, int]] = {}
    if refs:
        n = func.count(Inbound.id)
        for ref, platform, count in db.execute(
            select(Inbound.ref, Inbound.platform, n)
            .where(Inbound.ref.in_(refs))
            .group_by(Inbound.ref, Inbound.platform)
            .order_by(Inbound.ref, n.desc(), Inbound.platform)
        ):
            out.setdefault(ref, {})[PLATFORMS.get(platform, platform)] = count
    return out


def today_stats(db: Session) -> dict:
    return stats(db, local_day_start(today_local()))

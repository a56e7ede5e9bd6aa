"""Commune loudspeaker players as devices: each holds a secret key (only its SHA-256 is stored), pulls its
playlist as JSON (an ETag makes an unchanged poll cheap), sends heartbeats and reports what it played. Loa shows
which communes are offline or silent, how often and how long each item played per commune, and which targeted
communes confirmed an emergency."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from loa.auth.models import User
from loa.channels import service
from loa.channels.models import Broadcast, BroadcastSlot, Commune, Device, DeviceBeat, Play
from loa.clock import LOCAL, local_day, utcnow
from loa.config import Settings
from loa.content.models import Channel, ContentItem, ItemAttachment, Schedule
from loa.db import get_or_404
from loa.errors import UserError

KEY_PREFIX = "loa-dev-"
SILENT_HOURS = 24  # a commune whose devices reported no play for this long is silent
OFFLINE_POLLS = 3  # a device unseen for this many polling intervals (and at least OFFLINE_MIN) is offline
OFFLINE_MIN = timedelta(seconds=90)
BEAT_EVERY = timedelta(seconds=30)
MAX_REPORTS = 500


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_device(
    db: Session, user: User, commune: Commune, name: str = "", poll_seconds: int = 60
) -> tuple[Device, str]:
    """A new player of a commune's system (or cluster); returns it with its key, shown this once."""
    service._need(user, service.MANAGERS)
    if not 5 <= int(poll_seconds) <= 3600:
        raise UserError("Chu kỳ hỏi danh sách phát phải từ 5 đến 3600 giây.", "Poll every 5 to 3600 seconds.")
    key = KEY_PREFIX + secrets.token_urlsafe(24)
    name = " ".join((name or "").split())[:120] or f"Cụm loa {len(list_devices(db, commune)) + 1}"
    device = Device(commune_id=commune.id, name=name, key_hash=_hash(key), poll_seconds=int(poll_seconds))
    db.add(device)
    db.flush()
    return device, key


def new_key(db: Session, user: User, device: Device) -> str:
    """Replace a device's key (a lost or leaked one stops working at once)."""
    service._need(user, service.MANAGERS)
    key = KEY_PREFIX + secrets.token_urlsafe(24)
    device.key_hash = _hash(key)
    db.flush()
    return key


def get_device(db: Session, device_id: int) -> Device:
    return get_or_404(db, Device, device_id, "Không tìm thấy thiết bị.", "Device not found.")


def list_devices(db: Session, commune: Commune | None = None) -> list[Device]:
    q = select(Device).order_by(Device.commune_id, Device.id)
    if commune is not None:
        q = q.where(Device.commune_id == commune.id)
    return list(db.scalars(q))


def authenticate(db: Session, device_ref: str, key: str) -> Device:
    """The device named by ``device_ref`` if ``key`` is its key; otherwise the same 401 whatever was wrong (no
    such device, a wrong key, a retired device), so a caller learns nothing."""
    device = db.scalar(select(Device).where(Device.key_hash == _hash(key or "")))
    if device is None or not device.active or not hmac.compare_digest(str(device.id), str(device_ref)):
        raise UserError("Khóa thiết bị không hợp lệ.", "Invalid device key.", 401)
    return device


def beat(db: Session, device: Device, state: str = "", detail: str = "", now: datetime | None = None) -> None:
    """Record that the device is alive (each playlist poll counts); a poll within ``BEAT_EVERY`` of the last
    recorded one writes nothing, so that frequent polling stays cheap."""
    now = now or utcnow()
    row = db.get(DeviceBeat, device.id)
    if row is None:
        row = DeviceBeat(device_id=device.id)
        db.add(row)
    elif not state and now - row.seen_at < BEAT_EVERY:
        return
    row.seen_at = now
    if state:
        row.state, row.detail = str(state)[:20], str(detail or "")[:200]
    db.flush()


# ---- the playlist a device pulls ------------------------------------------------------------------------------


def _entry(e: service.PlaylistEntry, base_url: str) -> dict:
    return {
        "item_id": e.item.id,
        "title": e.item.title,
        "language": e.language,
        "level": e.level,
        "seconds": round(e.seconds, 1),
        "audio": base_url + e.audio_path,
    }


def revision(db: Session, settings: Settings, device: Device) -> str:
    """The ETag of the device's playlist, read with one query instead of building the playlist: it changes
    whenever what a playlist is built from may have (items, their variants and attachments, schedules, channels,
    broadcasts, communes, slots, the device), the local day, or the speech files made so far."""
    tables = (ContentItem, Schedule, Channel, Broadcast, Commune, BroadcastSlot)
    parts = [select(func.max(t.updated_at)).scalar_subquery() for t in tables]
    parts += [select(func.count(t.id)).scalar_subquery() for t in tables + (ItemAttachment,)]
    parts.append(select(func.max(ItemAttachment.id)).scalar_subquery())
    row = db.execute(select(*parts)).one()
    speech_dir = settings.files_dir / "channels" / "speech"
    made = speech_dir.stat().st_mtime_ns if speech_dir.exists() else 0
    key = f"{tuple(row)}|{local_day(utcnow())}|{made}|{device.id}|{device.updated_at}|{device.commune_id}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def device_playlist(
    db: Session, settings: Settings, device: Device, base_url: str, planner: service.Planner | None = None
) -> dict:
    """The playlist of the device's commune today: the emergencies on the air (play at once, then at each of
    ``plays_at``), then each slot's items in order with what fits its minutes."""
    commune = device.commune
    planner = planner or service.Planner(db, local_day(utcnow()), settings)
    entries = [e for e in planner.playlist(db, commune) if e.source != "missing"]
    emergencies: dict[int, dict] = {}
    for e in entries:
        if e.slot is None:
            b = planner.broadcasts[e.item.master_id or e.item.id]
            found = emergencies.setdefault(
                e.item.id,
                {
                    **_entry(e, base_url),
                    "every_minutes": b.repeat_minutes,
                    "until": planner._end(b).isoformat() if b.expires_at or b.ended_at else None,
                    "plays_at": [],
                },
            )
            found["plays_at"].append(e.at.isoformat())
    body = {
        "device": device.id,
        "commune": {"id": commune.id, "name": commune.name, "district": commune.district},
        "date": planner.day.isoformat(),
        "poll_seconds": device.poll_seconds,
        "emergency": list(emergencies.values()),
        "slots": [
            {
                "start": s.start,
                "minutes": s.minutes,
                "label": s.label,
                "entries": [_entry(e, base_url) for e in entries if e.slot is s and e.fits],
                "left_out": [e.item.id for e in entries if e.slot is s and not e.fits],
            }
            for s in commune.slots
        ],
    }
    return body


# ---- play reports ---------------------------------------------------------------------------------------------


def _when(value, what: str) -> datetime:
    try:
        at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise UserError(
            f"{what}: cần thời điểm ISO 8601 có múi giờ, ví dụ 2026-12-07T08:00:00+07:00.",
            f"{what}: an ISO 8601 time with a time zone is needed, e.g. 2026-12-07T08:00:00+07:00.",
            422,
        )
    return at


def record_plays(db: Session, device: Device, reports, now: datetime | None = None) -> dict:
    """Store the plays a device reports (``[{"item_id", "started_at", "ended_at", "outcome": "complete" |
    "interrupted"}]``). Every report is checked before anything is stored; one already received (same device,
    item and start) is counted once. Returns {"accepted", "duplicates"}."""
    if not isinstance(reports, list) or not 1 <= len(reports) <= MAX_REPORTS:
        raise UserError(
            f"Cần danh sách từ 1 đến {MAX_REPORTS} lượt phát.", f"Send a list of 1 to {MAX_REPORTS} plays.", 422
        )
    now = now or utcnow()
    rows = []
    for n, r in enumerate(reports, 1):
        if not isinstance(r, dict) or not str(r.get("item_id", "")).isdecimal():
            raise UserError(f"Lượt phát {n}: thiếu mã bài (item_id).", f"Play {n}: item_id is missing.", 422)
        start, end = _when(r.get("started_at"), f"Lượt {n}"), _when(r.get("ended_at"), f"Lượt {n}")
        if end < start or end > now + timedelta(minutes=5) or end - start > timedelta(hours=4):
            raise UserError(
                f"Lượt phát {n}: thời gian bắt đầu, kết thúc không hợp lệ.", f"Play {n}: invalid start or end.", 422
            )
        if r.get("outcome") not in ("complete", "interrupted"):
            raise UserError(
                f"Lượt phát {n}: kết quả phải là complete hoặc interrupted.",
                f"Play {n}: outcome must be complete or interrupted.",
                422,
            )
        rows.append((int(r["item_id"]), start, end, r["outcome"] == "complete"))
    for item_id in sorted({r[0] for r in rows}):
        try:
            service.content.get_item(db, item_id)
        except UserError:
            raise UserError(f"Không có bài số {item_id}.", f"No item {item_id}.", 422) from None
    accepted = duplicates = 0
    for item_id, start, end, complete in dict.fromkeys(rows):
        exists = db.scalar(
            select(Play.id).where(Play.device_id == device.id, Play.item_id == item_id, Play.started_at == start)
        )
        if exists:
            duplicates += 1
            continue
        try:
            with db.begin_nested():
                db.add(
                    Play(
                        device_id=device.id,
                        commune_id=device.commune_id,
                        item_id=item_id,
                        started_at=start,
                        ended_at=end,
                        complete=complete,
                        received_at=now,
                    )
                )
            accepted += 1
        except IntegrityError:  # the same report arrived twice at once
            duplicates += 1
    duplicates += len(rows) - len(dict.fromkeys(rows))
    beat(db, device, now=now)
    return {"accepted": accepted, "duplicates": duplicates}


# ---- what Loa shows -------------------------------------------------------------------------------------------


def commune_status(db: Session, now: datetime | None = None) -> list[dict]:
    """Per active commune: its devices, when one was last seen, its last play, and its state — "none" (no
    device), "offline" (no device seen for three polling intervals, at least 90 s), "silent" (no play reported
    for a day) or "ok"."""
    now = now or utcnow()
    beats = {b.device_id: b for b in db.scalars(select(DeviceBeat))}
    last_play = dict(db.execute(select(Play.commune_id, func.max(Play.ended_at)).group_by(Play.commune_id)).all())
    by_commune = defaultdict(list)
    for d in list_devices(db):
        if d.active:
            by_commune[d.commune_id].append(d)
    out = []
    for c in service.list_communes(db):
        devices = by_commune.get(c.id, [])
        seen = [(beats[d.id].seen_at, d) for d in devices if d.id in beats]
        online = [
            d for at, d in seen if now - at <= max(timedelta(seconds=d.poll_seconds * OFFLINE_POLLS), OFFLINE_MIN)
        ]
        played = last_play.get(c.id)
        if not devices:
            state = "none"
        elif not online:
            state = "offline"
        elif played is None or now - played > timedelta(hours=SILENT_HOURS):
            state = "silent"
        else:
            state = "ok"
        out.append(
            {
                "commune": c,
                "devices": len(devices),
                "online": len(online),
                "last_seen": max((at for at, _d in seen), default=None),
                "last_play": played,
                "state": state,
            }
        )
    return out


def play_totals(db: Session, since: datetime, until: datetime) -> list[dict]:
    """Per commune and item, plays reported in [since, until): how many, how many complete, total seconds."""
    rows = db.execute(
        select(Play.commune_id, Play.item_id, Play.started_at, Play.ended_at, Play.complete).where(
            Play.started_at >= since, Play.started_at < until
        )
    ).all()
    totals: dict[tuple[int, int], dict] = {}
    for commune_id, item_id, start, end, complete in rows:
        t = totals.setdefault((commune_id, item_id), {"plays": 0, "complete": 0, "seconds": 0.0})
        t["plays"] += 1
        t["complete"] += int(complete)
        t["seconds"] += (end - start).total_seconds()
    communes = {c.id: c for c in service.list_communes(db, active_only=False)}
    out = []
    for (commune_id, item_id), t in totals.items():
        item = service.content.get_item(db, item_id)
        out.append({"commune": communes[commune_id], "item": item, **t})
    return sorted(out, key=lambda r: (r["commune"].district, r["commune"].name, r["item"].title))


def confirmations(db: Session, item, since: datetime) -> list[dict]:
    """For an emergency item: every commune it targets, with the first complete play reported since ``since``
    (its language versions count), and the seconds from ``since`` until Loa received that report."""
    master = item.master or item
    ids = [master.id] + [v.id for v in master.variants]
    b = db.scalar(select(Broadcast).where(Broadcast.item_id == master.id))
    firsts = dict(
        db.execute(
            select(Play.commune_id, func.min(Play.received_at))
            .where(Play.item_id.in_(ids), Play.complete.is_(True), Play.started_at >= since - timedelta(minutes=5))
            .group_by(Play.commune_id)
        ).all()
    )
    communes = service.emergency_communes(db, b) if b is not None else []
    return [
        {
            "commune": c,
            "confirmed_at": firsts.get(c.id),
            "seconds": (firsts[c.id] - since).total_seconds() if c.id in firsts else None,
        }
        for c in communes
    ]


def local(at: datetime | None) -> datetime | None:
    return at.astimezone(LOCAL) if at else None

"""The loudspeakers over a period (hook ``period_figures``): communes that broadcast, airtime, silent communes.

Where players report (``devices.py``), the figures are the plays they reported by the end of the period (a report
received later does not change a past period); without any player registered then, they are what the schedule put
on the air: each loudspeaker publication of the period in every commune it reached, for its item's duration.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from loa.channels.models import Broadcast, BroadcastSlot, Commune, Device, Play
from loa.channels.service import estimated_seconds
from loa.clock import local_day_start, today_local
from loa.content.models import Channel, Schedule
from loa.i18n import N_
from loa.text import sort_by


def _play_seconds(db: Session):
    """A play's length in seconds, in SQL."""
    if db.get_bind().dialect.name == "sqlite":
        return (func.julianday(Play.ended_at) - func.julianday(Play.started_at)) * 86400
    return func.extract("epoch", Play.ended_at - Play.started_at)


def _reported(db: Session, since, until) -> dict[int, float]:
    """Seconds of plays per commune started in [since, until) and received before ``until``."""
    rows = db.execute(
        select(Play.commune_id, func.sum(_play_seconds(db)))
        .where(Play.started_at >= since, Play.started_at < until, Play.received_at < until)
        .group_by(Play.commune_id)
    )
    return {commune_id: float(seconds or 0) for commune_id, seconds in rows}


def _scheduled(db: Session, communes: list[Commune], since, until) -> dict[int, float]:
    """Seconds on the air per commune by the schedule: each loudspeaker slot published in [since, until) in the
    communes with broadcast times that it targets (an item on a commune's own channel plays there only)."""
    with_slots = set(db.scalars(select(BroadcastSlot.commune_id).distinct()))
    reached = [c for c in communes if c.id in with_slots]
    own = {c.channel_id: c for c in communes if c.channel_id is not None}
    published = list(
        db.scalars(
            select(Schedule)
            .join(Channel, Channel.id == Schedule.channel_id)
            .where(
                Channel.kind == "loudspeaker",
                Schedule.status == "published",
                Schedule.published_at >= since,
                Schedule.published_at < until,
                Schedule.updated_at < until,  # marked published by the end of the period
            )
            .options(joinedload(Schedule.item))
        )
    )
    ids = {s.item.master_id or s.item_id for s in published}
    broadcasts = {b.item_id: b for b in db.scalars(select(Broadcast).where(Broadcast.item_id.in_(ids)))} if ids else {}
    seconds: dict[int, float] = defaultdict(float)
    for s in published:
        b = broadcasts.get(s.item.master_id or s.item_id)
        targets = [own[s.channel_id]] if s.channel_id in own else reached
        length = estimated_seconds(s.item)
        for c in targets:
            if c.id in with_slots and (b is None or b.level == "emergency" or b.targets(c)):
                seconds[c.id] += length
    return seconds


def period_figures(db: Session, start: date, end: date) -> dict | None:
    """``{"section": "loudspeakers", ...}``: see ``docs/modules/situation.md``; None without a commune."""
    since, until = local_day_start(start), local_day_start(end + timedelta(days=1))
    communes = list(db.scalars(select(Commune).where(Commune.active.is_(True), Commune.created_at < until)))
    if not communes:
        return None
    with_device = set(
        db.scalars(select(Device.commune_id).where(Device.active.is_(True), Device.created_at < until).distinct())
    )
    from_devices = bool(with_device)
    seconds = _reported(db, since, until) if from_devices else _scheduled(db, communes, since, until)
    watched = [c for c in communes if c.id in with_device] if from_devices else communes
    return {
        "section": "loudspeakers",
        "order": 30,
        "title": N_("Loa truyền thanh cơ sở"),
        "as_of": min(end, today_local()).isoformat(),
        "url": "/loudspeakers/devices" if from_devices else "/loudspeakers",
        "communes": len(communes),
        "communes_broadcast": sum(1 for c in communes if seconds.get(c.id)),
        "airtime_minutes": round(sum(seconds.values()) / 60, 1),
        "silent_communes": [
            str(c) for c in sort_by((c for c in watched if not seconds.get(c.id)), lambda c: f"{c.district} {c.name}")
        ],
        "communes_without_device": len(communes) - len(watched),
        "device_reports": from_devices,
    }

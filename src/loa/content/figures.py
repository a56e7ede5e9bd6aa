"""What went out in a period (hook ``period_figures``): publications per channel against the channel's balance
targets, items per theme, the shares of epidemic and of hopeful content. A publication is a slot published in the
period (``published_at``), so later activity leaves a past period's figures as they were."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from loa.clock import local_day_start, today_local
from loa.content.models import Channel, ContentItem, Schedule, Theme, item_themes
from loa.i18n import N_


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _on_target(c: Channel, epidemic: float | None, hopeful: float | None) -> bool | None:
    """Whether the channel's period kept its balance targets (None: nothing to judge)."""
    if epidemic is None:
        return None
    ok = c.epidemic_min_pct / 100 <= epidemic <= c.epidemic_max_pct / 100
    return ok and (hopeful is None or hopeful >= c.hopeful_min_pct / 100)


def period_figures(db: Session, start: date, end: date) -> dict:
    """``{"section": "content", ...}``: see ``docs/modules/situation.md``."""
    since, until = local_day_start(start), local_day_start(end + timedelta(days=1))
    went_out = (  # marked published by the end of the period (a late due slot is dated when it was planned)
        Schedule.status == "published",
        Schedule.published_at >= since,
        Schedule.published_at < until,
        Schedule.updated_at < until,
    )
    rows = db.execute(
        select(
            Schedule.channel_id,
            func.count(Schedule.id),
            func.sum(case((ContentItem.epidemic_related.is_(True), 1), else_=0)),
            func.sum(case((ContentItem.tone == "hopeful", 1), else_=0)),
            func.sum(case((ContentItem.tone == "alarming", 1), else_=0)),
        )
        .join(ContentItem, ContentItem.id == Schedule.item_id)
        .where(*went_out)
        .group_by(Schedule.channel_id)
    ).all()
    counts = {r[0]: [int(x or 0) for x in r[1:]] for r in rows}
    channels = [c for c in db.scalars(select(Channel).order_by(Channel.name)) if c.active or c.id in counts]
    per_channel = []
    for c in channels:
        n, epidemic, hopeful, alarming = counts.get(c.id, [0, 0, 0, 0])
        shares = _share(epidemic, n), _share(hopeful, hopeful + alarming)
        per_channel.append(
            {
                "channel": c.name,
                "published": n,
                "epidemic": epidemic,
                "epidemic_share": shares[0],
                "hopeful_share": shares[1],
                "target": {
                    "epidemic_min": c.epidemic_min_pct / 100,
                    "epidemic_max": c.epidemic_max_pct / 100,
                    "hopeful_min": c.hopeful_min_pct / 100,
                },
                "on_target": _on_target(c, *shares),
            }
        )
    items = func.count(func.distinct(Schedule.item_id))
    themes = db.execute(
        select(Theme.name, items)
        .join(item_themes, item_themes.c.theme_id == Theme.id)
        .join(Schedule, Schedule.item_id == item_themes.c.item_id)
        .where(*went_out)
        .group_by(Theme.name)
        .order_by(items.desc(), Theme.name)
    ).all()
    total = [sum(v[i] for v in counts.values()) for i in range(4)]
    return {
        "section": "content",
        "order": 20,
        "title": N_("Nội dung đã đăng, phát"),
        "as_of": min(end, today_local()).isoformat(),
        "url": f"/content/balance?week={start.isoformat()}",
        "published": total[0],
        "items": int(db.scalar(select(items).where(*went_out)) or 0),
        "per_channel": per_channel,
        "per_theme": [{"theme": name, "published": int(n)} for name, n in themes],
        "epidemic_share": _share(total[1], total[0]),
        "hopeful_share": _share(total[2], total[2] + total[3]),
    }

"""The balance of each channel's week: how much is about the epidemic (by count and airtime) and how hopeful."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session

from loa.clock import local_day_start, week_start
from loa.content.channels import find_channel, list_channels
from loa.content.models import Channel
from loa.content.schedules import schedules_between
from loa.formats import vn_date, vn_number, vn_percent


@dataclass
class Balance:
    """One channel's week: shares of epidemic content (by count and by minutes) and of hopeful items."""

    channel: Channel
    week_start: date
    total: int = 0
    epidemic: int = 0
    seconds_total: int = 0
    seconds_epidemic: int = 0
    hopeful: int = 0
    neutral: int = 0
    alarming: int = 0
    warnings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def epidemic_pct(self) -> float | None:
        return 100.0 * self.epidemic / self.total if self.total else None

    @property
    def minutes_pct(self) -> float | None:
        return 100.0 * self.seconds_epidemic / self.seconds_total if self.seconds_total else None

    @property
    def hopeful_pct(self) -> float | None:
        """Hopeful items against hopeful plus alarming ones."""
        toned = self.hopeful + self.alarming
        return 100.0 * self.hopeful / toned if toned else None

    def as_dict(self) -> dict:
        return {
            "channel_id": self.channel.id,
            "channel": self.channel.name,
            "week_start": self.week_start.isoformat(),
            "total": self.total,
            "epidemic": self.epidemic,
            "epidemic_pct": self.epidemic_pct,
            "minutes_total": round(self.seconds_total / 60, 1),
            "minutes_epidemic": round(self.seconds_epidemic / 60, 1),
            "minutes_pct": self.minutes_pct,
            "hopeful": self.hopeful,
            "neutral": self.neutral,
            "alarming": self.alarming,
            "hopeful_pct": self.hopeful_pct,
            "targets": {
                "epidemic_min_pct": self.channel.epidemic_min_pct,
                "epidemic_max_pct": self.channel.epidemic_max_pct,
                "hopeful_min_pct": self.channel.hopeful_min_pct,
            },
            "warnings": [{"vi": vi, "en": en} for vi, en in self.warnings],
        }


def _pct(v: float) -> str:
    return vn_percent(v, 1)


def _pct_en(v: float) -> str:
    return f"{v:.1f}%"


def balance(db: Session, week: date, channel=None) -> list[Balance]:
    """For each active channel (or one), the balance of the local week containing ``week`` (missed slots did not
    go out and are not counted)."""
    start = week_start(week)
    channels = [find_channel(db, channel)] if channel is not None else list_channels(db)
    rows = {c.id: Balance(channel=c, week_start=start) for c in channels}
    for s in schedules_between(
        db, local_day_start(start), local_day_start(start + timedelta(days=7)), statuses=("planned", "published")
    ):
        row = rows.get(s.channel_id)
        if row is None:
            continue
        item = s.item
        row.total += 1
        row.epidemic += item.epidemic_related
        setattr(row, item.tone, getattr(row, item.tone) + 1)
        if row.channel.timed and item.duration_seconds:
            row.seconds_total += item.duration_seconds
            row.seconds_epidemic += item.duration_seconds if item.epidemic_related else 0
    for row in rows.values():
        _warn(row)
    return list(rows.values())


def _warn(row: Balance) -> None:
    c, week = row.channel, vn_date(row.week_start)
    lo, hi = c.epidemic_min_pct, c.epidemic_max_pct
    checks = [(row.epidemic_pct, f"{row.epidemic}/{row.total} bài", f"{row.epidemic}/{row.total} items", "")]
    if c.timed:
        epidemic_min, total_min = row.seconds_epidemic / 60, row.seconds_total / 60
        checks.append(
            (
                row.minutes_pct,
                f"{vn_number(epidemic_min, 1)}/{vn_number(total_min, 1)} phút",
                f"{epidemic_min:.1f}/{total_min:.1f} minutes",
                " theo thời lượng",
            )
        )
    for pct, count_vi, count_en, by in checks:
        if pct is None:
            continue
        en_by = " by airtime" if by else ""
        if pct > hi:
            row.warnings.append(
                (
                    f"{c.name}, tuần từ {week}: nội dung về dịch chiếm {_pct(pct)}{by} ({count_vi}), "
                    f"vượt mức tối đa {_pct(hi)}.",
                    f"{c.name}, week of {week}: epidemic content is {_pct_en(pct)}{en_by} ({count_en}), "
                    f"above the {_pct_en(hi)} maximum.",
                )
            )
        elif pct < lo:
            row.warnings.append(
                (
                    f"{c.name}, tuần từ {week}: nội dung về dịch chỉ chiếm {_pct(pct)}{by} ({count_vi}), "
                    f"dưới mức tối thiểu {_pct(lo)}.",
                    f"{c.name}, week of {week}: epidemic content is only {_pct_en(pct)}{en_by} "
                    f"({count_en}), below the {_pct_en(lo)} minimum.",
                )
            )
    if row.hopeful_pct is not None and row.hopeful_pct < c.hopeful_min_pct:
        row.warnings.append(
            (
                f"{c.name}, tuần từ {week}: bài tích cực chỉ chiếm {_pct(row.hopeful_pct)} "
                f"({row.hopeful} tích cực, {row.alarming} cảnh báo), dưới mức {_pct(c.hopeful_min_pct)}.",
                f"{c.name}, week of {week}: hopeful items are only {_pct_en(row.hopeful_pct)} "
                f"({row.hopeful} hopeful, {row.alarming} alarming), below {_pct_en(c.hopeful_min_pct)}.",
            )
        )

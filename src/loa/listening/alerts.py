"""Rising-topic alerts: each topic's count today against what its own recent days lead one to expect, and the
alerts that raises.

The expected count is the trailing baseline's mean times today's weekday factor (posts follow a weekly rhythm),
and the spread allowed around it is the baseline's own (a busy topic varies more than Poisson chance: quasi-Poisson
dispersion, read from the baseline's squared Pearson residuals with the largest tenth left out and the mean of the
rest scaled back up as for chi-square values). Today is rising when a
negative binomial with that mean and dispersion makes today's count or more rarer than ``alert_p_value``. As in
the CDC's EARS C-methods, the baseline skips the ``alert_guard_days`` just before today, so that the first days of
a rise do not hide the next ones.

The same test runs on each district's series of each topic (the stories naming the district): a district where a
topic rises gets its own alert, naming it, even while the province's total stays within its expectation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from scipy.stats import chi2, nbinom, poisson
from sqlalchemy import select
from sqlalchemy.orm import Session

from loa.errors import UserError
from loa.listening.config import ListeningSettings
from loa.listening.models import CIVIL_UNREST, Alert, DailyCount, Item
from loa.listening.topics import topics
from loa.listening.trends import daily_counts, days_between, has_topic, names_district

MIN_BASELINE_DAYS = 7
WEEKDAY_PRIOR = 2  # a weekday's factor counts as this many average days, so that four Mondays do not decide alone


def upper_tail(count: int, mean: float, dispersion: float = 1.0) -> float:
    """P(X ≥ count) for a count with this mean and variance ``dispersion × mean``: Poisson when the dispersion is
    1, else the negative binomial of that mean and variance."""
    if count <= 0:
        return 1.0
    if dispersion <= 1.0 + 1e-9:
        return float(poisson.sf(count - 1, mean))
    return float(nbinom.sf(count - 1, mean / (dispersion - 1.0), 1.0 / dispersion))


@dataclass(frozen=True)
class Expected:
    mean: float  # the baseline's plain mean
    weekday_factor: float
    count: float  # what today is expected to bring (mean × factor, at least 1)
    dispersion: float
    days: int


def expected(history: list[tuple[date, int]], day: date, settings: ListeningSettings) -> Expected | None:
    """What ``day`` should bring, from ``history`` (the days listening ran before ``day``, oldest first) minus the
    guard days; None with fewer than seven baseline days."""
    guard = day - timedelta(days=settings.alert_guard_days)
    base = [(d, n) for d, n in history if d < guard][-settings.baseline_days :]
    if len(base) < MIN_BASELINE_DAYS:
        return None
    mean = sum(n for _, n in base) / len(base)
    factors = [1.0] * 7
    if len(base) >= 14 and mean > 0:
        for weekday in range(7):
            same = [n for d, n in base if d.weekday() == weekday]
            factors[weekday] = (sum(same) + WEEKDAY_PRIOR * mean) / ((len(same) + WEEKDAY_PRIOR) * mean)
    squares = sorted((n - mean * factors[d.weekday()]) ** 2 / max(mean * factors[d.weekday()], 1.0) for d, n in base)
    kept = squares[: len(squares) - math.ceil(len(squares) / 10)]
    share = len(kept) / len(squares)  # the lower share of chi-square(1) values kept: their mean is lower by `bias`
    bias = chi2.cdf(chi2.ppf(share, 1), 3) / share
    dispersion = max(1.0, sum(kept) / len(kept) / bias)
    factor = factors[day.weekday()]
    return Expected(mean, factor, max(mean * factor, 1.0), dispersion, len(base))


def rising(history: list[tuple[date, int]], day: date, today: int, settings: ListeningSettings) -> dict | None:
    """The evidence that ``today``'s count on ``day`` rises above its expectation (see the module's docstring),
    or None. Also needs today ≥ alert_min_count and today ≥ alert_min_ratio × expected."""
    exp = expected(history, day, settings)
    if exp is None:
        return None
    p = upper_tail(today, exp.count, exp.dispersion)
    enough = today >= settings.alert_min_count and today >= settings.alert_min_ratio * exp.count
    if p < settings.alert_p_value and enough:
        return {
            "count": today,
            "baseline_mean": round(exp.mean, 2),
            "expected": round(exp.count, 2),
            "weekday_factor": round(exp.weekday_factor, 2),
            "dispersion": round(exp.dispersion, 2),
            "baseline_days": exp.days,
            "p_value": p,
            "ratio": round(today / exp.count, 2),
        }
    return None


def detect(db: Session, day: date, settings: ListeningSettings | None = None) -> list[Alert]:
    """Raise (or refresh) an alert for every alert-enabled subcategory rising on ``day``, in the province and in
    each district. Topic 37 never alerts."""
    settings = settings or ListeningSettings()
    start = day - timedelta(days=settings.baseline_days + settings.alert_guard_days)
    counts = daily_counts(db, start, day)
    window = [d for d in days_between(start, day - timedelta(days=1)) if (d, 0) in counts]  # days listening ran
    if len(window) < MIN_BASELINE_DAYS:
        return []
    by_district: dict[str, dict[tuple[date, int], int]] = {"": {k: c.items for k, c in counts.items()}}
    for d, n, district, items in db.execute(
        select(DailyCount.day, DailyCount.topic, DailyCount.district, DailyCount.items).where(
            DailyCount.day >= start, DailyCount.day <= day, DailyCount.district != "", DailyCount.language == ""
        )
    ):
        by_district.setdefault(district, {})[(d, n)] = items
    raised = []
    for n, topic in topics(db).items():
        if not topic.alerts or n == CIVIL_UNREST:
            continue
        for district, series in by_district.items():
            today = series.get((day, n), 0)
            history = [(d, series.get((d, n), 0)) for d in window]
            result = rising(history, day, today, settings)
            if result is not None:
                raised.append(_raise(db, n, day, district, history, result))
    db.flush()
    return raised


def _raise(db: Session, n: int, day: date, district: str, history: list, result: dict) -> Alert:
    """The alert of topic ``n`` on ``day`` (in ``district``, "" = the province), created or refreshed."""
    q = select(Item.id).where(Item.day == day, has_topic(n))
    if district:
        q = q.where(names_district(district))
    examples = list(db.scalars(q.order_by((Item.copies + Item.engagement).desc(), Item.id).limit(3)))
    evidence = {
        **result,
        "test": "negative_binomial_weekday",
        "series": [{"day": d.isoformat(), "count": c} for d, c in history],
        "examples": examples,
    }
    today = result["count"]
    alert = db.scalar(select(Alert).where(Alert.topic == n, Alert.day == day, Alert.district == district))
    if alert is None:
        alert = Alert(
            topic=n,
            day=day,
            district=district,
            count=today,
            baseline=result["baseline_mean"],
            p_value=result["p_value"],
            evidence=evidence,
        )
        db.add(alert)
    elif alert.count != today:
        alert.count, alert.baseline, alert.p_value, alert.evidence = (
            today,
            result["baseline_mean"],
            result["p_value"],
            evidence,
        )
    return alert


def alerts(db: Session, status: str | None = "open", limit: int = 50, district: str | None = None) -> list[Alert]:
    """Alerts, newest day first; ``district``: only the province's ("") or one district's (None: all)."""
    q = select(Alert).order_by(Alert.day.desc(), Alert.p_value)
    if status:
        q = q.where(Alert.status == status)
    if district is not None:
        q = q.where(Alert.district == district)
    return list(db.scalars(q.limit(limit)))


def get_alert(db: Session, alert_id: int) -> Alert:
    alert = db.get(Alert, alert_id)
    if alert is None:
        raise UserError("Không tìm thấy cảnh báo.", "No such alert.", 404)
    return alert


def close_alert(db: Session, alert: Alert) -> Alert:
    alert.status = "done"
    db.flush()
    return alert


def example_items(db: Session, ids: list[int]) -> list[Item]:
    """Stored examples (those past retention are gone); never for topic 37."""
    if not ids:
        return []
    found = {i.id: i for i in db.scalars(select(Item).where(Item.id.in_(ids)))}
    return [found[i] for i in ids if i in found and CIVIL_UNREST not in (found[i].subcategories or [])]

"""Rising-topic alerts: the Poisson test against each topic's trailing baseline, and the alerts it raises."""

from __future__ import annotations

import math
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa.errors import UserError
from loa.listening.config import ListeningSettings
from loa.listening.models import CIVIL_UNREST, Alert, Item
from loa.listening.topics import topics
from loa.listening.trends import daily_counts, days_between, has_topic


def poisson_sf(x: int, lam: float) -> float:
    """P(X ≥ x) for X ~ Poisson(lam), summed in log space (stable for large counts)."""
    if x <= 0:
        return 1.0
    log_terms = [k * math.log(lam) - lam - math.lgamma(k + 1) for k in range(x, x + 1000)]
    top = max(log_terms)
    return min(1.0, math.exp(top) * sum(math.exp(t - top) for t in log_terms))


def rising(series: list[int], today: int, settings: ListeningSettings) -> dict | None:
    """The stated test: today's count against a Poisson with the trailing baseline's mean (floor 1).
    Rising when P(X ≥ today) < alert_p_value, today ≥ alert_min_count and today ≥ alert_min_ratio × mean.
    Needs at least 7 baseline days."""
    if len(series) < 7:
        return None
    mean = sum(series) / len(series)
    lam = max(mean, 1.0)
    p = poisson_sf(today, lam)
    if p < settings.alert_p_value and today >= settings.alert_min_count and today >= settings.alert_min_ratio * lam:
        return {
            "count": today,
            "baseline_mean": round(mean, 2),
            "expected": round(lam, 2),
            "p_value": p,
            "ratio": round(today / lam, 2),
        }
    return None


def detect(db: Session, day: date, settings: ListeningSettings | None = None) -> list[Alert]:
    """Raise (or refresh) an alert for every alert-enabled subcategory rising on ``day``. Topic 37 never alerts."""
    settings = settings or ListeningSettings()
    start = day - timedelta(days=settings.baseline_days)
    counts = daily_counts(db, start, day)
    history_days = [d for d in days_between(start, day - timedelta(days=1)) if (d, 0) in counts]
    if len(history_days) < 7:
        return []
    window = days_between(start, day - timedelta(days=1))
    raised = []
    for n, topic in topics(db).items():
        if not topic.alerts or n == CIVIL_UNREST:
            continue
        today = counts[(day, n)].items if (day, n) in counts else 0
        series = [counts[(d, n)].items if (d, n) in counts else 0 for d in window]
        result = rising(series, today, settings)
        if result is None:
            continue
        examples = list(
            db.scalars(
                select(Item.id)
                .where(Item.day == day, has_topic(n))
                .order_by((Item.copies + Item.engagement).desc(), Item.id)
                .limit(3)
            )
        )
        evidence = {
            **result,
            "test": "poisson_upper_tail",
            "baseline_days": len(window),
            "series": [{"day": d.isoformat(), "count": c} for d, c in zip(window, series)],
            "examples": examples,
        }
        alert = db.scalar(select(Alert).where(Alert.topic == n, Alert.day == day))
        if alert is None:
            alert = Alert(
                topic=n,
                day=day,
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
        raised.append(alert)
    db.flush()
    return raised


def alerts(db: Session, status: str | None = "open", limit: int = 50) -> list[Alert]:
    q = select(Alert).order_by(Alert.day.desc(), Alert.p_value)
    if status:
        q = q.where(Alert.status == status)
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

"""How far listening's rising-topic alerts can be trusted: false alerts on flat series, days to the first alert on
real rises. The method the product uses (negative binomial over a weekday-adjusted 28-day baseline with 2 guard
days, `loa.listening.alerts`) against the plain Poisson test it replaced (14-day mean, no weekday, no guard), in the
same run.

    .venv/bin/python bench/listening_alerts.py [--json] [--days 365] [--seed 7]

- Flat series: 365 days of counts for topics of mean 0.5 to 80 posts a day, Poisson or overdispersed (variance 2 and
  4 times the mean), flat or with a weekly rhythm (Sundays × 1.8, Saturdays × 1.3, Mondays × 0.8). Every alert after a
  60-day warm-up is false. Target: ≤ 1 false alert per topic per month.
- Injected rises: the same series with the mean tripled from day 200: days to the first alert.
- Real rises: daily new cases from ../shared/data/vn-covid-stats (cumulative confirmed cases per province, 2021)
  used as a stand-in for a topic's daily volume, with documented turning points: Bắc Giang's industrial-park
  outbreak (first large day 9 May 2021), Hồ Chí Minh City's church cluster (27 May) and the July 2021 wave in the
  South (Hồ Chí Minh City's daily cases double from about 200 to 464 on 1 July; Directive 16 followed on 9 July).
  Target: the July 2021 rise in Hồ Chí Minh City flagged within 3 days. Also counted: alerts in the 30 days before
  each turning point.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from scipy.stats import poisson

from loa.listening.alerts import rising
from loa.listening.config import ListeningSettings

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "vn-covid-stats"
CASES = DATA / "vnexpress_timeseries-vietnam-provinces-confirmed-total.csv"
START = date(2021, 1, 4)  # a Monday
WEEKLY = {5: 1.3, 6: 1.8, 0: 0.8}
TURNING_POINTS = [
    ("Bắc Giang", date(2021, 5, 9), "industrial-park outbreak"),
    ("Hồ Chí Minh city", date(2021, 5, 27), "church cluster, Gò Vấp"),
    ("Hồ Chí Minh city", date(2021, 7, 1), "July 2021 wave in the South"),
]
SETTINGS = ListeningSettings()


def poisson_14(history: list[tuple[date, int]], day: date, today: int) -> bool:
    """The replaced rule: Poisson tail of today's count over the trailing 14 days' mean (floor 1)."""
    series = [n for _, n in history][-14:]
    if len(series) < 7:
        return False
    lam = max(sum(series) / len(series), 1.0)
    p = float(poisson.sf(today - 1, lam)) if today > 0 else 1.0
    return p < SETTINGS.alert_p_value and today >= SETTINGS.alert_min_count and today >= SETTINGS.alert_min_ratio * lam


def product(history: list[tuple[date, int]], day: date, today: int) -> bool:
    return rising(history, day, today, SETTINGS) is not None


METHODS = {"poisson_14 (before)": poisson_14, "nb_weekday (now)": product}


def alert_days(counts: list[int], days: list[date], method) -> list[int]:
    window = SETTINGS.baseline_days + SETTINGS.alert_guard_days
    out = []
    for i in range(len(counts)):
        history = list(zip(days[max(0, i - window) : i], counts[max(0, i - window) : i]))
        if method(history, days[i], counts[i]):
            out.append(i)
    return out


def simulate(rng, mean: float, dispersion: float, weekly: bool, days: int, rise_from: int | None = None) -> list[int]:
    out = []
    for i in range(days):
        d = START + timedelta(days=i)
        mu = mean * (WEEKLY.get(d.weekday(), 1.0) if weekly else 1.0) * (3.0 if rise_from and i >= rise_from else 1.0)
        if dispersion > 1:
            n = mu / (dispersion - 1)
            out.append(int(rng.negative_binomial(n, 1 / dispersion)))
        else:
            out.append(int(rng.poisson(mu)))
    return out


def synthetic(days: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    dates = [START + timedelta(days=i) for i in range(days)]
    shapes = [(m, k, w) for m in (0.5, 2, 5, 20, 80) for k in (1, 2, 4) for w in (False, True)]
    flat, rises = {name: [] for name in METHODS}, {name: [] for name in METHODS}
    for mean, dispersion, weekly in shapes:
        series = simulate(rng, mean, dispersion, weekly, days)
        raised = simulate(rng, mean, dispersion, weekly, days, rise_from=200)
        for name, method in METHODS.items():
            false = [i for i in alert_days(series, dates, method) if i >= 60]
            flat[name].append({"mean": mean, "dispersion": dispersion, "weekly": weekly, "alerts": len(false)})
            first = [i - 200 for i in alert_days(raised, dates, method) if i >= 200]
            rises[name].append(first[0] if first else None)
    months = (days - 60) / 30
    summary = {}
    for name in METHODS:
        rows = flat[name]
        per_topic_month = [r["alerts"] / months for r in rows]
        delays = [d for d in rises[name] if d is not None]
        summary[name] = {
            "false_alerts_per_topic_month_mean": round(sum(per_topic_month) / len(rows), 3),
            "false_alerts_per_topic_month_max": round(max(per_topic_month), 3),
            "worst_topic": max(rows, key=lambda r: r["alerts"]),
            "tripled_rises_found": f"{len(delays)}/{len(rises[name])}",
            "days_to_alert_median": float(np.median(delays)) if delays else None,
        }
    return summary


def real() -> dict | None:
    if not CASES.exists():
        return None
    rows = list(csv.DictReader(CASES.open(encoding="utf-8")))
    dates = [date.fromisoformat(r["date"]) for r in rows]
    out = {}
    for province, turn, what in TURNING_POINTS:
        totals = [int(r[province]) for r in rows]
        daily = [0] + [max(b - a, 0) for a, b in zip(totals, totals[1:])]
        key = f"{province} {turn.isoformat()} ({what})"
        out[key] = {}
        for name, method in METHODS.items():
            alerts = [dates[i] for i in alert_days(daily, dates, method)]
            after = [d for d in alerts if d >= turn]
            before = [d for d in alerts if turn - timedelta(days=30) <= d < turn]
            out[key][name] = {
                "days_to_first_alert": (after[0] - turn).days if after else None,
                "alerts_30_days_before": len(before),
            }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    result = {"synthetic": synthetic(args.days, args.seed), "real": real()}
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1, default=str)
        print()
        return
    print("Flat series (30 shapes × 365 days, false alerts after a 60-day warm-up) and tripled rises from day 200")
    print(f"{'method':22} {'false/topic-month':>18} {'worst topic':>12} {'rises found':>12} {'days to alert':>14}")
    for name, s in result["synthetic"].items():
        print(
            f"{name:22} {s['false_alerts_per_topic_month_mean']:>18} {s['false_alerts_per_topic_month_max']:>12} "
            f"{s['tripled_rises_found']:>12} {s['days_to_alert_median']!s:>14}"
        )
    if result["real"] is None:
        print(f"\nReal series: {CASES} not found (development data), skipped.")
        return
    print("\nReal rises (daily new cases as topic volume): days from the turning point to the first alert")
    for key, methods in result["real"].items():
        print(key)
        for name, r in methods.items():
            print(
                f"  {name:22} first alert after {r['days_to_first_alert']} d; alerts in 30 d before: "
                f"{r['alerts_30_days_before']}"
            )


if __name__ == "__main__":
    main()

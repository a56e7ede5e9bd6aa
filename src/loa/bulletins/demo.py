"""Demo data of our own making: a synthetic but plausible September–October 2021 wave for Trà Vinh (cases,
recoveries, deaths, first and second vaccine doses) and case counts for the other Mekong Delta provinces,
imported through the ordinary validated import, then the last two days' bulletins handed to the content workflow:
the one before approved (citizens read it on the public home page), the last one awaiting review."""

from __future__ import annotations

import csv
import io
import math
import random
from datetime import date, timedelta

from loa.bulletins import service
from loa.bulletins.gazetteer import gazetteer
from loa.content import service as content

START, DAYS = date(2021, 9, 1), 61  # 1 September – 31 October 2021


def _wave(rng: random.Random, scale: float) -> list[int]:
    """Daily new cases: a tail of the summer wave, then an October rise, with day-to-day noise."""
    out = []
    for t in range(DAYS):
        base = 14 * math.exp(-t / 12) + 3 + 75 / (1 + math.exp(-(t - 44) / 5))
        out.append(max(0, round(base * scale * rng.uniform(0.6, 1.4))))
    return out


def _logistic(t: int, low: float, high: float, mid: float, width: float) -> float:
    return low + (high - low) / (1 + math.exp(-(t - mid) / width))


def demo_csv(province: str = "84") -> bytes:
    """The demo statistics as a long-form CSV (cumulative values), as a health department would send it."""
    rng = random.Random(2021)
    g = gazetteer()
    home = g.get(province)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["ngay", "tinh", "ca_mac", "khoi_benh", "tu_vong", "mui_1", "mui_2"])
    daily = _wave(rng, 1.0)
    cases, recovered, deaths = 1240, 1105, 9
    for t in range(DAYS):
        day = START + timedelta(days=t)
        cases += daily[t]
        recovered += round(daily[t - 12] * rng.uniform(0.85, 1.0)) if t >= 12 else rng.randint(8, 20)
        deaths += 1 if rng.random() < 0.12 else 0
        dose1 = round(home.population * _logistic(t, 0.22, 0.81, 28, 8) / 100) * 100
        dose2 = round(home.population * _logistic(t, 0.04, 0.52, 42, 9) / 100) * 100
        w.writerow([day.isoformat(), home.name, cases, min(recovered, cases), deaths, dose1, dose2])
    for other in g.region_provinces(home.region):
        if other.code == home.code:
            continue
        series = _wave(rng, other.population / home.population * rng.uniform(0.4, 1.8))
        total = rng.randint(800, 9000)
        for t in range(DAYS):
            total += series[t]
            w.writerow([(START + timedelta(days=t)).isoformat(), other.name, total, "", "", "", ""])
    return buf.getvalue().encode("utf-8")


def seed(db, ctx) -> None:
    home = service.home_unit(ctx.province.name)
    if home is None:
        return
    author = ctx.users.get("coordinator")
    service.import_stats(db, demo_csv(home.code), "so-lieu-mau-dbscl-2021.csv", accepted=True, user=author)
    earlier = service.save_bulletin(db, home, START + timedelta(days=DAYS - 2), author, settings=ctx.settings)
    reviewer = ctx.users.get("reviewer")
    if reviewer is not None:  # yesterday's bulletin approved: the public home page shows it
        content.approve(db, content.get_item(db, earlier.content_item_id), reviewer, "Số liệu khớp báo cáo ngày.")
    service.save_bulletin(db, home, START + timedelta(days=DAYS - 1), author, settings=ctx.settings)

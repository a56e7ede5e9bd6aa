"""Bulletin charts with matplotlib (Agg, no display): daily cases with the 7-day average, vaccination coverage.
Each renders to PNG or SVG bytes."""

from __future__ import annotations

import io
from datetime import date, timedelta

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from loa.bulletins.gazetteer import Unit  # noqa: E402
from loa.bulletins.stats import moving_average, series  # noqa: E402
from loa.errors import UserError  # noqa: E402
from loa.formats import vn_number  # noqa: E402

CHARTS = ("cases", "vaccination")
TITLES = {"cases": "Ca mắc mới theo ngày", "vaccination": "Tỷ lệ dân số được tiêm vắc xin"}
FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
DAYS = 60
BRAND, OK, MUTED = "#b3261e", "#1b7f3b", "#5b6b76"

matplotlib.rcParams["svg.fonttype"] = "none"  # keep text as text: readable and searchable in the SVG
matplotlib.rcParams["font.family"] = ["DejaVu Sans"]
matplotlib.rcParams["svg.hashsalt"] = "loa"  # identical input, identical SVG


def _figure(title: str) -> tuple[Figure, object]:
    fig = Figure(figsize=(8, 4.2), dpi=110, layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=12, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: vn_number(v)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d/%m"))
    ax.grid(axis="y", color="#e3e8ec")
    return fig, ax


def _bytes(fig: Figure, fmt: str) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buf.getvalue()


def cases_chart(db: Session, unit: Unit, day: date, fmt: str = "png", days: int = DAYS) -> bytes:
    """Bars of daily new cases over ``days`` days up to ``day``, with the 7-day average as a line."""
    points = series(db, unit.code, "cases", until=day)
    daily = {p.day: p.daily for p in points}
    start = day - timedelta(days=days - 1)
    shown = [d for d in sorted(daily) if d >= start and daily[d] is not None]
    fig, ax = _figure(f"{TITLES['cases']} — {unit.name}")
    ax.bar(shown, [daily[d] for d in shown], color="#f0b5b1", label="Ca mắc mới", width=0.8)
    avg = [(d, moving_average(daily, d)) for d in sorted(daily) if d >= start]
    avg = [(d, v) for d, v in avg if v is not None]
    if avg:
        ax.plot([d for d, _v in avg], [v for _d, v in avg], color=BRAND, linewidth=2, label="Trung bình 7 ngày")
    if not shown:
        ax.text(0.5, 0.5, "Chưa có số liệu", transform=ax.transAxes, ha="center", color=MUTED)
    ax.legend(loc="upper left", frameon=False)
    return _bytes(fig, fmt)


def vaccination_chart(db: Session, unit: Unit, day: date, fmt: str = "png") -> bytes:
    """Share of the population with at least one dose and with two doses, over time."""
    fig, ax = _figure(f"{TITLES['vaccination']} — {unit.name}")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: vn_number(v) + "%"))
    drawn = False
    for metric, label, color, style in (
        ("vaccinated_1", "Ít nhất 1 mũi", OK, "-"),
        ("vaccinated_2", "Đủ 2 mũi", "#0b5cad", "--"),
    ):
        points = [p for p in series(db, unit.code, metric, until=day) if p.total is not None]
        if points and unit.population:
            ax.plot(
                [p.day for p in points],
                [p.total * 100 / unit.population for p in points],
                style,
                color=color,
                linewidth=2,
                label=label,
            )
            drawn = True
    ax.set_ylim(0, 100)
    if drawn:
        ax.legend(loc="upper left", frameon=False)
    else:
        ax.text(0.5, 0.5, "Chưa có số liệu tiêm chủng", transform=ax.transAxes, ha="center", color=MUTED)
        ax.set_xticks([])
    return _bytes(fig, fmt)


def render(db: Session, unit: Unit, day: date, chart: str, fmt: str) -> bytes:
    if chart not in CHARTS or fmt not in FORMATS:
        raise UserError("Không có biểu đồ này.", "No such chart.", 404)
    return cases_chart(db, unit, day, fmt) if chart == "cases" else vaccination_chart(db, unit, day, fmt)


def images(db: Session, unit: Unit, day: date) -> list[tuple[str, bytes]]:
    """Every chart of a bulletin as PNG, named by its title (the name is its caption wherever it is shown)."""
    return [(f"{TITLES[chart]} — {unit.name}.png", render(db, unit, day, chart, "png")) for chart in CHARTS]

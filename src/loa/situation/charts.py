"""Charts of the situation room and the periodic report: inline SVG for the page (colours and sizes as attributes,
no style: the CSP allows no inline style), PNG through matplotlib for DOCX and PDF (as ``bulletins.charts``)."""

from __future__ import annotations

import io
from html import escape

from loa import formats

BRAND, BLUE, GREEN, MUTED, GRID = "#b3261e", "#0b5cad", "#1b7f3b", "#5b6b76", "#e3e8ec"


def _label(text: str, size: int) -> str:
    return escape(text if len(text) <= size else text[: size - 1] + "…")


def bars(
    rows: list[dict], top: float | None = None, unit: str = "", width: int = 640, fmt=formats, title: str = ""
) -> str:
    """Horizontal bars ``{"label", "value", "url"?, "target"?}`` (a target is drawn as a tick), each a link to its
    detail when it has an ``url``."""
    if not rows:
        return ""
    bar, gap, label_w = 18, 8, 230
    top = top or max([r["value"] or 0 for r in rows] + [r.get("target") or 0 for r in rows]) or 1
    room = width - label_w - 70
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {len(rows) * (bar + gap)}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, r in enumerate(rows):
        y, value = i * (bar + gap), r["value"] or 0
        w = room * min(value, top) / top
        row = (
            f'<text x="0" y="{y + 13}" font-size="12">{_label(str(r["label"]), 34)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{room}" height="{bar}" fill="{GRID}"></rect>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar}" fill="{BRAND}"></rect>'
            f'<text x="{label_w + room + 6}" y="{y + 13}" font-size="12">{fmt.vn_number(value)}{unit}</text>'
        )
        if r.get("target"):
            x = label_w + room * min(r["target"], top) / top
            row += f'<line x1="{x:.1f}" y1="{y - 2}" x2="{x:.1f}" y2="{y + bar + 2}" stroke="#222"></line>'
        if r.get("url"):
            row = f'<a href="{escape(r["url"])}">{row}</a>'
        parts.append(row)
    parts.append("</svg>")
    return "".join(parts)


def line(
    values: list[float | None], labels: list[str], width: int = 300, height: int = 110, fmt=formats, title: str = ""
) -> str:
    """A small trend line over periods (``labels`` under the first and last), the last value printed."""
    known = [v for v in values if v is not None]
    if len(values) < 2 or not known:
        return ""
    left, right, bottom, top_pad = 6, 50, 18, 8
    top = max(known) or 1
    step = (width - left - right) / (len(values) - 1)

    def y(v: float) -> float:
        return height - bottom - (height - bottom - top_pad) * v / top

    points = [(left + i * step, y(v)) for i, v in enumerate(values) if v is not None]
    path = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in points)
    last_x, last_y = points[-1]
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        'xmlns="http://www.w3.org/2000/svg">'
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#999"></line>'
        f'<polyline fill="none" stroke="{BLUE}" stroke-width="2" points="{path}"></polyline>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="3.5" fill="{BRAND}"></circle>'
        f'<text x="{last_x + 6:.1f}" y="{last_y + 4:.1f}" font-size="12">{fmt.vn_number(known[-1])}</text>'
        f'<text x="{left}" y="{height - 4}" font-size="10" fill="{MUTED}">{escape(labels[0])}</text>'
        f'<text x="{width - right}" y="{height - 4}" font-size="10" fill="{MUTED}" text-anchor="end">'
        f"{escape(labels[-1])}</text></svg>"
    )


def pair(
    now: float | None, before: float | None, width: int = 200, fmt=formats, unit: str = "", title: str = ""
) -> str:
    """Two bars, this period and the previous one, for a cell of the per-district grid."""
    top = max(now or 0, before or 0) or 1
    room = width - 70
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} 40" role="img" aria-label="{escape(title)}" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (value, color) in enumerate(((now, BRAND), (before, "#c9d1d8"))):
        w = room * (value or 0) / top
        parts.append(
            f'<rect x="0" y="{i * 20 + 2}" width="{w:.1f}" height="14" fill="{color}"></rect>'
            f'<text x="{w + 4:.1f}" y="{i * 20 + 13}" font-size="11">'
            f"{'—' if value is None else fmt.vn_number(value) + unit}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


# ---- PNG for the documents -----------------------------------------------------------------------------------


def _figure(title: str, height: float):
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["font.family"] = ["DejaVu Sans"]
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, height), dpi=110, layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=12, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def png_bars(title: str, labels: list[str], values: list[float], top: float | None = None, unit: str = "") -> bytes:
    """Horizontal bars (per agency, per channel) as PNG."""
    fig, ax = _figure(title, max(2.0, 0.9 + 0.32 * len(labels)))
    shown = [lbl if len(lbl) <= 45 else lbl[:44] + "…" for lbl in labels]
    ax.barh(range(len(values)), values, color=BRAND, height=0.6)
    ax.set_yticks(range(len(values)), shown, fontsize=9)
    ax.invert_yaxis()
    if top:
        ax.set_xlim(0, top)
    for i, v in enumerate(values):
        ax.text(v, i, f" {formats.vn_number(v)}{unit}", va="center", fontsize=9)
    ax.grid(axis="x", color=GRID)
    return _png(fig)


def png_trends(title: str, labels: list[str], series: dict[str, list[float | None]]) -> bytes:
    """Small multiples: one trend line per figure over the periods ``labels``, as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    names = list(series)
    cols = 3
    rows = (len(names) + cols - 1) // cols or 1
    fig = Figure(figsize=(8, 1.9 * rows + 0.4), dpi=110)  # fixed margins: a constrained layout costs a second
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.08, top=0.86, wspace=0.3, hspace=0.55)
    fig.suptitle(title, fontsize=12, x=0.01, ha="left")
    for i, name in enumerate(names):
        ax = fig.add_subplot(rows, cols, i + 1)
        points = [(x, v) for x, v in enumerate(series[name]) if v is not None]
        if points:
            ax.plot([x for x, _v in points], [v for _x, v in points], color=BLUE, linewidth=2, marker="o", markersize=3)
        ax.set_title(name if len(name) <= 34 else name[:33] + "…", fontsize=9, loc="left")
        ax.set_xticks([0, len(labels) - 1], [labels[0], labels[-1]], fontsize=7)
        ax.tick_params(axis="y", labelsize=7)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_ylim(bottom=0)
    return _png(fig)

"""Charts rendered for real: PNG decoded back to pixels, SVG parsed as XML with its Vietnamese labels."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import date

import matplotlib.image as mpimg
import numpy as np

from loa.bulletins import charts
from loa.bulletins.gazetteer import gazetteer
from tests.bulletins.conftest import to_csv

DAY = date(2021, 10, 25)
SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: bytes) -> str:
    root = ET.fromstring(svg)
    return " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))


def test_daily_cases_chart_png_and_svg(real_data):
    unit = gazetteer().get("84")
    png = charts.render(real_data, unit, DAY, "cases", "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = mpimg.imread(io.BytesIO(png), format="png")
    assert pixels.shape[0] > 300 and pixels.shape[1] > 600
    assert np.unique(pixels.reshape(-1, pixels.shape[2]), axis=0).shape[0] > 10  # not a blank image
    svg = charts.render(real_data, unit, DAY, "cases", "svg")
    labels = texts(svg)
    assert "Ca mắc mới theo ngày — Trà Vinh" in labels and "Trung bình 7 ngày" in labels
    root = ET.fromstring(svg)
    bars = [p for p in root.iter(f"{SVG}g") if (p.get("id") or "").startswith("patch_")]
    assert len(bars) >= 60  # one bar per day of the 60 shown (plus the frame)
    assert charts.render(real_data, unit, DAY, "cases", "svg") == svg  # deterministic


def test_vaccination_chart_with_and_without_data(db, real_data):
    unit = gazetteer().get("84")
    empty = texts(charts.render(real_data, unit, DAY, "vaccination", "svg"))
    assert "Chưa có số liệu tiêm chủng" in empty
    rows = [
        ["ngay", "tinh", "mui_1", "mui_2"],
        ["2021-10-24", "Trà Vinh", 600_000, 250_000],
        ["2021-10-25", "Trà Vinh", 606_000, 260_000],
    ]
    from loa.bulletins import service

    service.import_stats(db, to_csv(rows), "vac.csv")
    labels = texts(charts.render(db, unit, DAY, "vaccination", "svg"))
    assert "Ít nhất 1 mũi" in labels and "Đủ 2 mũi" in labels and "60%" in labels
    assert charts.render(db, unit, DAY, "vaccination", "png")[:4] == b"\x89PNG"

"""The home page's situation card dates every figure and marks old ones (issue 16, item 6)."""

from datetime import UTC, datetime

from loa import clock


def card(html: str) -> str:
    return html.split("Tình hình dịch")[1].split("Xem trang tình hình dịch")[0]


def test_every_figure_carries_its_day_and_old_ones_are_marked(login, real_data, monkeypatch):
    viewer = login("viewer")
    today = card(viewer.get("/").text)  # the data end on 25/10/2021: long ago
    assert "số liệu ngày 25/10/2021" in today and 'data-testid="stale-cases"' in today and "số liệu cũ" in today
    with clock.frozen(datetime(2021, 10, 27, 9, tzinfo=UTC)):  # two days later: still current
        fresh = card(viewer.get("/").text)
    assert "số liệu ngày 25/10/2021" in fresh and "số liệu cũ" not in fresh
    monkeypatch.setenv("LOA_BULLETINS_STALE_DAYS", "1")
    with clock.frozen(datetime(2021, 10, 27, 9, tzinfo=UTC)):
        assert 'data-testid="stale-cases"' in card(viewer.get("/").text)

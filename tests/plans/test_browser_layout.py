"""Real browser: a figure's label stays beside its value (entering and reading a report) on a phone and a desktop;
the progress chart shows long agency names whole; the coordinator dates the undated tasks on one screen."""

import pytest

from loa.plans import service
from tests.conftest import browser_login

pytestmark = pytest.mark.browser

WIDTHS = [375, 1280]
LONG = "Số tin, bài tuyên truyền về tiêm chủng đăng trên trang thông tin điện tử của huyện"


def _same_row(left: dict, right: dict) -> bool:
    """``right`` sits to the right of ``left``, its top within ``left``'s first line."""
    return left["x"] + left["width"] <= right["x"] + 1 and left["y"] - 2 <= right["y"] <= left["y"] + 24


@pytest.mark.parametrize("width", WIDTHS)
def test_figure_labels_stay_beside_their_values(live_server, page, db, settings, people, seed_plan, width):
    task = seed_plan.groups[4].tasks[0]
    figures = {LONG: "12.500", "Lượt nghe": "340", "Chi phí (đồng)": "1,5 triệu"}
    service.add_report(db, settings, task, people["coordinator"], "Kết quả tháng 9", figures=figures)
    db.commit()
    page.set_viewport_size({"width": width, "height": 900})
    browser_login(page, live_server, "coordinator")
    page.goto(f"{live_server}/plans/tasks/{task.id}")
    pairs = page.locator("[data-testid=figure-pair]")
    assert pairs.count() == 3
    for i in range(3):
        label = pairs.nth(i).locator(f"input[name=figure_label_{i}]").bounding_box()
        value = pairs.nth(i).locator(f"input[name=figure_value_{i}]").bounding_box()
        assert _same_row(label, value), (width, i, label, value)
        assert value["width"] >= 80  # room for "1,5 triệu"
    shown = page.locator("[data-testid=figure]")
    assert shown.count() == 3
    for i in range(3):
        dt, dd = shown.nth(i).locator("dt").bounding_box(), shown.nth(i).locator("dd").bounding_box()
        assert _same_row(dt, dd), (width, i, dt, dd)
    assert shown.nth(0).locator("dd").inner_text() == "12.500"
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling


@pytest.mark.parametrize("width", WIDTHS)
def test_chart_labels_are_whole(live_server, page, seed_plan, width):
    page.set_viewport_size({"width": width, "height": 900})
    browser_login(page, live_server, "coordinator")
    page.goto(f"{live_server}/plans/{seed_plan.id}")
    names = [r.locator("td").first.inner_text() for r in page.locator("[data-testid=agency-row]").all()]
    assert "Ban Chỉ đạo công tác thông tin đối ngoại tỉnh" in names
    labels = page.locator("[data-testid=chart] [data-testid=chart-label]")
    shown = [" ".join(t.text_content() for t in label.locator("tspan").all()) for label in labels.all()]
    assert shown == names  # every word whole, none cut
    assert any(len(label.locator("tspan").all()) > 1 for label in labels.all())  # the long one wraps
    right = page.evaluate(
        "Math.max(...[...document.querySelectorAll('[data-testid=chart-label]')]"
        ".map(t => t.getBBox().x + t.getBBox().width))"
    )
    assert right <= 248  # the label column ends before the bars (at 250)


def test_coordinator_dates_the_rest_on_one_screen(live_server, page, db, seed_plan):
    browser_login(page, live_server, "coordinator")
    page.goto(f"{live_server}/plans/{seed_plan.id}")
    link = page.locator("[data-testid=undated-link]")
    assert link.inner_text() == "25 nhiệm vụ chưa có hạn"
    link.click()
    rows = page.locator("[data-testid=dating-row]")
    assert rows.count() == 25
    rows.nth(0).locator("input[type=date]").fill("2030-09-30")
    rows.nth(1).locator("select").select_option("weekly")
    rows.nth(2).locator("input[type=date]").fill("2020-01-01")  # before the start: refused, nothing saved
    page.click("[data-testid=dating-save]")
    assert "Chưa lưu gì" in page.inner_text("[data-testid=problems]")
    assert page.locator("[data-testid=row-error]").count() == 1
    assert rows.count() == 25
    rows.nth(2).locator("input[type=date]").fill("")
    page.click("[data-testid=dating-save]")
    assert page.inner_text("[data-testid=saved]") == "Đã lưu hạn cho 2 nhiệm vụ."
    assert page.locator("[data-testid=dating-row]").count() == 23
    db.expire_all()
    dated = [(t.due_on, t.recurrence) for t in service.get_plan(db, seed_plan.id).tasks if t.due_on or t.recurrence]
    assert sorted(r for _d, r in dated) == ["", "ongoing", "weekly"]

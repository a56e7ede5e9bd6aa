"""Real browser: import the seed plan through the web UI, confirm, see the 9 agency groups and their tasks;
an agency member files a progress report from a phone-sized screen."""

import pytest

from tests.conftest import ARTIFACTS, browser_login
from tests.plans.encoders import SEED

pytestmark = pytest.mark.browser


def test_import_seed_through_the_web(live_server, page, registry):
    browser_login(page, live_server, "coordinator")
    page.goto(live_server + "/plans")
    page.set_input_files("[data-testid=import-form] input[type=file]", str(SEED))
    page.click("[data-testid=import-form] button[type=submit]")
    page.wait_for_selector("[data-testid=confirm]")
    assert page.locator("[data-testid=preview-group]").count() == 9
    assert page.inner_text("[data-testid=count-duties]").endswith("26")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "plans-preview.png"), full_page=True)
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=chart]")
    groups = page.locator("[data-testid=group]")
    assert groups.count() == 9
    assert groups.nth(7).inner_text() == "8. Báo Trà Vinh, Đài Phát thanh - Truyền hình Trà Vinh"
    assert page.locator("[data-testid=task-row]").count() == 26
    page.screenshot(path=str(ARTIFACTS / "plans-overview.png"), full_page=True)


def test_member_reports_progress_on_a_phone(live_server, page, seed_plan):
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, live_server, "agency-member")
    page.goto(live_server + "/plans/my")
    rows = page.locator("[data-testid=task-row]")
    assert rows.count() == 2
    rows.first.locator("a").click()
    page.fill("[data-testid=report-form] textarea[name=text]", "Đã đăng 12 tin, bài khuyến cáo.")
    page.select_option("[data-testid=report-form] select[name=status]", "in_progress")
    page.click("[data-testid=report-form] button[type=submit]")
    page.wait_for_selector("[data-testid=report]")
    assert page.inner_text("[data-testid=task-status]") == "Đang thực hiện"
    assert "Đã đăng 12 tin, bài khuyến cáo." in page.inner_text("[data-testid=report]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400  # no sideways scrolling on a phone

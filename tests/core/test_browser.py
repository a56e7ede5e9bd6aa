import pytest

from tests.conftest import ARTIFACTS, browser_login

pytestmark = pytest.mark.browser


def test_coordinator_logs_in_switches_language_and_logs_out(live_server, page, people):
    browser_login(page, live_server, "coordinator")
    assert page.locator("h1").inner_text() == "Bảng điều hành"
    assert page.locator("html").get_attribute("lang") == "vi"
    page.click("[data-testid=lang-en]")
    page.wait_for_selector("h1:text('Dashboard')")
    assert page.locator("html").get_attribute("lang") == "en"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-en.png"), full_page=True)
    page.click("[data-testid=logout]")
    page.wait_for_url("**/login")
    assert page.locator("h1").inner_text() == "Log in"
    page.goto(live_server + "/")  # the citizens' home page, with the staff's way in
    assert page.locator("[data-testid=public-nav]").is_visible()
    page.click("[data-testid=staff-login]")
    page.wait_for_url("**/login")

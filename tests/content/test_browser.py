"""In a real browser: an editor writes an item and sends it for review, a health reviewer approves it, the editor
schedules it on the portal, sees it on the calendar, marks it published and finds it on the public news page."""

import re
from datetime import datetime

import pytest

from loa.content import service
from loa.formats import LOCAL
from tests.conftest import ARTIFACTS, browser_login

pytestmark = pytest.mark.browser


def test_write_review_approve_schedule_publish(live_server, page, people, db):
    portal = service.create_channel(db, "Cổng thông tin điện tử tỉnh", "portal")
    db.commit()
    browser_login(page, live_server, "editor")
    page.goto(live_server + "/content")
    page.click("[data-testid=new-item]")
    page.fill("input[name=title]", "Tiêm vắc xin mũi 3 cho người cao tuổi ở Càng Long")
    page.select_option("select[name=kind]", "article")
    page.fill(
        "textarea[name=body]", "Từ thứ Hai, các trạm y tế xã ở Càng Long tiêm mũi 3.\n\n<b>Mang theo</b> giấy hẹn."
    )
    page.check("input[name=audiences][value=elderly]")
    page.check(f"input[name=channels][value='{portal.id}']")
    page.check("input[name=states_health_facts]")
    page.select_option("select[name=tone]", "hopeful")
    page.click("[data-testid=item-form] button[type=submit]")
    page.wait_for_url(re.compile(r".*/content/\d+$"))
    item_url = page.url
    assert page.inner_text("[data-testid=item-state]") == "Nháp"
    assert "<b>Mang theo</b>" in page.inner_text("[data-testid=item-body]")  # shown as text, not markup
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=item-state]:text('Chờ duyệt')")
    assert page.locator("[data-testid=approve]").count() == 0  # an editor cannot approve
    page.click("[data-testid=logout]")

    browser_login(page, live_server, "reviewer")
    page.goto(live_server + "/")
    assert page.inner_text("[data-testid=panel-review-count]") == "1"
    page.goto(item_url)
    page.fill("form[action$='/approve'] input[name=note]", "Số liệu khớp với báo cáo của Sở Y tế.")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=item-state]:text('Đã duyệt')")
    page.click("[data-testid=logout]")

    browser_login(page, live_server, "editor")
    page.goto(item_url)
    today = datetime.now(LOCAL).date()
    page.select_option("[data-testid=schedule-form] select[name=channel_id]", str(portal.id))
    page.fill("[data-testid=schedule-form] input[name=at]", f"{today.isoformat()}T23:30")
    page.click("[data-testid=schedule-form] button[type=submit]")
    page.wait_for_selector("[data-testid=item-state]:text('Đã lên lịch')")
    page.goto(f"{live_server}/calendar?day={today.isoformat()}&channel={portal.id}")
    entry = page.locator("[data-testid=cal-entry]", has_text="Tiêm vắc xin mũi 3 cho người cao tuổi ở Càng Long")
    assert entry.count() == 1 and "23:30" in entry.inner_text() and "Dự kiến" in entry.inner_text()
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.screenshot(path=str(ARTIFACTS / "content-calendar-phone.png"), full_page=True)
    assert entry.is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(item_url)
    page.click("form[action$='/publish'] button:text('Đánh dấu đã đăng')")
    page.wait_for_selector("[data-testid=item-state]:text('Đã đăng')")
    page.goto(f"{live_server}/calendar?day={today.isoformat()}")
    assert "Đã đăng" in page.locator("[data-testid=cal-entry]").first.inner_text()
    page.click("[data-testid=logout]")
    page.goto(live_server + "/tin-tuc")
    page.click("text=Tiêm vắc xin mũi 3 cho người cao tuổi ở Càng Long")
    page.wait_for_url(re.compile(r".*/tin-tuc/tiem-vac-xin-mui-3.*"))
    assert "giấy hẹn" in page.content()

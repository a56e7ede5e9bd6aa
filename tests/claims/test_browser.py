"""From an incoming suspicious item to a published fact-check page, in a real browser."""

import json

import pytest

from loa.claims import service
from tests.claims.test_publishing import validate_claim_review
from tests.conftest import browser_login

pytestmark = pytest.mark.browser


def submit(page, selector: str) -> None:
    """Click a button or link and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


# A rumour unlike any starter claim: its wording is close to "rửa tay bằng xà phòng giúp phòng lây nhiễm", but it
# credits another thing (a copper bracelet), so it waits for a person instead of being linked.
RUMOUR = "Đeo vòng tay bằng đồng giúp cơ thể miễn nhiễm với virus corona, bà con truyền tay nhau"


def test_suspicious_item_to_published_fact_check(live_server, page, db, starter, people):
    result = service.check_text(db, RUMOUR, reach=250, origin="listening", ref="item-77")
    assert result["decision"] != "match" and result["triage_id"]
    db.commit()

    browser_login(page, live_server, "editor")
    page.goto(live_server + "/")
    submit(page, "[data-testid=panel-triage]")
    item = page.locator("[data-testid=triage-item]").filter(has_text="vòng tay bằng đồng")
    item.locator("input[name=text]").fill("Đeo vòng tay bằng đồng giúp miễn nhiễm COVID-19")
    with page.expect_navigation():
        item.locator("[data-testid=triage-open]").click()
    page.wait_for_selector("[data-testid=claim-status]")
    assert "Mới" in page.locator("[data-testid=claim-status]").inner_text()
    submit(page, "[data-testid=to-investigating]")
    page.wait_for_selector("[data-testid=claim-status]:has-text('Đang xác minh')")
    page.select_option("[data-testid=verdict]", "false")
    page.fill(
        "[data-testid=explanation]",
        "Chưa có nghiên cứu nào cho thấy vòng tay bằng đồng giúp phòng COVID-19. "
        "Người mắc cần theo dõi triệu chứng và liên hệ trạm y tế khi khó thở.",
    )
    submit(page, "[data-testid=save-claim]")
    page.fill("[data-testid=source-publisher]", "Bộ Y tế")
    page.fill("[data-testid=source-title]", "Cổng thông tin của Bộ Y tế về đại dịch COVID-19")
    page.fill("[data-testid=source-url]", "https://covid19.gov.vn")
    page.fill("[data-testid=source-date]", "2021-08-01")
    submit(page, "[data-testid=add-source]")
    page.wait_for_selector("#sources a[href='https://covid19.gov.vn']")
    assert page.locator("[data-testid=to-concluded]").count() == 0  # editors do not conclude
    claim_url = page.url.split("#")[0]
    submit(page, "[data-testid=logout]")

    browser_login(page, live_server, "reviewer")
    page.goto(claim_url)
    submit(page, "[data-testid=to-concluded]")
    page.wait_for_selector("[data-testid=claim-status]:has-text('Đã kết luận')")
    submit(page, "[data-testid=logout]")

    browser_login(page, live_server, "editor")  # the author may not publish
    page.goto(claim_url)
    assert page.locator("[data-testid=to-published]").count() == 0
    submit(page, "[data-testid=logout]")

    browser_login(page, live_server, "coordinator")
    page.goto(claim_url)
    submit(page, "[data-testid=to-published]")
    page.wait_for_selector("[data-testid=claim-status]:has-text('Đã đăng')")
    submit(page, "[data-testid=public-link]")
    page.wait_for_selector("[data-testid=claim-text]")
    assert page.locator("[data-testid=claim-text]").inner_text() == "Đeo vòng tay bằng đồng giúp miễn nhiễm COVID-19"
    assert page.locator("[data-testid=verdict]").inner_text() == "Sai"
    review = json.loads(page.locator("script[type='application/ld+json']").text_content())
    validate_claim_review(review, page.url)
    assert "vòng tay bằng đồng" in review["itemReviewed"]["appearance"][0]["text"]

    page.goto(live_server + "/kiem-chung?q=vong tay bang dong")
    assert "Đeo vòng tay bằng đồng giúp miễn nhiễm COVID-19" in page.locator("main").inner_text()
    # the next time the rumour comes in, it is recognised
    again = service.check_text(db, "deo vong dong o tay la mien nhiem covid", reach=10, record=False)
    assert again["decision"] == "match" and again["verdict"] == "false"

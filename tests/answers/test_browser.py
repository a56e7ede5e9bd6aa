"""The whole loop in a real browser: a citizen asks on a phone, staff answer, a reviewer approves, the next
citizen gets the answer; the embeddable widget works too."""

from loa.answers import service, transfer
from tests.conftest import browser_login

QUESTION = "Đi đò qua sông Cổ Chiên có cần giấy xét nghiệm không?"


def citizen_asks(browser, base, question, widget=False):
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    phone = context.new_page()
    phone.set_default_timeout(60000)
    phone.goto(base + ("/hoi-dap/widget" if widget else "/hoi-dap"))
    phone.fill("textarea[name=question]", question)
    phone.click("[data-testid=ask]", no_wait_after=True)
    phone.wait_for_selector("[data-testid=answer], [data-testid=no-answer]")
    width = phone.evaluate("document.documentElement.scrollWidth")
    text = phone.inner_text("[data-testid=result]")
    context.close()
    return text, width


def test_ask_queue_answer_review_next_asker(live_server, page, _browser, db, people, settings):
    transfer.import_starter(db)
    db.commit()
    service.faq_index(db, settings.data_dir / "indexes")  # built once here rather than in the first request
    page.set_default_timeout(60000)
    text, width = citizen_asks(_browser, live_server, "tiem vx xong uong ruou bia dc ko")
    assert "rượu bia" in text and "Nguồn:" in text and width <= 390  # fits a phone screen
    text, _ = citizen_asks(_browser, live_server, QUESTION + " Liên hệ 0912 345 678")
    assert "chưa có câu trả lời" in text

    browser_login(page, live_server, people["editor"].username)
    page.goto(live_server + "/answers")
    queue = page.inner_text("[data-testid=queue]")
    assert "Cổ Chiên" in queue and "0912" not in queue
    page.click("[data-testid=queue] a")
    page.fill("textarea[name=answer]", "Đi đò trong tỉnh không cần giấy xét nghiệm; nhớ đeo khẩu trang.")
    page.fill("input[name=source]", "Sở Y tế Trà Vinh")
    page.fill("input[name=source_date]", "2021-10-20")
    page.click("[data-testid=answer-form] button[type=submit]")
    page.wait_for_selector("[data-testid=status]")
    assert page.inner_text("[data-testid=status]") == "Nháp"
    entry_url = page.url
    page.click("[data-testid=logout]")

    browser_login(page, live_server, people["reviewer"].username)
    page.goto(entry_url)
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=status]:has-text('Đã duyệt')")

    text, _ = citizen_asks(_browser, live_server, "Qua đò sông Cổ Chiên có phải xét nghiệm không?", widget=True)
    assert "không cần giấy xét nghiệm" in text and "Sở Y tế Trà Vinh" in text

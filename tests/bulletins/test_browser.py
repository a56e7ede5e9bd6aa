"""A real browser: upload a file, follow the checking job to the validation preview, accept, confirm, follow the
import job, then the unit page on a phone."""

from __future__ import annotations

import pytest

from loa.bulletins.importer import analyse
from tests.bulletins.conftest import last_days, to_csv
from tests.conftest import browser_login

pytestmark = pytest.mark.browser


def test_import_preview_accept_and_unit_page_on_a_phone(live_server, page, people, delta_csv, tmp_path):
    rows = last_days(delta_csv, 40)
    rows = [r for r in rows if r[0] != "2021-10-10"]
    rows[0][rows[0].index("Vĩnh Long")] = "Vinh Longg"
    upload = tmp_path / "so-lieu.csv"
    upload.write_bytes(to_csv(rows))
    browser_login(page, live_server, "agency-member")
    page.goto(live_server + "/bulletins")
    page.set_input_files("[data-testid=import-form] input[type=file]", str(upload))
    page.click("[data-testid=import-form] button[type=submit]")
    page.wait_for_selector("[data-testid=job-progress][data-status=done]")
    page.click("[data-testid=job-result]")
    page.wait_for_selector("[data-testid=warnings]")
    assert page.locator("[data-testid=detected]").inner_text() == "Cộng dồn"
    report = analyse(to_csv(rows), "so-lieu.csv")
    kinds = [p.kind for p in report.warnings]
    assert kinds.count("gap") == 12 and kinds.count("unknown_unit") == 1  # 12 provinces miss 10/10, one misspelt
    assert page.locator("[data-testid=warnings] li").count() == len(report.warnings)
    assert "Vinh Longg" in page.locator("[data-testid=warnings]").inner_text()
    page.locator("input[name=accept]").first.check()
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=preview-error]")
    assert (
        f"{len(report.warnings) - 1} cảnh báo chưa được chấp nhận"
        in page.locator("[data-testid=preview-error]").inner_text()
    )
    page.check("[data-testid=accept-all]")
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=job-progress][data-status=done]")
    assert "Đã nhập" in page.locator("[data-testid=job-message]").inner_text()
    page.click("[data-testid=job-result]")
    page.wait_for_selector("[data-testid=imported]")
    assert "Trà Vinh" in page.locator("[data-testid=units]").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/bulletins/units/84?day=2021-10-25")
    assert page.locator("[data-testid=new-cases]").inner_text() == "60"
    page.wait_for_function("document.querySelector('[data-testid=chart-cases]').naturalWidth > 0")
    chart_width = page.evaluate("document.querySelector('[data-testid=chart-cases]').getBoundingClientRect().width")
    assert 0 < chart_width <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("[data-testid=draft-link]")
    assert "60 ca mắc mới" in page.locator("[data-testid=draft]").inner_text()

"""In a real browser: the emergency banner appears on every public page once two people approved, and goes when
the notice ends."""

import pytest

from loa.emergency import service
from tests.emergency.test_notices import _notice

pytestmark = pytest.mark.browser

PUBLIC = ["/tin-tuc", "/hoi-dap", "/kiem-chung", "/login"]


def test_the_banner_appears_on_every_public_page_and_goes_when_the_notice_ends(
    live_server, page, db, people, setup, settings
):
    notice = _notice(db, people)
    service.approve(db, notice, people["leader"])
    db.commit()
    page.goto(live_server + "/tin-tuc")
    assert page.locator("[data-testid=emergency-banner]").count() == 0  # one approval is not enough
    service.approve(db, notice, people["reviewer"])
    service.place(db, settings, notice)
    db.commit()
    for path in PUBLIC + [service.public_path(notice)]:
        page.goto(live_server + path)
        banner = page.locator("[data-testid=emergency-banner]")
        assert banner.is_visible(), path
        assert "phong tỏa ấp Chợ" in banner.inner_text()
    page.locator("[data-testid=emergency-banner] a").click()
    page.wait_for_url(f"**{service.public_path(notice)}")
    assert "ở yên trong nhà" in page.locator("[data-testid=public-notice]").inner_text()
    service.end_notice(db, notice, people["editor"])
    db.commit()
    for path in PUBLIC:
        page.goto(live_server + path)
        assert page.locator("[data-testid=emergency-banner]").count() == 0, path

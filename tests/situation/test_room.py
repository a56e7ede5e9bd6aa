"""The situation room (/dieu-hanh) on the demo province: in a real browser for each role that may open it, 403 for
the others, the period form, English, and its load time (issue 19, item 1)."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest

from loa.clock import today_local
from loa.demo import DEMO_PASSWORD
from tests.conftest import browser_login, login_client

ALLOWED = {"leader": "lanhdao", "coordinator": "dieuphoi", "admin": "quantri"}
REFUSED = {"agency_member": "soyte", "editor": "bientap", "reviewer": "duyet", "viewer": "xem"}
SECTIONS = ("plan", "content", "loudspeakers", "listening", "misinformation", "questions", "situation")
DATED = re.compile(r"Số liệu ngày \d{2}/\d{2}/\d{4}")


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_the_room_in_a_browser_for_each_role_that_may_see_it(role, demo_province, live_server, page):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    browser_login(page, live_server, ALLOWED[role], DEMO_PASSWORD)
    page.goto(live_server + "/")
    page.click("[data-testid=room-link]")  # where leadership lands: the dashboard's first card
    page.wait_for_url(re.compile(r".*/dieu-hanh$"))
    assert page.locator("h1").inner_text() == "Phòng điều hành"
    for section in SECTIONS:
        assert page.locator(f"[data-testid=section-{section}]").is_visible(), section
    tiles = page.locator(".room-figure")
    assert tiles.count() >= 15
    for i in range(tiles.count()):  # every figure: a value linking to its detail, and its date
        tile = tiles.nth(i)
        assert tile.locator("a").first.get_attribute("href").startswith("/"), tile.inner_text()
        assert DATED.search(tile.inner_text()), tile.inner_text()
    assert page.locator("[data-testid=agency-bars] svg rect").count() > 10
    assert page.locator("[data-testid=channel-bars] svg rect").count() > 2
    page.locator("[data-testid=trends] svg circle").first.wait_for()  # loaded after the page, by HTMX
    assert page.locator("[data-testid=trends] svg polyline").count() >= 5
    assert page.locator("[data-testid=district]").count() >= 1  # the small multiples per district
    assert page.locator("[data-testid=not-reported]").is_visible()
    assert not problems, problems  # a CSP refusal (inline style or script) shows as a console error
    page.click("text=Tuần trước")
    monday = today_local() - timedelta(days=today_local().weekday() + 7)
    page.wait_for_url(re.compile(rf".*from={monday.isoformat()}.*"))
    assert f"Kỳ {monday:%d/%m/%Y}" in page.locator("[data-testid=period]").inner_text()


def test_the_room_and_its_report_are_refused_to_other_roles(app, demo_province):
    for role, username in REFUSED.items():
        c = login_client(app, username, DEMO_PASSWORD)
        for url in ("/dieu-hanh", "/dieu-hanh/xu-huong", "/dieu-hanh/bao-cao", "/api/v1/reports/periodic"):
            assert c.get(url).status_code == 403, (role, url)
        assert c.post("/dieu-hanh/bao-cao.pdf", data={"from": "2026-11-30", "to": "2026-12-06"}).status_code == 403
        assert 'data-testid="room-link"' not in c.get("/").text, role
        assert "/dieu-hanh/bao-cao" not in c.get("/reports").text, role
        c.close()


def test_anonymous_is_sent_to_login(client, demo_province):
    r = client.get("/dieu-hanh", follow_redirects=False)
    assert r.status_code in (302, 303) and "/login" in r.headers["location"]


def test_a_chosen_period_in_english_and_a_reversed_one_refused(app, demo_province):
    c = login_client(app, "lanhdao", DEMO_PASSWORD)
    page = c.get("/dieu-hanh?from=2026-11-01&to=2026-11-30").text
    assert "Kỳ 01/11/2026 – 30/11/2026, so với kỳ trước 02/10/2026 – 31/10/2026." in page
    assert c.get("/dieu-hanh?from=2026-11-30&to=2026-11-01").status_code == 422
    c.get("/lang/en")
    page = c.get("/dieu-hanh").text
    assert "Situation room" in page and "Phòng điều hành" not in page
    assert "Plan completion" in page and "Figures of" in page
    c.close()


def test_the_room_loads_within_a_second_on_the_demo(app, demo_province):
    c = login_client(app, "lanhdao", DEMO_PASSWORD)
    assert c.get("/dieu-hanh").status_code == 200  # the first request loads the modules' code
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        assert c.get("/dieu-hanh").status_code == 200
        timings.append(time.perf_counter() - started)
    assert min(timings) < 1.0, timings
    c.close()

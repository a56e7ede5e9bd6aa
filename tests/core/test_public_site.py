"""The citizens' side: a public home page, one navigation on every public page, and every static asset a page
references is served (htmx included)."""

import re
from datetime import UTC, datetime

import pytest

from loa import hooks
from loa.formats import vn_datetime
from loa.hooks import impl

PUBLIC = ["/", "/tin-tuc", "/hoi-dap", "/kiem-chung"]


def public_nav(html: str) -> str:
    """The citizens' navigation of a page, without the mark of the current page."""
    nav = re.search(r'<nav class="modules public".*?</nav>', html, re.S)
    assert nav, "no public navigation"
    return re.sub(r'\s*aria-current="page"|\s+(?=>)', "", nav.group())


def test_every_static_asset_a_page_references_is_served(client, login):
    staff = login("coordinator")
    assets = set()
    for c, path in [(client, p) for p in PUBLIC + ["/login", "/hoi-dap/widget"]] + [(staff, "/"), (staff, "/account")]:
        page = c.get(path)
        assert page.status_code == 200, path
        assets |= set(re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text))
    assert {"/static/htmx.min.js", "/static/loa.css", "/static/loa.svg"} <= assets
    for url in sorted(assets):
        r = client.get(url)
        assert r.status_code == 200 and r.content, url
    assert "javascript" in client.get("/static/htmx.min.js").headers["content-type"]
    assert client.get("/static/khong-co.js").status_code == 404


def test_public_home_and_one_navigation_on_every_public_page(client, people):
    home = client.get("/")
    assert home.status_code == 200 and "Bảng điều hành" not in home.text
    for link in ("/tin-tuc", "/hoi-dap", "/kiem-chung", "/login"):
        assert f'href="{link}"' in home.text
    navs = {path: public_nav(client.get(path).text) for path in PUBLIC + ["/login"]}
    assert len(set(navs.values())) == 1, navs
    assert [a for a in re.findall(r'href="([^"]+)"', navs["/"])] == PUBLIC
    assert 'data-testid="public-bulletin"' not in home.text and 'data-testid="public-notices"' not in home.text


class _Province:
    """Stands in for the modules that know of notices and bulletins."""

    @impl
    def current_emergency_notices(self, db):
        return [
            {
                "title": "Cảnh báo nước ngập khu vực chợ Trà Cú",
                "url": "/tin-tuc/canh-bao",
                "level": "high",
                "expires": vn_datetime(datetime(2026, 12, 8, 11, 0, tzinfo=UTC)),
            }
        ]

    @impl
    def latest_bulletin(self, db, district):
        if district == "84":
            return {"key": "84:2026-12-06", "title": "Bản tin ngày 06/12/2026", "day": "2026-12-06", "text": "Ổn định."}


@pytest.fixture
def province_hooks():
    plugin = _Province()
    hooks.manager().register(plugin)
    yield
    hooks.manager().unregister(plugin)


def test_public_home_lists_notices_and_the_latest_bulletin(client, people, province_hooks):
    home = client.get("/").text
    notices = home.split('data-testid="public-notices"')[1].split("</section>")[0]
    assert 'href="/tin-tuc/canh-bao"' in notices and "Cảnh báo nước ngập khu vực chợ Trà Cú" in notices
    assert home.count("Cảnh báo nước ngập khu vực chợ Trà Cú") == 1  # its own section, not the banner as well
    assert "18:00 08/12/2026" in notices  # local time, Vietnamese form
    bulletin = home.split('data-testid="public-bulletin"')[1].split("</section>")[0]
    assert "Bản tin ngày 06/12/2026" in bulletin and "Ổn định." in bulletin
    assert not re.search(r">[^<]*\d{4}-\d{2}-\d{2}", notices + bulletin)  # no ISO date shown


def test_staff_still_get_their_dashboard(login):
    page = login("viewer").get("/")
    assert "Bảng điều hành" in page.text and 'data-testid="public-nav"' not in page.text

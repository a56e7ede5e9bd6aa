"""Integration: the whole demo seeds into a fresh database, and every parameterless page and API listing answers
each role without a server error."""

import pytest

from loa import demo
from tests.conftest import login_client


@pytest.fixture
def demo_app(app, demo_province):
    assert demo_province and len(demo_province) == 6
    return app


def test_every_page_answers_every_role(demo_app):
    paths = sorted({p for p in demo_app.state.get_paths if "{" not in p} - {"/logout"})
    assert len(paths) > 20
    failures = []
    for username in ("quantri", "dieuphoi", "soyte", "bientap", "duyet", "xem"):
        c = login_client(demo_app, username, demo.DEMO_PASSWORD)
        for path in paths:
            r = c.get(path, follow_redirects=False)
            if r.status_code >= 500:
                failures.append((username, path, r.status_code))
        c.close()
    assert failures == []


def test_demo_seed_is_idempotent(demo_app, settings, db):
    assert demo.seed(db, settings) is None


def test_reports_page_gathers_the_modules_reports(demo_app):
    c = login_client(demo_app, "dieuphoi", demo.DEMO_PASSWORD)
    page = c.get("/reports")
    assert page.status_code == 200
    assert "Báo cáo kết quả thực hiện kế hoạch" in page.text and "/content/balance" in page.text
    assert "/bulletins" in page.text

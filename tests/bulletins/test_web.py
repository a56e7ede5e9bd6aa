"""Pages and API: permission matrix, the import preview with accept checkboxes, the unit page, the draft."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from loa.bulletins.models import StatImport, StatPoint
from tests.bulletins.conftest import last_days, to_csv
from tests.conftest import ROLES, assert_permission, audit_count


def small_csv(provinces_csv, n=10):
    return to_csv(last_days(provinces_csv, n, ["Trà Vinh", "Vĩnh Long"]))


def typo_csv(provinces_csv):
    rows = last_days(provinces_csv, 10, ["Trà Vinh", "Vĩnh Long"])
    rows[0][rows[0].index("Trà Vinh")] = "Tra Vinhh"
    return to_csv(rows)


ENDPOINTS = [
    # (name, roles allowed)
    ("api_import", {"admin", "coordinator", "agency_member"}),
    ("form_confirm", {"admin", "coordinator", "agency_member"}),
    ("api_draft", {"admin", "coordinator", "editor"}),
    ("form_draft", {"admin", "coordinator", "editor"}),
]


def _call(name, c, role, provinces_csv, settings):
    if name == "api_import":
        return c.post("/api/v1/bulletins/imports", files={"file": (f"{role}.csv", small_csv(provinces_csv, 5 + ROLES.index(role)))},
                      data={"accept": "all"})
    if name == "form_confirm":
        content = small_csv(provinces_csv, 5 + ROLES.index(role))
        from loa.bulletins.importer import content_hash

        pending = settings.files_dir / "bulletins" / "pending"
        pending.mkdir(parents=True, exist_ok=True)
        (pending / content_hash(content)).write_bytes(content)
        return c.post("/bulletins/import/confirm", data={"csrf_token": c.csrf, "token": content_hash(content),
                                                         "filename": "x.csv", "mode": "auto", "metric": "cases"},
                      follow_redirects=False)
    if name == "api_draft":
        return c.post("/api/v1/bulletins/drafts", json={"unit": "Trà Vinh", "day": "2021-10-25"})
    return c.post("/bulletins/units/84/draft", data={"csrf_token": c.csrf, "day": "2021-10-25"}, follow_redirects=False)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,allowed", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_permission_matrix(login, settings, db, provinces_csv, role, name, allowed):
    from loa.bulletins import service

    service.import_stats(db, small_csv(provinces_csv, 20), "base.csv", accepted=True)
    db.commit()
    c = login(role)
    before = audit_count(settings)
    r = _call(name, c, role, provinces_csv, settings)
    assert_permission(settings, before, r, role in allowed)


def test_anonymous_is_sent_to_login(client, people):
    assert client.get("/bulletins", follow_redirects=False).status_code == 303
    assert client.post("/api/v1/bulletins/drafts", json={"unit": "84", "day": "2021-10-25"}).status_code == 401


def test_import_preview_accept_and_confirm(login, settings, db, provinces_csv):
    c = login("agency_member")
    assert "Nhập số liệu" in c.get("/bulletins").text
    content = typo_csv(provinces_csv)
    before = audit_count(settings)
    r = c.post("/bulletins/import", data={"csrf_token": c.csrf, "mode": "auto", "metric": "cases"},
               files={"file": ("typo.csv", content, "text/csv")})
    assert r.status_code == 200
    assert "Không nhận ra đơn vị “Tra Vinhh”" in r.text and "Trà Vinh?" in r.text
    assert "Cộng dồn" in r.text and 'name="accept"' in r.text
    assert audit_count(settings) == before  # the preview stores nothing
    token = r.text.split('name="token" value="')[1].split('"')[0]
    problem = r.text.split('name="accept" value="')[1].split('"')[0]
    form = {"csrf_token": c.csrf, "token": token, "filename": "typo.csv", "mode": "auto", "metric": "cases"}
    refused = c.post("/bulletins/import/confirm", data=form)
    assert refused.status_code == 422 and "chưa được chấp nhận" in refused.text
    assert db.scalar(select(func.count()).select_from(StatPoint)) == 0
    done = c.post("/bulletins/import/confirm", data={**form, "accept": problem}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/bulletins?imported=")
    listing = c.get(done.headers["location"]).text
    assert "Vĩnh Long" in listing and "typo.csv" in listing
    again = c.post("/bulletins/import", data={"csrf_token": c.csrf, "mode": "auto", "metric": "cases"},
                   files={"file": ("same.csv", content, "text/csv")})
    assert "đã được nhập" in again.text


def test_bad_upload_message(login):
    c = login("coordinator")
    r = c.post("/bulletins/import", data={"csrf_token": c.csrf, "mode": "auto", "metric": "cases"},
               files={"file": ("x.xlsx", b"PK\x03\x04 not really", "application/octet-stream")})
    assert r.status_code == 400 and "Không đọc được tệp Excel" in r.text
    c.get("/lang/en")
    r = c.post("/api/v1/bulletins/imports", files={"file": ("x.csv", b"")})
    assert r.status_code == 400 and r.json()["detail"] == "The file is empty."


def test_api_import_reports_problems_and_stores_nothing_until_accepted(login, db, provinces_csv):
    c = login("coordinator")
    dry = c.post("/api/v1/bulletins/imports", files={"file": ("t.csv", typo_csv(provinces_csv))},
                 data={"dry_run": "true"})
    assert dry.status_code == 201
    report = dry.json()["report"]
    assert report["layout"] == "wide" and report["detected_mode"] == "cumulative"
    [problem] = report["problems"]
    refused = c.post("/api/v1/bulletins/imports", files={"file": ("t.csv", typo_csv(provinces_csv))})
    assert refused.status_code == 422 and refused.json()["errors"][0]["id"] == problem["id"]
    ok = c.post("/api/v1/bulletins/imports", files={"file": ("t.csv", typo_csv(provinces_csv))},
                data={"accept": problem["id"]})
    assert ok.status_code == 201 and ok.json()["created"] and ok.json()["points"] == 10
    assert db.scalar(select(func.count()).select_from(StatImport)) == 1
    units = c.get("/api/v1/bulletins/units").json()
    assert units == [{"code": "86", "name": "Vĩnh Long", "day": "2021-10-25", "new_cases": 18, "total_cases": 2495}]


def test_unit_page_charts_draft_and_content(login, real_data):
    c = login("editor")
    page = c.get("/bulletins/units/84?day=2021-10-25")
    assert page.status_code == 200
    assert 'data-testid="new-cases">60<' in page.text and "63,9" in page.text and "2.314" in page.text
    assert "/bulletins/units/84/charts/cases.svg?day=2021-10-25" in page.text
    svg = c.get("/bulletins/units/84/charts/cases.svg?day=2021-10-25")
    assert svg.headers["content-type"].startswith("image/svg+xml") and b"<svg" in svg.content
    png = c.get("/bulletins/units/84/charts/vaccination.png")
    assert png.content[:4] == b"\x89PNG"
    assert c.get("/bulletins/units/84/charts/pie.svg").status_code == 404
    assert c.get("/bulletins/units/Atlantis").status_code == 404
    figures = c.get("/api/v1/bulletins/units/Trà Vinh/figures?day=2021-10-25").json()
    assert figures["new_cases"] == 60 and figures["region_rank"] == 4
    assert c.get("/api/v1/bulletins/units/Tra Vinhh/figures").status_code == 404
    draft = c.get("/bulletins/go?unit=84&day=2021-10-25")
    assert "60 ca mắc mới" in draft.text and "<strong>2.314 ca</strong>" in draft.text
    r = c.post("/bulletins/units/84/draft", data={"csrf_token": c.csrf, "day": "2021-10-25"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/content/")
    item = c.get(r.headers["location"])
    assert item.status_code == 200 and "Bản tin tình hình dịch COVID-19 tỉnh Trà Vinh ngày 25/10/2021" in item.text


def test_dashboard_panel_shows_latest_figures(login, real_data):
    home = login("viewer").get("/").text
    assert "Tình hình dịch" in home and "Trà Vinh" in home and "2.314" in home

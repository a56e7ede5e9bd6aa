"""Pages and API: permission matrix, the import (checking job, preview with accept checkboxes, import job), the
unit page, the draft."""

from __future__ import annotations

import pytest

from loa.bulletins.models import StatImport, StatPoint
from loa.jobs import service as jobs
from loa.jobs.models import Job
from tests.bulletins.conftest import PROVINCES, last_days, to_csv
from tests.conftest import ROLES, assert_permission, audit_count, count, job_of, state


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


def _call(name, c, role, provinces_csv, settings, db, people):
    if name == "api_import":
        return c.post(
            "/api/v1/bulletins/imports",
            files={"file": (f"{role}.csv", small_csv(provinces_csv, 5 + ROLES.index(role)))},
            data={"accept": "all"},
        )
    if name == "form_confirm":  # the file was checked for this person (a job that runs as the test commits)
        content = small_csv(provinces_csv, 5 + ROLES.index(role))
        check = jobs.submit(
            db,
            settings,
            "bulletins.check",
            params={"filename": "x.csv", "mode": "auto", "metric": "cases"},
            user=people[role],
            file=("x.csv", "text/csv", content),
        )
        db.commit()
        return c.post(f"/bulletins/import/{check.id}/confirm", data={"csrf_token": c.csrf}, follow_redirects=False)
    if name == "api_draft":
        return c.post("/api/v1/bulletins/drafts", json={"unit": "Trà Vinh", "day": "2021-10-25"})
    return c.post("/bulletins/units/84/draft", data={"csrf_token": c.csrf, "day": "2021-10-25"}, follow_redirects=False)


@state()
def base_stats(db):
    """The last 20 days of Trà Vinh and Vĩnh Long, imported."""
    from loa.bulletins import service

    service.import_stats(db, small_csv(PROVINCES.read_bytes(), 20), "base.csv", accepted=True)
    db.commit()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,allowed", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_permission_matrix(login, settings, db, people, base_stats, provinces_csv, role, name, allowed):
    c = login(role)
    before, imports = audit_count(settings), count(db, Job) + ("confirm" in name)  # + the checking job
    r = _call(name, c, role, provinces_csv, settings, db, people)
    assert_permission(settings, before, r, role in allowed, ok=(200, 201, 202, 303))
    if "import" in name or "confirm" in name:
        assert count(db, Job) == imports + (role in allowed)  # a refused person queues nothing
        if role in allowed:
            assert job_of(c, r)["status"] == "done"


def test_anonymous_is_sent_to_login(client, people):
    assert client.get("/bulletins", follow_redirects=False).status_code == 303
    assert client.post("/api/v1/bulletins/drafts", json={"unit": "84", "day": "2021-10-25"}).status_code == 401


def test_import_preview_accept_and_confirm(login, settings, db, provinces_csv):
    c = login("agency_member")
    assert "Nhập số liệu" in c.get("/bulletins").text
    content = typo_csv(provinces_csv)
    before = audit_count(settings)
    r = c.post(
        "/bulletins/import",
        data={"csrf_token": c.csrf, "mode": "auto", "metric": "cases"},
        files={"file": ("typo.csv", content, "text/csv")},
        follow_redirects=False,
    )
    check = job_of(c, r)
    assert check["status"] == "done" and check["kind"] == "bulletins.check"
    assert check["counts"]["warnings"] == 1 and check["counts"]["errors"] == 0 and check["counts"]["rows"] == 10
    job_page = c.get(r.headers["location"]).text
    assert "Kiểm tra tệp số liệu" in job_page and "1 cảnh báo" in job_page and "Cảnh báo" in job_page
    assert f'href="/bulletins/import/{check["id"]}"' in job_page  # the "Xem kết quả" link: the preview
    preview = c.get(check["result"]["url"])
    assert preview.status_code == 200
    assert "Không nhận ra đơn vị “Tra Vinhh”" in preview.text and "Trà Vinh?" in preview.text
    assert "Cộng dồn" in preview.text and 'name="accept"' in preview.text and "typo.csv" in preview.text
    assert audit_count(settings) == before  # checking stores nothing
    assert login("coordinator").get(check["result"]["url"]).status_code == 404  # someone else's upload
    problem = preview.text.split('name="accept" value="')[1].split('"')[0]
    confirm = f"/bulletins/import/{check['id']}/confirm"
    refused = c.post(confirm, data={"csrf_token": c.csrf})
    assert refused.status_code == 422 and "chưa được chấp nhận" in refused.text and 'name="accept"' in refused.text
    assert count(db, StatPoint) == 0 and count(db, Job) == 1  # refused in the request: no import job
    done = c.post(confirm, data={"csrf_token": c.csrf, "accept": problem}, follow_redirects=False)
    job = job_of(c, done)
    assert job["status"] == "done" and job["result"]["created"] and job["result"]["points"] == 10
    assert job["result"]["url"] == f"/bulletins?imported={job['result']['import_id']}"
    assert job["counts"]["stored"] == 10
    listing = c.get(job["result"]["url"]).text
    assert "Vĩnh Long" in listing and "typo.csv" in listing
    twice = job_of(c, c.post(confirm, data={"csrf_token": c.csrf, "accept": problem}, follow_redirects=False))
    assert twice["status"] == "done" and not twice["result"]["created"]
    assert twice["result"]["import_id"] == job["result"]["import_id"] and count(db, StatImport) == 1
    again = c.post(
        "/bulletins/import",
        data={"csrf_token": c.csrf, "mode": "auto", "metric": "cases"},
        files={"file": ("same.csv", content, "text/csv")},
        follow_redirects=False,
    )
    assert "đã được nhập" in c.get(job_of(c, again)["result"]["url"]).text
    assert count(db, StatPoint) == 10


def test_bad_upload_message(login, db):
    c = login("coordinator")
    r = c.post(
        "/bulletins/import",
        data={"csrf_token": c.csrf, "mode": "auto", "metric": "cases"},
        files={"file": ("x.xlsx", b"PK\x03\x04 not really", "application/octet-stream")},
        follow_redirects=False,
    )
    job = job_of(c, r)
    assert job["status"] == "failed" and "Không đọc được tệp Excel" in job["message"]
    assert "Không đọc được tệp Excel" in c.get(r.headers["location"]).text
    c.get("/lang/en")
    job = job_of(c, c.post("/api/v1/bulletins/imports", files={"file": ("x.csv", b"")}))
    assert job["status"] == "failed" and job["result"]["message_en"] == "The file is empty."
    jobs_before = count(db, Job)
    r = c.post("/api/v1/bulletins/imports", files={"file": ("x.csv", b"date,cases\n")}, data={"mode": "weekly"})
    assert r.status_code == 400 and r.json()["detail"] == "Mode must be cumulative or daily."
    assert count(db, Job) == jobs_before  # a bad request is refused at once, with no job


def test_api_import_reports_problems_and_stores_nothing_until_accepted(login, db, provinces_csv):
    c = login("coordinator")
    dry = job_of(
        c,
        c.post(
            "/api/v1/bulletins/imports", files={"file": ("t.csv", typo_csv(provinces_csv))}, data={"dry_run": "true"}
        ),
    )
    assert dry["status"] == "done" and dry["result"]["already_imported"] is None
    report = dry["result"]["report"]
    assert report["layout"] == "wide" and report["detected_mode"] == "cumulative"
    [problem] = report["problems"]
    refused = job_of(c, c.post("/api/v1/bulletins/imports", files={"file": ("t.csv", typo_csv(provinces_csv))}))
    assert refused["status"] == "failed" and refused["errors"][0]["id"] == problem["id"]
    assert "chưa được chấp nhận" in refused["message"] and count(db, StatImport) == 0
    ok = job_of(
        c,
        c.post(
            "/api/v1/bulletins/imports",
            files={"file": ("t.csv", typo_csv(provinces_csv))},
            data={"accept": problem["id"]},
        ),
    )
    assert ok["status"] == "done" and ok["result"]["created"] and ok["result"]["points"] == 10
    assert count(db, StatImport) == 1
    units = c.get("/api/v1/bulletins/units").json()
    assert units == [{"code": "86", "name": "Vĩnh Long", "day": "2021-10-25", "new_cases": 18, "total_cases": 2495}]


def bad_csv(provinces_csv) -> bytes:
    rows = last_days(provinces_csv, 6, ["Trà Vinh", "Vĩnh Long"])
    rows[3][0] = "31/02/2021"  # line 4: no such day
    rows[5][1] = "nhiều"  # line 6: not a count
    return to_csv(rows)


def test_bad_file_fails_the_import_job_with_its_lines_and_stores_nothing(login, settings, db, provinces_csv):
    c = login("coordinator")
    before = audit_count(settings)
    r = c.post(
        "/api/v1/bulletins/imports", files={"file": ("hong.csv", bad_csv(provinces_csv))}, data={"accept": "all"}
    )
    job = job_of(c, r)
    assert job["status"] == "failed" and job["message"] == "Tệp có lỗi phải sửa trước khi nhập; chưa có gì được lưu."
    assert [e["line"] for e in job["errors"]] == [4, 6]
    assert job["errors"][0]["message"].startswith("Dòng 4: ngày “31/02/2021” không đọc được")
    page = c.get(f"/jobs/{job['id']}").text
    assert "<td>4</td>" in page and "<td>6</td>" in page and "“nhiều” không phải là một số đếm" in page
    assert audit_count(settings) == before and count(db, StatImport) == 0 and count(db, StatPoint) == 0
    # on the web, the preview lists the errors and offers no confirmation; confirming anyway is refused
    r = c.post(
        "/bulletins/import",
        data={"csrf_token": c.csrf, "mode": "auto", "metric": "cases"},
        files={"file": ("hong.csv", bad_csv(provinces_csv), "text/csv")},
        follow_redirects=False,
    )
    check = job_of(c, r)
    assert check["counts"]["errors"] == 2
    preview = c.get(check["result"]["url"]).text
    assert "Dòng 4: ngày “31/02/2021”" in preview and 'data-testid="confirm"' not in preview
    refused = c.post(f"/bulletins/import/{check['id']}/confirm", data={"csrf_token": c.csrf})
    assert refused.status_code == 422 and "Tệp có lỗi phải sửa" in refused.text
    assert audit_count(settings) == before and count(db, StatPoint) == 0


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


def test_bulletin_charts_travel_to_the_portal_print_and_social_posts(login, client, real_data, people, tmp_path):
    """Draft page shows the charts → *Gửi duyệt* attaches them to the content item (a second send replaces
    them) → the published article shows them to anyone → the print DOCX and PDF carry them → social posts list them."""
    import io
    import re
    import subprocess

    from docx import Document as Docx

    from loa.channels import service as channels
    from loa.content import service as content

    png = b"\x89PNG\r\n\x1a\n"
    c = login("editor")
    draft = c.get("/bulletins/units/84/draft?day=2021-10-25").text
    for chart in ("cases", "vaccination"):
        src = f"/bulletins/units/84/charts/{chart}.png?day=2021-10-25"
        assert f'<img src="{src}"' in draft and c.get(src).content.startswith(png)
    for _ in range(2):
        r = c.post(
            "/bulletins/units/84/draft", data={"csrf_token": c.csrf, "day": "2021-10-25"}, follow_redirects=False
        )
        assert r.status_code == 303
    item = content.get_item(real_data, int(r.headers["location"].rsplit("/", 1)[1]))
    real_data.refresh(item)
    names = sorted(a.filename for a in item.attachments)
    assert names == ["Ca mắc mới theo ngày — Trà Vinh.png", "Tỷ lệ dân số được tiêm vắc xin — Trà Vinh.png"]
    assert all(a.media_type == "image/png" for a in item.attachments)
    assert "Ca mắc mới theo ngày — Trà Vinh.png" in c.get(r.headers["location"]).text

    portal = content.create_channel(real_data, "Cổng thông tin điện tử tỉnh", "portal", slug="cong-thong-tin")
    content.approve(real_data, item, people["reviewer"])
    content.publish(real_data, item, people["editor"], channels=[portal])
    real_data.commit()
    article = client.get(channels.article_path(item)).text
    pictures = re.findall(r'<img src="(/tin-tuc/[^"]+/anh/\d+)" alt="([^"]+)"', article)
    assert [alt for _src, alt in pictures] == [
        "Ca mắc mới theo ngày — Trà Vinh",
        "Tỷ lệ dân số được tiêm vắc xin — Trà Vinh",
    ]
    for src, _alt in pictures:
        r = client.get(src)  # anonymous, like the article
        assert r.status_code == 200 and r.headers["content-type"] == "image/png" and r.content.startswith(png)
    other = content.create_item(real_data, kind="article", title="Nháp", body="Nháp.", author=people["editor"])
    real_data.commit()
    assert client.get(f"{channels.article_path(item)}/anh/{other.id + 10_000}").status_code == 404

    viewer = login("viewer")
    for fmt in ("docx", "pdf"):
        r = viewer.post(f"/channels/items/{item.id}/print", data={"csrf_token": viewer.csrf, "format": fmt})
        data = viewer.get(f"{r.url.path}/file").content
        if fmt == "docx":
            doc = Docx(io.BytesIO(data))
            assert len(doc.inline_shapes) == 2
            assert "Ca mắc mới theo ngày — Trà Vinh" in [p.text for p in doc.paragraphs]
        else:
            (tmp_path / "b.pdf").write_bytes(data)
            listed = subprocess.run(["pdfimages", "-list", str(tmp_path / "b.pdf")], capture_output=True, text=True)
            assert len([line for line in listed.stdout.splitlines()[2:] if " image " in line]) == 2

    social = viewer.get(f"/api/v1/channels/items/{item.id}/social").json()
    assert all(len(post["images"]) == 2 and post["images"][0].endswith(pictures[0][0]) for post in social)
    assert 'data-testid="social-image"' in viewer.get(f"/channels/items/{item.id}").text

"""The insights report as a PDF/DOCX file made by a job: from the report page, and through the API."""

import io
import re
from datetime import timedelta

import pytest
from docx import Document as Docx
from sqlalchemy import func, select

from loa.clock import today_local
from loa.jobs.models import Job
from loa.listening import demo
from tests.conftest import ROLES


@pytest.fixture
def period(db, people):
    demo.seed(db, None)
    db.commit()
    end = today_local()
    return str(end - timedelta(days=6)), str(end)


def test_report_page_offers_the_files_as_jobs(login, period):
    c = login("viewer")
    page = c.get(f"/listening/report?start={period[0]}&end={period[1]}").text
    form = page.split('data-testid="report-files"')[1].split("</form>")[0]
    assert 'formaction="/listening/report.pdf"' in form and 'formaction="/listening/report.docx"' in form
    assert f'name="start" value="{period[0]}"' in form and 'name="csrf_token"' in form
    r = c.post(
        "/listening/report.docx",
        data={"csrf_token": c.csrf, "start": period[0], "end": period[1]},
        follow_redirects=False,
    )
    assert r.status_code == 303 and re.fullmatch(r"/jobs/\d+", r.headers["location"])
    docx = c.get(f"{r.headers['location']}/file")
    assert docx.headers["content-disposition"] == (
        f'attachment; filename="bao-cao-lang-nghe-{period[0]}-{period[1]}.docx"'
    )
    text = "\n".join(p.text for p in Docx(io.BytesIO(docx.content)).paragraphs)
    assert "BÁO CÁO LẮNG NGHE DƯ LUẬN VỀ DỊCH BỆNH" in text.upper() and "Khuyến nghị" in text


def test_api_queues_the_file_and_only_its_owner_downloads_it(login, period):
    c = login("coordinator")
    r = c.post(f"/api/v1/listening/report?start={period[0]}&end={period[1]}&format=pdf")
    assert r.status_code == 202, r.text
    job = c.get(r.json()["job"]["url"]).json()
    assert job["status"] == "done" and job["result"]["url"] == f"/listening/report?start={period[0]}&end={period[1]}"
    pdf = c.get(job["file_url"])
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert login("viewer").get(job["file_url"]).status_code == 404  # another person's job
    assert login("admin").get(job["file_url"]).status_code == 200
    moved = c.get("/api/v1/listening/report?format=docx")
    assert moved.status_code == 405 and "POST /api/v1/listening/report" in moved.json()["detail"]
    assert c.get(f"/api/v1/listening/report?start={period[0]}&end={period[1]}").json()["rising"]  # JSON as before


@pytest.mark.parametrize("role", ROLES)
def test_every_role_may_make_the_file(login, people, role):
    c = login(role)
    r = c.post("/api/v1/listening/report?format=docx")
    assert r.status_code == 202 and c.get(r.json()["job"]["url"]).json()["status"] == "done"


def test_refusals_create_no_job(login, client, db, people):
    c = login("viewer")
    assert c.post("/listening/report.odt", data={"start": "2021-10-01"}).status_code == 404
    late = c.post("/listening/report.pdf", data={"start": "2021-10-07", "end": "2021-10-01"})
    assert late.status_code == 422 and "Ngày kết thúc phải sau ngày bắt đầu" in late.text
    assert c.post("/api/v1/listening/report?format=xlsx").status_code == 404
    assert c.post("/api/v1/listening/report?start=hôm-qua").status_code == 422
    assert client.post("/api/v1/listening/report?format=pdf").status_code == 401
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Job)) == 0

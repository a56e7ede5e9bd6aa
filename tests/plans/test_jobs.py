"""The report upward made as a job (page → job page → file) and the daily digest job (e-mailed once a day)."""

import io
import re
import subprocess
from datetime import timedelta

import pytest
from docx import Document as Docx
from sqlalchemy import func, select

from loa.clock import today_local
from loa.jobs import service as jobs
from loa.jobs.models import Job
from loa.modules import load_jobs
from loa.plans import service
from loa.plans.models import DigestSend
from loa.plans.schemas import TaskChanges
from tests.conftest import ROLES


def _count(db, model):
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


def _submit(c, plan_id, **form):
    r = c.post(f"/plans/{plan_id}/report", data={"csrf_token": c.csrf, **form}, follow_redirects=False)
    assert r.status_code == 303 and re.fullmatch(r"/jobs/\d+", r.headers["location"]), r.text
    return r.headers["location"]


def test_report_job_gives_a_docx_and_a_pdf(login, db, settings, people, seed_plan, tmp_path):
    task = seed_plan.groups[4].tasks[0]
    service.add_report(
        db,
        settings,
        task,
        people["agency_member"],
        "Đăng 12 tin, bài khuyến cáo tiêm vắc xin.",
        figures={"Tin bài": 12},
        status="done",
    )
    db.commit()
    c = login("viewer")
    plan_page = c.get(f"/plans/{seed_plan.id}").text
    assert f'<form method="post" action="/plans/{seed_plan.id}/report"' in plan_page
    today = today_local()
    job = _submit(c, seed_plan.id, start=(today - timedelta(days=7)).isoformat(), end=today.isoformat(), format="docx")
    state = c.get(f"/api/v1{job}").json()
    assert state["status"] == "done" and state["file_url"] == f"{job}/file"
    page = c.get(job).text
    assert "Tải tệp kết quả" in page and f'href="{job}/file"' in page and "bao-cao-ke-hoach-" in page
    docx = c.get(f"{job}/file")
    assert docx.headers["content-disposition"] == f'attachment; filename="bao-cao-ke-hoach-{seed_plan.id}.docx"'
    d = Docx(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH" in text
    assert "2 nhiệm vụ: đã hoàn thành 1, chưa bắt đầu hoặc tạm dừng 1." in text

    job = _submit(c, seed_plan.id, start=(today - timedelta(days=7)).isoformat(), end=today.isoformat(), format="pdf")
    pdf = c.get(f"{job}/file")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    (tmp_path / "r.pdf").write_bytes(pdf.content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(tmp_path / "r.pdf"), str(tmp_path / "page")],
        check=True,
    )
    assert next(tmp_path.glob("page*.png")).read_bytes().startswith(b"\x89PNG")
    extracted = subprocess.run(
        ["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    extracted = " ".join(extracted.split())
    assert "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH" in extracted and "(Tin bài: 12)" in extracted


def test_only_the_submitter_and_administrators_get_the_file(login, seed_plan):
    job = _submit(login("viewer"), seed_plan.id, format="docx")
    for role in ("coordinator", "agency_member", "editor"):
        c = login(role)
        assert c.get(f"{job}/file").status_code == 404, role
        assert c.get(job).status_code == 404 and c.get(f"/api/v1{job}").status_code == 404
    assert login("admin").get(f"{job}/file").content.startswith(b"PK")


@pytest.mark.parametrize("role", ROLES)
def test_every_role_may_make_the_report(login, seed_plan, role):
    """As before the jobs: any signed-in person may make the report; the job is theirs."""
    c = login(role)
    job = _submit(c, seed_plan.id, format="docx")
    assert c.get(f"/api/v1{job}").json()["status"] == "done"


def test_report_refusals_create_no_job(login, client, db, seed_plan):
    c = login("coordinator")
    bad_period = c.post(f"/plans/{seed_plan.id}/report", data={"start": "2021-09-30", "end": "2021-09-01"})
    assert bad_period.status_code == 422 and "Ngày kết thúc kỳ báo cáo phải sau ngày bắt đầu" in bad_period.text
    assert c.post(f"/plans/{seed_plan.id}/report", data={"format": "odt"}).status_code == 422
    assert c.post(f"/plans/{seed_plan.id}/report", data={"start": "31/09/2021"}).status_code == 422  # no such day
    assert c.post("/plans/999/report", data={"format": "pdf"}).status_code == 404
    anonymous = client.post(f"/plans/{seed_plan.id}/report", data={"format": "pdf"}, follow_redirects=False)
    assert anonymous.status_code in (303, 401, 403)
    no_token = login("viewer")
    no_token.headers.pop("X-CSRF-Token")
    assert no_token.post(f"/plans/{seed_plan.id}/report", data={"format": "pdf"}).status_code == 403
    assert _count(db, Job) == 0


# ---- the daily digest --------------------------------------------------------------------------------------


@pytest.fixture
def due_today(db, people, seed_plan):
    """A task of both fixture agencies (each with an address) due today."""
    load_jobs()
    health, other = people["agencies"]["health"], people["agencies"]["other"]
    health.email, other.email = "syt@example.vn", "btv@example.vn"
    today = today_local()
    service.update_task(
        db,
        seed_plan.groups[4].tasks[0],
        people["coordinator"],
        TaskChanges(start_on=today, due_on=today, agency_ids=[health.id, other.id]),
    )
    db.commit()
    return today


def test_digest_job_sends_once_a_day(db, settings, due_today, mail):
    settings.smtp_host, settings.smtp_port = "127.0.0.1", mail.port
    first = jobs.run_now(settings, "plans.digest")
    assert first["outcome"] == "ok", first
    assert first["message"].startswith("Đã gửi 2 thư nhắc việc")
    assert sorted(m["To"] for m in mail.messages) == ["btv@example.vn", "syt@example.vn"]
    second = jobs.run_now(settings, "plans.digest")  # the same day, e.g. run by hand after the 07:00 run
    assert second["outcome"] == "ok" and second["message"].startswith("Đã gửi 0 thư nhắc việc; 2 cơ quan đã nhận")
    assert len(mail.messages) == 2
    assert {(r.day, r.address) for r in db.scalars(select(DigestSend))} == {
        (due_today, "btv@example.vn"),
        (due_today, "syt@example.vn"),
    }


def test_digest_job_keeps_what_was_sent_when_a_message_is_refused(db, settings, due_today, mail):
    settings.smtp_host, settings.smtp_port = "127.0.0.1", mail.port
    mail.refuse.add("syt@example.vn")
    run = jobs.run_now(settings, "plans.digest")
    assert run["outcome"] == "failed" and "Sở Y tế <syt@example.vn>" in run["message"], run
    assert [m["To"] for m in mail.messages] == ["btv@example.vn"]
    assert [r.address for r in db.scalars(select(DigestSend))] == ["btv@example.vn"]
    mail.refuse.clear()
    again = jobs.run_now(settings, "plans.digest")
    assert again["outcome"] == "ok" and again["message"].startswith("Đã gửi 1 thư nhắc việc; 1 cơ quan")
    assert [m["To"] for m in mail.messages] == ["btv@example.vn", "syt@example.vn"]


def test_digest_job_without_smtp_counts_agencies_with_reminders(db, settings, due_today):
    run = jobs.run_now(settings, "plans.digest")
    assert run["outcome"] == "ok"
    assert re.match(r"Chưa cấu hình SMTP: (\d+) cơ quan có việc cần nhắc", run["message"])
    assert int(run["message"].split(": ")[1].split()[0]) == len(service.digests(db, due_today)) >= 2
    assert _count(db, DigestSend) == 0

"""The periodic report "Báo cáo công tác thông tin, tuyên truyền phòng, chống dịch" on the demo province: DOCX with
its sections, PDF with Vietnamese text, the edited draft is what gets exported, the JSON for the level above
against its schema, and the weekly job that drafts and mails it (issue 19, item 2)."""

from __future__ import annotations

import io
import subprocess
from datetime import date, timedelta

from docx import Document as Docx
from sqlalchemy import select

from loa import clock, modules
from loa.auth.models import Agency, Province
from loa.clock import today_local
from loa.demo import DEMO_PASSWORD
from loa.jobs import service as jobs
from loa.situation import report, service, summary
from loa.situation.models import ReportDraft
from loa.situation.schemas import PeriodicReport
from tests.conftest import login_client

SECTIONS = (
    "I. TÌNH HÌNH",
    "II. KẾT QUẢ THỰC HIỆN",
    "III. ĐÁNH GIÁ",
    "1. Ưu điểm",
    "2. Hạn chế",
    "IV. PHƯƠNG HƯỚNG NHIỆM VỤ THỜI GIAN TỚI",
    "V. ĐỀ XUẤT, KIẾN NGHỊ",
)


def this_week() -> tuple[date, date]:
    return service.default_period(today_local())


def docx_text(data: bytes) -> str:
    d = Docx(io.BytesIO(data))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


def test_the_docx_has_the_sections_the_figures_and_the_charts(db, demo_province):
    start, end = this_week()
    data = report.render(db, start, end, "docx")
    d = Docx(io.BytesIO(data))
    text = docx_text(data)
    assert "BÁO CÁO CÔNG TÁC THÔNG TIN, TUYÊN TRUYỀN PHÒNG, CHỐNG DỊCH" in text
    positions = [text.index(s) for s in SECTIONS]
    assert positions == sorted(positions)
    figures = service.collect(db, start, end)
    plan = figures["sections"]["plan"]
    assert f"Kế hoạch có {plan['tasks']} nhiệm vụ, đã hoàn thành {plan['done']}" in text
    for name in plan["not_reported"][:3]:  # drafted from the data: which agencies did not report
        assert name in text
    assert "Tin bài đã đăng" in text and "Hoàn thành kế hoạch" in text  # the headline figures' table
    assert len(d.inline_shapes) >= 2  # trends and bars per agency


def test_the_pdf_renders_with_vietnamese_diacritics(db, demo_province, tmp_path):
    start, end = this_week()
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(report.render(db, start, end, "pdf"))
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "p")], check=True)
    assert list(tmp_path.glob("p*.png"))
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    assert "BÁO CÁO CÔNG TÁC THÔNG TIN, TUYÊN TRUYỀN PHÒNG, CHỐNG DỊCH" in text
    assert "PHƯƠNG HƯỚNG NHIỆM VỤ THỜI GIAN TỚI" in text and "Ưu điểm" in text and "Hạn chế" in text


def test_the_edited_draft_is_what_gets_exported(app, db, demo_province):
    start, end = report.last_week()
    c = login_client(app, "dieuphoi", DEMO_PASSWORD)
    page = c.get("/dieu-hanh/bao-cao").text  # last week by default, drafted from the figures
    drafted = summary.draft(service.collect(db, start, end))
    assert drafted["han_che"].splitlines()[0] in page.replace("&#34;", '"').replace("&#39;", "'")
    texts = {
        "uu_diem": "Các huyện phát thanh đều đặn hằng ngày.",
        "han_che": "Một số xã vùng sâu chưa có loa.",
        "phuong_huong": "Tăng cường phát thanh song ngữ Việt - Khmer.",
        "de_xuat": "Đề nghị bổ sung kinh phí sửa chữa loa.",
    }
    r = c.post(
        "/dieu-hanh/bao-cao.docx",
        data={"from": start.isoformat(), "to": end.isoformat(), **texts},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")
    job = c.get("/api/v1" + r.headers["location"]).json()
    assert job["status"] == "done", job
    text = docx_text(c.get(r.headers["location"] + "/file").content)
    for line in texts.values():
        assert line in text
    assert drafted["phuong_huong"].splitlines()[-1] not in text
    saved = db.scalar(select(ReportDraft).where(ReportDraft.start == start, ReportDraft.end == end))
    assert saved.texts["de_xuat"] == texts["de_xuat"] and saved.edited_by == "dieuphoi"
    assert texts["han_che"] in c.get("/dieu-hanh/bao-cao").text  # kept: the page shows the edited draft
    leader = login_client(app, "lanhdao", DEMO_PASSWORD)  # leadership reads and exports, the coordinator edits
    assert (
        leader.post("/dieu-hanh/bao-cao", data={"from": start.isoformat(), "to": end.isoformat(), **texts}).status_code
        == 403
    )
    assert "/dieu-hanh/bao-cao" in leader.get("/reports").text
    c.close()
    leader.close()


def test_the_json_for_the_level_above_follows_its_documented_schema(app, demo_province):
    c = login_client(app, "lanhdao", DEMO_PASSWORD)
    start, end = this_week()
    r = c.get(f"/api/v1/reports/periodic?from={start}&to={end}")
    assert r.status_code == 200, r.text
    body = PeriodicReport.model_validate(r.json())
    assert body.period.from_ == start.isoformat() and r.json()["period"] == {"from": str(start), "to": str(end)}
    assert {f.section for f in body.figures} >= {"plan", "content", "listening", "questions"}
    assert body.plan_groups and body.direction
    schema = c.get("/api/v1/openapi.json").json()
    op = schema["paths"]["/api/v1/reports/periodic"]["get"]
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/PeriodicReport")
    assert op["responses"]["403"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert {p["name"] for p in op["parameters"]} >= {"from", "to"}
    assert "ReportFigure" in schema["components"]["schemas"]
    bad = c.get("/api/v1/reports/periodic?from=2026-11-30&to=2026-11-01")
    assert bad.status_code == 422 and "detail" in bad.json()
    c.close()


def test_the_weekly_job_drafts_and_mails_last_weeks_report_once(db, settings, demo_province, mail):
    modules.load_jobs()  # as a worker does
    with clock.frozen(clock.utcnow() + timedelta(days=7)):  # next week: the demo's week is last week
        weekly_job(db, settings, mail)


def weekly_job(db, settings, mail):
    start, end = report.last_week()
    plan = service.collect(db, start, end)["sections"]["plan"]
    ids = [a["agency_id"] for a in plan["per_agency"][:2]]
    for n, agency in enumerate(db.scalars(select(Agency).where(Agency.id.in_(ids)))):
        agency.email = f"cq{n}@example.vn"
    db.commit()
    without = jobs.run_now(settings, "situation.weekly")  # no SMTP: drafted and kept, not sent
    assert without["outcome"] == "ok" and "chưa cấu hình SMTP" in without["message"], without
    assert not mail.messages
    settings.smtp_host, settings.smtp_port = "127.0.0.1", mail.port
    run = jobs.run_now(settings, "situation.weekly")
    assert run["outcome"] == "ok" and "tới 2 địa chỉ" in run["message"], run
    [msg] = mail.messages
    assert sorted(msg["To"].split(", ")) == ["cq0@example.vn", "cq1@example.vn"]
    assert report.TITLE in msg["Subject"] and f"{start:%d/%m/%Y}" in msg["Subject"]
    assert "- Hoàn thành kế hoạch: " in msg.get_body(("plain",)).get_content()  # the headline figures in the mail
    files = {p.get_filename(): p.get_content() for p in msg.iter_attachments()}
    assert set(files) == {report.filename(start, end, "pdf"), report.filename(start, end, "docx")}
    assert "V. ĐỀ XUẤT, KIẾN NGHỊ" in docx_text(files[report.filename(start, end, "docx")])
    again = jobs.run_now(settings, "situation.weekly")
    assert "đã được gửi" in again["message"] and len(mail.messages) == 1
    db.expire_all()
    assert db.scalar(select(ReportDraft.mailed_at).where(ReportDraft.start == start)) is not None
    assert end - start == timedelta(days=6) and start.weekday() == 0


def test_the_assessment_is_drafted_from_the_figures():
    """A hand-made ``collect()`` answer: what rose the good way, what lagged, who did not report, what waits."""
    plan = {"url": "/plans/1", "as_of": "2021-11-21", "tasks": 5, "overdue": [], "not_reported": []}
    data = {
        "sections": {
            "plan": {
                **plan,
                "done": 2,
                "completion_pct": 40.0,
                "overdue": [
                    {"id": 1, "text": "Phát thanh song ngữ", "agencies": ["Đài PT-TH"], "due_on": "2021-11-18"}
                ],
                "not_reported": ["Huyện ủy Trà Cú"],
            },
            "content": {
                "url": "/content/balance",
                "as_of": "2021-11-21",
                "published": 12,
                "per_channel": [
                    {
                        "channel": "Cổng TTĐT",
                        "published": 12,
                        "epidemic_share": 1.0,
                        "hopeful_share": 0.0,
                        "target": {"epidemic_min": 0.4, "epidemic_max": 0.9, "hopeful_min": 0.3},
                        "on_target": False,
                    }
                ],
            },
            "loudspeakers": {
                "url": "/loudspeakers",
                "as_of": "2021-11-21",
                "communes": 3,
                "communes_broadcast": 2,
                "silent_communes": ["Kim Sơn"],
            },
            "questions": {"url": "/answers", "as_of": "2021-11-21", "asked": 10, "answered_from_faq": 4, "waiting": 3},
        },
        "previous": {
            "plan": {**plan, "done": 1, "completion_pct": 20.0},
            "content": {"published": 8},
            "loudspeakers": {"communes": 3, "communes_broadcast": 3, "silent_communes": []},
            "questions": {"asked": 10, "answered_from_faq": 4, "waiting": 3},
        },
    }
    draft = {k: v.splitlines() for k, v in summary.draft(data).items()}
    assert draft["uu_diem"] == [
        "Hoàn thành kế hoạch: 40,0% (kỳ trước 20,0%, tăng).",
        "Nhiệm vụ hoàn thành: 2 (kỳ trước 1, tăng).",
        "Tin bài đã đăng: 12 (kỳ trước 8, tăng).",
    ]
    assert draft["han_che"] == [
        "Nhiệm vụ quá hạn: 1 (kỳ trước 0, tăng).",
        "Cơ quan chưa báo cáo: 1 (kỳ trước 0, tăng).",
        "Xã có phát thanh: 2 (kỳ trước 3, giảm).",
        "Xã không phát: 1 (kỳ trước 0, tăng).",
        "Chưa báo cáo kết quả trong kỳ: Huyện ủy Trà Cú.",
        "Kênh Cổng TTĐT chưa cân đối nội dung: tin về dịch 100% (mức 40%–90%), tin tích cực 0% (tối thiểu 30%).",
    ]
    assert (
        draft["phuong_huong"][0] == "Đôn đốc các cơ quan chưa báo cáo (Huyện ủy Trà Cú) gửi báo cáo kết quả thực hiện."
    )
    assert "Kiểm tra, khắc phục hệ thống loa ở các xã không phát: Kim Sơn." in draft["phuong_huong"]
    assert draft["de_xuat"] == ["Các cơ quan chuyên môn trả lời 3 câu hỏi của người dân đang chờ."]


def test_the_report_goes_to_the_agencies_named_among_the_plans_recipients(db):
    province = Province(name="Tỉnh Thử")
    named = Agency(province=province, name="Ban Tuyên giáo Tỉnh ủy", email="btg@example.vn")
    doer = Agency(province=province, name="Sở Y tế", email="syt@example.vn")
    db.add_all([province, named, doer])
    db.flush()
    plan = {"recipients": ["Ban Thường vụ Tỉnh ủy (b/c)", "BAN TUYEN GIAO TINH UY", "Lưu VT"]}
    plan["per_agency"] = [{"agency_id": doer.id}]
    assert report.recipients(db, {"sections": {"plan": plan}}) == ["btg@example.vn"]
    plan["recipients"] = ["Lưu VT"]  # nobody named has an address: the agencies doing the tasks
    assert report.recipients(db, {"sections": {"plan": plan}}) == ["syt@example.vn"]

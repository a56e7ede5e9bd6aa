"""Import, tasks, progress reports, figures, exports, reminders and the report upward, on a real database."""

import csv
import io
from datetime import date, datetime, time, timedelta

import pytest
from openpyxl import load_workbook

from loa.clock import LOCAL, frozen, local_day, today_local
from loa.errors import UserError
from loa.plans import report, service
from loa.plans.models import Task
from loa.plans.parser import parse_bytes
from loa.plans.schemas import TaskChanges
from tests.plans.encoders import seed_text, to_vni


def test_import_assigns_agencies(seed_plan, registry):
    assert len(seed_plan.tasks) == 26 and len(seed_plan.groups) == 9
    assert len(seed_plan.purposes) == 7 and len(seed_plan.themes) == 6
    by_group = {g.name: sorted({a.name for t in g.tasks for a in t.agencies}) for g in seed_plan.groups}
    assert by_group["Sở Y tế"] == ["Sở Y tế"]
    assert by_group["Báo Trà Vinh, Đài Phát thanh - Truyền hình Trà Vinh"] == [
        "Báo Trà Vinh",
        "Đài Phát thanh - Truyền hình Trà Vinh",
    ]
    assert by_group["Mặt trận Tổ quốc Việt Nam và các tổ chức chính trị - xã hội"] == ["Ủy ban MTTQ Việt Nam tỉnh"]
    assert by_group["Ban Chỉ đạo 35 tỉnh, cấp huyện và tương đương"] == ["Ban Chỉ đạo 35 tỉnh"]
    districts = by_group["Các huyện ủy, thị ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy"]
    assert len(districts) == 9 and "Huyện ủy Cầu Ngang" in districts
    assert all(t.status == "not_started" and t.events[0].kind == "created" for t in seed_plan.tasks)
    assert sum(1 for t in seed_plan.tasks if t.theme is not None) >= 10


def test_plan_themes_become_content_themes(db, seed_plan):
    from loa.content import service as content

    linked = [t for t in content.list_themes(db) if t.source == f"plan:{seed_plan.id}"]
    assert len(linked) == 6
    assert any("5K + Vắc xin" in t.name or "Thông tin, tuyên truyền toàn diện" in t.name for t in linked)


def test_matching_is_diacritics_and_case_insensitive(registry):
    agencies = list(registry.values())
    assert [a.name for a in service.match_body(agencies, "SO Y TE")] == ["Sở Y tế"]
    assert [a.name for a in service.match_body(agencies, "đài phát thanh - truyền hình trà vinh")] == [
        "Đài Phát thanh - Truyền hình Trà Vinh"
    ]
    assert service.match_body(agencies, "Sở Giáo dục và Đào tạo") == []


def test_import_is_idempotent_across_encodings(db, settings, people, seed_plan):
    before = db.query(Task).count()
    with pytest.raises(UserError) as err:
        service.import_plan(db, settings, parse_bytes(to_vni(seed_text())), people["coordinator"])
    assert err.value.status == 409
    db.rollback()
    assert db.query(Task).count() == before


def test_unknown_bodies_created_only_when_asked(db, settings, people):
    text = seed_text().replace("5. Sở Y tế", "5. Sở Giáo dục và Đào tạo")
    parsed = parse_bytes(text.encode())
    plan = service.import_plan(db, settings, parsed, people["coordinator"])
    group = plan.groups[4]
    assert all(t.agencies == [] for t in group.tasks)
    db.rollback()
    plan = service.import_plan(db, settings, parsed, people["coordinator"], choices={"Sở Giáo dục và Đào tạo": "new"})
    assert [a.name for a in plan.groups[4].tasks[0].agencies] == ["Sở Giáo dục và Đào tạo"]
    assert plan.groups[4].tasks[0].agencies[0].kind == "government"


def test_members_update_only_their_agencys_tasks(db, settings, people, seed_plan):
    member = people["agency_member"]  # Sở Y tế
    health_task = seed_plan.groups[4].tasks[0]
    other_task = seed_plan.groups[0].tasks[0]
    service.update_task(db, health_task, member, TaskChanges(status="in_progress"))
    assert health_task.status == "in_progress" and health_task.events[-1].detail == {
        "status": ["not_started", "in_progress"]
    }
    with pytest.raises(UserError) as err:
        service.update_task(db, other_task, member, TaskChanges(status="done"))
    assert err.value.status == 403 and other_task.status == "not_started"
    with pytest.raises(UserError) as err:
        service.update_task(db, health_task, member, TaskChanges(due_on=date(2021, 9, 1)))
    assert err.value.status == 403
    with pytest.raises(UserError):
        service.update_task(
            db, health_task, people["coordinator"], TaskChanges(start_on=date(2021, 9, 2), due_on=date(2021, 9, 1))
        )


def test_recurring_task_moves_to_next_due_date(db, settings, people, seed_plan):
    task = seed_plan.tasks[0]
    coord = people["coordinator"]
    service.update_task(
        db, task, coord, TaskChanges(due_on=date(2021, 1, 31), recurrence="monthly", start_on=date(2021, 1, 1))
    )
    service.update_task(db, task, coord, TaskChanges(status="done"))
    assert (task.status, task.due_on) == ("in_progress", date(2021, 2, 28))
    service.update_task(db, task, coord, TaskChanges(recurrence="weekly"))
    service.update_task(db, task, coord, TaskChanges(status="done"))
    assert task.due_on == date(2021, 3, 7)
    service.update_task(db, task, coord, TaskChanges(recurrence=""))
    service.update_task(db, task, coord, TaskChanges(status="done"))
    assert task.status == "done" and task.completed_at is not None


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def test_progress_report_with_attachments(db, settings, people, seed_plan):
    task = seed_plan.groups[4].tasks[0]
    report = service.add_report(
        db,
        settings,
        task,
        people["agency_member"],
        "Đã đăng 12 tin bài khuyến cáo.",
        figures={"Tin bài": "12", "Lượt phát loa": "3,5"},
        links=["https://syt.travinh.gov.vn/a"],
        files=[("anh.png", PNG), ("bao-cao.pdf", b"%PDF-1.4 test")],
    )
    assert report.figures == {"Tin bài": 12.0, "Lượt phát loa": 3.5}
    assert [a.content_type for a in report.attachments] == ["image/png", "application/pdf"]
    assert service.attachment_path(settings, report.attachments[0]).read_bytes() == PNG
    assert task.status == "in_progress"  # the first report starts the task


@pytest.mark.parametrize(
    "files,status",
    [
        ([("virus.exe", b"MZ...")], 415),
        ([("gia.pdf", b"not a pdf")], 415),
        ([("x.png", PNG)] * 6, 422),
        ([("to.pdf", b"%PDF-" + b"0" * (11 * 1024 * 1024))], 413),
    ],
)
def test_bad_attachments_store_nothing(db, settings, people, seed_plan, files, status):
    task = seed_plan.groups[4].tasks[0]
    with pytest.raises(UserError) as err:
        service.add_report(db, settings, task, people["agency_member"], "Báo cáo", files=files)
    assert err.value.status == status
    assert task.reports == [] and not (settings.files_dir / "plans").exists()


def test_overview_exports_and_reminders(db, settings, people, seed_plan):
    today = date(2021, 9, 15)
    coord = people["coordinator"]
    tasks = seed_plan.groups[4].tasks
    service.update_task(db, tasks[0], coord, TaskChanges(start_on=date(2021, 9, 1), due_on=today - timedelta(days=2)))
    service.update_task(db, tasks[1], coord, TaskChanges(start_on=date(2021, 9, 1), due_on=today + timedelta(days=1)))
    service.update_task(db, seed_plan.groups[7].tasks[0], coord, TaskChanges(status="done"))
    info = service.overview(seed_plan, today)
    assert info["total"].total == 26 and info["total"].counts["done"] == 1 and info["total"].overdue == 1
    health = next(p for p in info["by_agency"] if p.label == "Sở Y tế")
    assert (health.total, health.overdue) == (2, 1)
    assert sum(p.total for p in info["by_theme"]) == 26
    due = service.reminders(db, people["agency_member"], today)
    assert [t.id for t in due["overdue"]] == [tasks[0].id] and [t.id for t in due["due_soon"]] == [tasks[1].id]
    assert service.reminders(db, people["editor"], today) == {"overdue": [], "due_soon": []}
    digest = service.digests(db, today)
    assert [d["agency"].name for d in digest] == ["Sở Y tế"]
    assert "Quá hạn:" in service.digest_text(digest[0], today)

    rows = list(csv.reader(io.StringIO(service.export_csv(seed_plan).decode("utf-8-sig"))))
    assert rows[0][:4] == ["Mã", "Nhóm cơ quan", "Cơ quan thực hiện", "Nhiệm vụ"] and len(rows) == 27
    assert rows[1 + 12][3].startswith("Chủ động, cung cấp kịp thời")
    ws = load_workbook(io.BytesIO(service.export_xlsx(seed_plan))).active
    assert ws.max_row == 27 and ws["F2"].value == "Chưa bắt đầu"


def test_export_cells_never_start_formulas(db, settings, people):
    text = seed_text().replace("- Chủ động, cung cấp kịp thời", '=HYPERLINK("x") cung cấp kịp thời')
    plan = service.import_plan(db, settings, parse_bytes(text.encode()), people["coordinator"])
    assert any(
        str(c).startswith("'=HYPERLINK")
        for row in csv.reader(io.StringIO(service.export_csv(plan).decode("utf-8-sig")))
        for c in row
    )


def test_email_digest_uses_smtp(db, settings, people, seed_plan, mail):
    today = date(2021, 9, 15)
    people["agencies"]["health"].email = "syt@example.vn"
    service.update_task(
        db, seed_plan.groups[4].tasks[0], people["coordinator"], TaskChanges(start_on=today, due_on=today)
    )
    assert service.send_digests(db, settings, today) == []  # no SMTP host: shown in the app instead
    settings.smtp_host, settings.smtp_port = "127.0.0.1", mail.port
    sent = service.send_digests(db, settings, today)
    assert [(d.agency, d.address, d.status) for d in sent] == [("Sở Y tế", "syt@example.vn", "sent")]
    assert [m["To"] for m in mail.messages] == ["syt@example.vn"]
    assert "Sắp đến hạn" in mail.messages[0].get_content() and "15/09/2021" in mail.messages[0]["Subject"]
    again = service.send_digests(db, settings, today)  # the same day: recorded, not sent twice
    assert [d.status for d in again] == ["already_sent"] and len(mail.messages) == 1


def test_report_upward_pdf_and_docx(db, settings, people, seed_plan, tmp_path):
    import subprocess

    from docx import Document as Docx
    from pypdf import PdfReader

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
    today = today_local()
    pdf = tmp_path / "bao-cao.pdf"
    pdf.write_bytes(service.render_report(seed_plan, today - timedelta(days=7), today, "pdf", "Trà Vinh"))
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    assert list(tmp_path.glob("p*.png"))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH",
        "Trà Vinh, ngày",
        "Sở Y tế",
        "nhiệm vụ: đã hoàn thành 1",
        "Đăng 12 tin, bài khuyến cáo tiêm vắc xin. (Tin bài: 12)",
        "kế hoạch có 26 nhiệm vụ: hoàn thành 1",
        "Tổng cộng 26 1",
        "Nơi nhận:",
    ):
        assert expected in text, expected
    d = Docx(io.BytesIO(service.render_report(seed_plan, today - timedelta(days=7), today, "docx")))
    assert "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH" in [p.text for p in d.paragraphs]
    old = " ".join(
        " ".join(
            p.extract_text()
            for p in PdfReader(
                io.BytesIO(service.render_report(seed_plan, date(2021, 1, 1), date(2021, 1, 31), "pdf"))
            ).pages
        ).split()
    )
    assert "Báo cáo tiến độ trong kỳ" not in old  # the report lies outside that period
    assert "kế hoạch có 0 nhiệm vụ" in old  # nor did the tasks exist then
    assert " 0 nhiệm vụ" not in text.replace("có 0 nhiệm vụ", "")  # no agency without tasks, no empty list
    with pytest.raises(UserError):
        service.render_report(seed_plan, today, today - timedelta(days=1), "pdf")
    with pytest.raises(UserError):
        service.render_report(seed_plan, today, today, "odt")


def test_report_text_is_scrubbed_of_personal_data(db, settings, people, seed_plan):
    report = service.add_report(
        db,
        settings,
        seed_plan.groups[4].tasks[0],
        people["agency_member"],
        "Đã gọi lại cho người hỏi (0912 345 678); đường dây nóng 1900 9095 trực 24/7.",
    )
    assert "0912" not in report.text and "[SĐT]" in report.text and "1900 9095" in report.text


def test_the_report_tells_the_period_as_it_was(db, settings, people, seed_plan):
    """Statuses and due dates at the end of the period come from the task's history, not from today."""
    task = seed_plan.groups[4].tasks[0]
    first_day = local_day(task.created_at)
    later = datetime.combine(first_day + timedelta(days=3), time(9), tzinfo=LOCAL)
    with frozen(later):
        service.update_task(db, task, people["coordinator"], TaskChanges(status="in_progress", due_on=first_day))
    with frozen(later + timedelta(days=2)):
        service.update_task(db, task, people["coordinator"], TaskChanges(status="done"))
    db.flush()
    assert report.state_on(task, first_day - timedelta(days=1)) is None
    assert report.state_on(task, first_day) == ("not_started", None)
    assert report.state_on(task, first_day + timedelta(days=3)) == ("in_progress", first_day)
    assert report.state_on(task, first_day + timedelta(days=5)) == ("done", first_day)
    doc = report.report_document(seed_plan, first_day, first_day + timedelta(days=4), "Trà Vinh", today=later.date())
    text = " ".join(getattr(b, "text", "") for b in doc.blocks)
    assert "hoàn thành 0" in text and "quá hạn 1" in text  # overdue then; done only afterwards

"""Plans pages and API: import with preview and confirm, permissions, task updates, reports, exports."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from loa.plans.models import Plan, ProgressReport, Task
from tests.conftest import ROLES, audit_count
from tests.plans.encoders import seed_bytes, seed_text, to_tcvn3

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _count(db, model):
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


def test_import_preview_confirm(login, db, settings, registry):
    c = login("coordinator")
    page = c.post("/plans/import", files={"file": ("ke-hoach.txt", to_tcvn3(seed_text()))}, data={"csrf_token": c.csrf})
    assert page.status_code == 200, page.text
    assert page.text.count('data-testid="preview-group"') == 9 and "Nhiệm vụ: 26" in page.text
    assert "Khớp: Ủy ban MTTQ Việt Nam tỉnh" in page.text
    assert _count(db, Plan) == 0  # the preview stores nothing
    digest = page.text.split('name="digest" value="')[1].split('"')[0]
    form = {"csrf_token": c.csrf, "digest": digest, "filename": "ke-hoach.txt"}
    bodies = page.text.split('name="body_name_')[1:]
    for i, chunk in enumerate(bodies):
        form[f"body_name_{i}"] = chunk.split('value="')[1].split('"')[0]
        form[f"body_{i}"] = "auto"
    form["body_4"] = "new"  # create a new agency for group 5's body instead of the match
    r = c.post("/plans/import/confirm", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    plan_page = c.get(r.headers["location"])
    assert plan_page.text.count('data-testid="group"') == 9 and plan_page.text.count('data-testid="task-row"') == 26
    again = c.post("/plans/import", files={"file": ("k.txt", seed_bytes())}, data={"csrf_token": c.csrf})
    assert "đã được nhập trước đây" in again.text
    assert c.post("/plans/import/confirm", data=form).status_code == 422  # the upload was used up


@pytest.mark.parametrize(
    "data,message",
    [(b"", "tệp rỗng"), (b"%PDF-1.4 hong", "PDF bị hỏng"), ("Biên bản cuộc họp\nNội dung".encode(), "dừng ở dòng 1")],
)
def test_bad_uploads_are_refused_with_a_message(login, settings, data, message):
    c = login("coordinator")
    before = audit_count(settings)
    r = c.post("/plans/import", files={"file": ("x.txt", data)}, data={"csrf_token": c.csrf})
    assert r.status_code in (413, 422) and message in r.text
    assert audit_count(settings) == before


def test_oversized_upload(login, settings):
    c = login("coordinator")
    r = c.post("/api/v1/plans/parse", files={"file": ("big.txt", b"a" * (settings.max_upload_mb * 1024 * 1024 + 10))})
    assert r.status_code == 413


def test_api_parse_and_import(login, db, registry):
    c = login("coordinator")
    parsed = c.post("/api/v1/plans/parse", files={"file": ("k.txt", seed_bytes())}).json()
    assert len(parsed["agency_groups"]) == 9 and parsed["matches"]["Sở Y tế"] == ["Sở Y tế"]
    r = c.post("/api/v1/plans", files={"file": ("k.txt", seed_bytes())}, data={"create_agencies": "true"})
    assert r.status_code == 201 and len(r.json()["tasks"]) == 26
    plan_id = r.json()["id"]
    assert c.get(f"/api/v1/plans/{plan_id}").json()["purposes"][0].startswith("Tạo sự thống nhất")
    assert c.post("/api/v1/plans", files={"file": ("k.txt", seed_bytes())}).status_code == 409


def _tasks(db, seed_plan):
    health = seed_plan.groups[4].tasks[0].id
    other = seed_plan.groups[0].tasks[0].id
    return health, other


# (method, path builder, body kind, payload, roles allowed) — "own" = a task of the member's agency (Sở Y tế)
ENDPOINTS = [
    ("POST", lambda own, other: "/plans/import", "file", {}, {"admin", "coordinator"}),
    ("POST", lambda own, other: "/api/v1/plans", "file", {}, {"admin", "coordinator"}),
    (
        "POST",
        lambda own, other: f"/plans/tasks/{own}",
        "form",
        {"status": "in_progress"},
        {"admin", "coordinator", "agency_member"},
    ),
    (
        "PATCH",
        lambda own, other: f"/api/v1/plans/tasks/{own}",
        "json",
        {"status": "paused"},
        {"admin", "coordinator", "agency_member"},
    ),
    (
        "POST",
        lambda own, other: f"/plans/tasks/{own}/reports",
        "form",
        {"text": "Đã phát 20 lượt loa."},
        {"admin", "coordinator", "agency_member"},
    ),
    (
        "POST",
        lambda own, other: f"/api/v1/plans/tasks/{own}/reports",
        "json",
        {"text": "Đã đăng 5 tin."},
        {"admin", "coordinator", "agency_member"},
    ),
    (
        "PATCH",
        lambda own, other: f"/api/v1/plans/tasks/{own}",
        "json",
        {"due_on": "2099-12-31"},
        {"admin", "coordinator"},
    ),
    ("POST", lambda own, other: f"/plans/tasks/{other}", "form", {"status": "done"}, {"admin", "coordinator"}),
    ("PATCH", lambda own, other: f"/api/v1/plans/tasks/{other}", "json", {"status": "done"}, {"admin", "coordinator"}),
    ("POST", lambda own, other: f"/plans/tasks/{other}/reports", "form", {"text": "x"}, {"admin", "coordinator"}),
    (
        "POST",
        lambda own, other: f"/api/v1/plans/tasks/{other}/reports",
        "json",
        {"text": "x"},
        {"admin", "coordinator"},
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "method,path,kind,payload,allowed",
    ENDPOINTS,
    ids=[f"{e[0]}-{e[1](1, 2).replace('/', '_')}-{i}" for i, e in enumerate(ENDPOINTS)],
)
def test_permission_matrix(login, db, settings, seed_plan, role, method, path, kind, payload, allowed):
    c = login(role)
    own, other = _tasks(db, seed_plan)
    url = path(own, other)
    before = audit_count(settings)
    reports_before = _count(db, ProgressReport)
    if kind == "file":
        other_plan = seed_text().replace("KẾ HOẠCH", "KẾ HOẠCH bổ sung", 1).encode()
        r = c.request(
            method, url, files={"file": ("k.txt", other_plan)}, data={"csrf_token": c.csrf}, follow_redirects=False
        )
    elif kind == "form":
        r = c.request(method, url, data={**payload, "csrf_token": c.csrf}, follow_redirects=False)
    else:
        r = c.request(method, url, json=payload, follow_redirects=False)
    if role in allowed:
        assert r.status_code in (200, 201, 303), r.text
        if url != "/plans/import":  # the preview writes nothing by design
            assert audit_count(settings) > before
    else:
        assert r.status_code == 403, r.text
        assert audit_count(settings) == before and _count(db, ProgressReport) == reports_before


def test_member_cannot_update_another_agencys_task(login, db, settings, seed_plan):
    c = login("agency_member")
    _own, other = _tasks(db, seed_plan)
    before = audit_count(settings)
    r = c.post(f"/plans/tasks/{other}", data={"status": "done", "csrf_token": c.csrf})
    assert r.status_code == 403 and "cơ quan mình" in r.text
    assert audit_count(settings) == before
    db.expire_all()
    assert db.get(Task, other).status == "not_started"


def test_task_page_report_with_attachment_and_history(login, db, settings, seed_plan):
    c = login("agency_member")
    own, _other = _tasks(db, seed_plan)
    r = c.post(
        f"/plans/tasks/{own}/reports",
        data={
            "csrf_token": c.csrf,
            "text": "Đã đăng 12 tin, bài.",
            "figure_label_0": "Tin bài",
            "figure_value_0": "12",
            "links": "https://baotravinh.vn/a",
            "status": "done",
        },
        files=[("files", ("anh chup.png", PNG, "image/png"))],
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    page = c.get(f"/plans/tasks/{own}").text
    assert "Đã đăng 12 tin, bài." in page and "anh chup.png" in page
    assert '<dt>Tin bài</dt><dd class="num">12</dd>' in page
    assert "Hoàn thành" in page and "gửi báo cáo tiến độ" in page
    history = page.split('data-testid="history"')[1].split("</ul>")[0]
    assert "Trạng thái: Chưa bắt đầu → Hoàn thành" in history and "not_started" not in history
    c.get("/lang/en")
    history = c.get(f"/plans/tasks/{own}").text.split('data-testid="history"')[1].split("</ul>")[0]
    assert "Status: Not started → Done" in history
    c.get("/lang/vi")
    href = page.split('href="/plans/attachments/')[1].split('"')[0]
    assert c.get(f"/plans/attachments/{href}").content == PNG
    before = audit_count(settings)
    bad = c.post(
        f"/plans/tasks/{own}/reports",
        data={"csrf_token": c.csrf, "text": "x"},
        files=[("files", ("a.png", b"GIF89a", "image/png")), ("files", ("b.png", PNG, "image/png"))],
    )
    assert bad.status_code == 415 and "không đúng định dạng" in bad.text
    assert audit_count(settings) == before


def test_views_and_exports(login, db, seed_plan):
    c = login("viewer")
    overview = c.get(f"/plans/{seed_plan.id}").text
    assert 'data-testid="chart"' in overview and overview.count('data-testid="agency-row"') >= 10
    ws = load_workbook(io.BytesIO(c.get(f"/plans/{seed_plan.id}/tasks.xlsx").content)).active
    assert ws.max_row == 27
    assert c.get(f"/plans/{seed_plan.id}/tasks.csv").content.decode("utf-8-sig").count("\n") >= 27
    pdf = c.post(f"/plans/{seed_plan.id}/report", data={"start": "2021-09-01", "end": "2021-09-30", "format": "pdf"})
    assert pdf.status_code == 200 and pdf.url.path.startswith("/jobs/")  # the report's job page
    assert c.get(f"{pdf.url.path}/file").content.startswith(b"%PDF")
    docx = c.post(f"/plans/{seed_plan.id}/report", data={"format": "docx"})
    assert c.get(f"{docx.url.path}/file").content.startswith(b"PK")
    member = login("agency_member")
    mine = member.get("/plans/my").text
    assert mine.count('data-testid="task-row"') == 2
    assert mine.count('data-testid="my-plan"') == 1 and f'href="/plans/{seed_plan.id}">' in mine  # named by plan
    assert "Kế hoạch: nhắc việc" in member.get("/").text
    assert member.get("/plans/reminders").status_code == 200


def test_hostile_html_in_a_plan_is_shown_as_text(login, db, registry):
    c = login("coordinator")
    hostile = seed_text().replace("- Chủ động, cung cấp kịp thời", "- <script>alert('x')</script> cung cấp kịp thời")
    r = c.post("/api/v1/plans", files={"file": ("k.txt", hostile.encode())})
    assert r.status_code == 201
    page = c.get(f"/plans/{r.json()['id']}").text
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page

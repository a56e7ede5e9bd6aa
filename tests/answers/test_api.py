"""The whole loop through the JSON API, and the permission matrix of every mutating answers endpoint."""

import io

import pytest
from sqlalchemy import select

from loa.answers import service, transfer
from loa.answers.models import FaqEntry
from loa.jobs.models import Job
from tests.answers.test_import import GOOD, HEADER
from tests.conftest import ROLES, assert_permission, audit_count, count, job_of

QUESTION = "Đi đò qua sông Cổ Chiên có cần giấy xét nghiệm không?"


def test_ask_unanswered_answered_reviewed_next_asker(client, login, db, people):
    transfer.import_starter(db)
    db.commit()
    known = client.post("/api/v1/answers/ask", json={"question": "tiem vx xong uong ruou bia dc ko"}).json()
    assert known["answered"] and set(known) >= {"answered", "entry_id", "score", "answer", "source", "alternatives"}

    first = client.post("/api/v1/answers/ask", json={"question": QUESTION + " Số tôi 0912.345.678"}).json()
    assert first["answered"] is False and first["answer"] is None
    client.post("/api/v1/answers/ask", json={"question": "di do qua song co chien can xet nghiem ko"})

    editor, reviewer = login("editor"), login("reviewer")
    queue = editor.get("/api/v1/answers/unanswered").json()
    group = next(g for g in queue if g["id"] == first["group_id"])
    assert group["count"] == 2 and all("0912" not in q for q in group["questions"])
    r = editor.post(
        f"/api/v1/answers/unanswered/{group['id']}/answer",
        json={
            "answer": "Đi đò trong tỉnh không cần giấy xét nghiệm; đeo khẩu trang trên đò.",
            "source": "Sở Y tế Trà Vinh",
            "source_date": "2021-10-20",
        },
    )
    assert r.status_code == 201, r.text
    entry = r.json()
    assert entry["status"] == "draft"
    assert not client.post("/api/v1/answers/ask", json={"question": QUESTION}).json()["answered"]

    assert reviewer.post(f"/api/v1/answers/entries/{entry['id']}/approve").status_code == 200
    later = client.post(
        "/api/v1/answers/ask", json={"question": "Qua đò sông Cổ Chiên có phải xét nghiệm không?"}
    ).json()
    assert later["answered"] and later["entry_id"] == entry["id"]
    assert later["source"] == "Sở Y tế Trà Vinh" and later["reviewed_at"]
    assert all(g["id"] != group["id"] for g in editor.get("/api/v1/answers/unanswered").json())


def test_bad_ask_payloads(client):
    assert client.post("/api/v1/answers/ask", json={"question": ""}).status_code == 422
    assert client.post("/api/v1/answers/ask", json={}).status_code == 422


def test_export_csv_and_xlsx_round_trip(login, db):
    transfer.import_starter(db)
    db.commit()
    viewer = login("viewer")
    csv_bytes = viewer.get("/answers/export.csv").content
    xlsx_bytes = viewer.get("/answers/export.xlsx").content
    n = len(service.list_entries(db))
    assert len(transfer.read_csv(csv_bytes)) == n and len(transfer.read_xlsx(xlsx_bytes)) == n
    editor = login("editor")
    for name, data in (("a.csv", csv_bytes), ("a.xlsx", xlsx_bytes)):
        job = job_of(editor, editor.post("/api/v1/answers/import", files={"file": (name, io.BytesIO(data))}))
        assert job["status"] == "done" and job["result"]["created"] == 0 and job["result"]["skipped"] == n
        assert job["counts"] == {"total": n, "rows": n, "created": 0, "skipped": n}


def _group(db):
    g = service.queue(db, "Chợ Trà Cú có mở cửa lại chưa?")
    db.commit()
    return g.id


def _draft(db):
    e = service.create_entry(db, {"question": "Câu hỏi thử nghiệm?", "answer": "Trả lời thử.", "source": "Sở Y tế"})
    db.commit()
    return e.id


ENTRY = {"question": "Khi nào cần gọi 115?", "answer": "Khi khó thở, SpO2 dưới 94%.", "source": "Bộ Y tế"}
CSV = "question,answer,source\nCó cần xét nghiệm khi về quê không?,Theo quy định địa phương.,Sở Y tế\n".encode()
ENDPOINTS = [
    ("/api/v1/answers/entries", lambda db: None, "json", ENTRY, {"editor", "coordinator"}),
    ("/api/v1/answers/entries/{}/approve", _draft, "json", None, {"reviewer"}),
    ("/api/v1/answers/entries/{}/retire", _draft, "json", None, {"reviewer"}),
    (
        "/api/v1/answers/unanswered/{}/answer",
        _group,
        "json",
        {"answer": "Chợ đã mở lại.", "source": "UBND huyện"},
        {"editor", "coordinator"},
    ),
    ("/api/v1/answers/unanswered/{}/dismiss", _group, "json", None, {"editor", "coordinator"}),
    ("/api/v1/answers/import", lambda db: None, "file", CSV, {"editor", "coordinator"}),
    ("/answers/entries", lambda db: None, "form", ENTRY, {"editor", "coordinator"}),
    ("/answers/entries/{}/approve", _draft, "form", {}, {"reviewer"}),
    (
        "/answers/queue/{}/answer",
        _group,
        "form",
        {"answer": "Chợ đã mở lại.", "source": "UBND huyện"},
        {"editor", "coordinator"},
    ),
    ("/answers/queue/{}/dismiss", _group, "form", {}, {"editor", "coordinator"}),
    ("/answers/import", lambda db: None, "upload", CSV, {"editor", "coordinator"}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path,setup,kind,payload,allowed", ENDPOINTS, ids=[f"{e[2]}:{e[0]}" for e in ENDPOINTS])
def test_permission_matrix(login, db, settings, role, path, setup, kind, payload, allowed):
    c = login(role)
    target = path.format(setup(db))
    before, queued = audit_count(settings), count(db, Job)
    if kind == "json":
        r = c.post(target, json=payload, follow_redirects=False)
    elif kind == "form":
        r = c.post(target, data={**payload, "csrf_token": c.csrf}, follow_redirects=False)
    else:
        extra = {"data": {"csrf_token": c.csrf}} if kind == "upload" else {}
        r = c.post(target, files={"file": ("faq.csv", io.BytesIO(payload))}, follow_redirects=False, **extra)
    assert_permission(settings, before, r, role in allowed or role == "admin", ok=(200, 201, 202, 303))
    if path.endswith("/import"):
        assert count(db, Job) == queued + (role in allowed or role == "admin")  # a refused person queues nothing
        if role in allowed or role == "admin":
            assert job_of(c, r)["result"]["created"] == 1


def test_anonymous_may_ask_but_not_write(client, db, settings):
    before = audit_count(settings)
    assert client.post("/api/v1/answers/entries", json=ENTRY).status_code == 401
    assert client.get("/api/v1/answers/unanswered").status_code == 401
    assert audit_count(settings) == before
    assert client.post("/api/v1/answers/ask", json={"question": "Chợ Trà Cú mở cửa chưa?"}).status_code == 200


def test_web_import_runs_as_a_job_and_imports_arrive_unapproved(login, db):
    editor = login("coordinator")
    r = editor.post(
        "/answers/import",
        files={"file": ("faq.csv", GOOD.encode(), "text/csv")},
        data={"csrf_token": editor.csrf},
        follow_redirects=False,
    )
    job = job_of(editor, r)
    assert job["status"] == "done" and job["kind"] == "answers.import"
    assert job["message"] == "Đã nhập 2 mục mới, bỏ qua 0 mục đã có." and job["result"]["url"] == "/answers"
    page = editor.get(r.headers["location"]).text
    assert "Mục mới" in page and 'href="/answers"' in page
    assert set(db.scalars(select(FaqEntry.status))) == {"draft"}  # the approved row arrives as a draft
    admin = login("admin")  # a reviewer too, but imports arrive unapproved whoever sends them
    job = job_of(
        admin,
        admin.post(
            "/api/v1/answers/import",
            data={"status": "approved"},
            files={
                "file": (
                    "more.csv",
                    (HEADER + "Trẻ em có cần đeo khẩu trang không?,,Trẻ từ 2 tuổi nên đeo.,WHO,,,,\n").encode(),
                )
            },
        ),
    )
    assert job["result"] == {**job["result"], "created": 1, "skipped": 0}
    db.expire_all()
    assert db.scalar(select(FaqEntry.status).where(FaqEntry.source == "WHO")) == "draft"
    again = job_of(editor, editor.post("/api/v1/answers/import", files={"file": ("faq.csv", GOOD.encode())}))
    assert again["result"]["created"] == 0 and again["result"]["skipped"] == 2 and count(db, FaqEntry) == 3
    queued = count(db, Job)
    bad = editor.post(
        "/api/v1/answers/import", data={"status": "published"}, files={"file": ("faq.csv", GOOD.encode())}
    )
    assert bad.status_code == 422 and count(db, Job) == queued


def test_bad_file_fails_the_job_with_its_line_and_imports_nothing(login, db, settings):
    c = login("editor")
    before = audit_count(settings)
    rows = "".join(f"Câu hỏi số {i}?,,Trả lời số {i}.,Bộ Y tế,,,,\n" for i in range(20))
    data = (HEADER + rows + "Ngày sai?,,Trả lời.,Bộ Y tế,,20/11/2021,,\n").encode()
    for r in (
        c.post("/api/v1/answers/import", files={"file": ("faq.csv", data)}),
        c.post(
            "/answers/import", files={"file": ("faq.csv", data)}, data={"csrf_token": c.csrf}, follow_redirects=False
        ),
    ):
        job = job_of(c, r)
        assert job["status"] == "failed" and job["message"].startswith("Dòng 22: ngày nguồn phải có dạng YYYY-MM-DD.")
        assert job["errors"] == [
            {
                "line": 22,
                "problem": "Ngày nguồn phải có dạng YYYY-MM-DD.",
                "problem_en": "the source date must be YYYY-MM-DD.",
            }
        ]
        assert job["result"]["message_en"].startswith("Line 22:")
        page = c.get(f"/jobs/{job['id']}").text
        assert "Thất bại" in page and "<td>22</td>" in page and "Không có mục nào được nhập." in page
    assert count(db, FaqEntry) == 0 and audit_count(settings) == before

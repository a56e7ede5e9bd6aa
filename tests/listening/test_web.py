"""Pages, API, permission matrix (every role × mutating endpoint), report files, demo and CLI."""

import json
import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select

from loa.clock import local_day, today_local
from loa.jobs.models import JobFile
from loa.listening import demo, service
from loa.listening.models import Alert, Item
from loa.listening.pipeline import Post
from tests import conftest
from tests.conftest import ROLES, audit_count, state
from tests.listening.conftest import days_ago

WORK = {"admin", "coordinator", "agency_member"}
KEYS = {"category", "subcategories", "is_question", "is_concern", "sentiment"}


def csv_for(role):
    return (
        f"text,time,author\nNgười dân ấp {role} hỏi lịch tiêm mũi nhắc lại ở trạm y tế xã,2021-10-05 08:00,"
        f"Nguyễn Văn {role}\n"
    ).encode()


@state()
def world(db, people):
    source = service.create_source(db, name="Hỏng", url="http://127.0.0.1:9/feed.xml")
    service.ingest(db, [Post("Tiêm vắc xin xong bị sốt cao có sao không?", days_ago(1))])
    alert = Alert(topic=14, day=days_ago(1).date(), count=9, baseline=1.0, p_value=1e-6, evidence={"examples": []})
    db.add(alert)
    db.commit()
    return {"source": source.id, "alert": alert.id}


ENDPOINTS = [
    # (method, path, body(role, world, client) → kwargs, allowed roles, writes an audit row)
    (
        "POST",
        "/api/v1/listening/sources",
        lambda r, w, c: {"json": {"name": f"Báo {r}", "url": f"https://bao.example/{r}.rss"}},
        WORK,
        True,
    ),
    (
        "POST",
        "/listening/sources",
        lambda r, w, c: {"data": {"name": f"Trang {r}", "url": f"https://trang.example/{r}.rss", "csrf_token": c.csrf}},
        WORK,
        True,
    ),
    ("POST", "/api/v1/listening/poll?force=true", lambda r, w, c: {}, WORK, True),
    ("POST", "/listening/sources/{source}/poll", lambda r, w, c: {"data": {"csrf_token": c.csrf}}, WORK, True),
    ("POST", "/listening/sources/{source}/toggle", lambda r, w, c: {"data": {"csrf_token": c.csrf}}, WORK, True),
    (
        "POST",
        "/api/v1/listening/import",
        lambda r, w, c: {"files": {"file": (f"{r}.csv", csv_for(r), "text/csv")}},
        WORK,
        True,
    ),
    ("POST", "/listening/alerts/{alert}/close", lambda r, w, c: {"data": {"csrf_token": c.csrf}}, WORK, True),
    (
        "POST",
        "/listening/taxonomy/12",
        lambda r, w, c: {
            "data": {
                "name_vi": f"Sức khỏe tâm thần ({r})",
                "name_en": "Mental health",
                "alerts": "1",
                "csrf_token": c.csrf,
            }
        },
        {"admin"},
        True,
    ),
    ("POST", "/listening/retention", lambda r, w, c: {"data": {"csrf_token": c.csrf}}, {"admin"}, False),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,path,body,allowed,audits", ENDPOINTS, ids=[e[1] for e in ENDPOINTS])
def test_permission_matrix(login, settings, world, role, method, path, body, allowed, audits):
    c = login(role)
    before = audit_count(settings)
    r = c.request(method, path.format(**world), follow_redirects=False, **body(role, world, c))
    if role in allowed:
        assert r.status_code in (200, 201, 202, 303), r.text
        assert audit_count(settings) > before or not audits
    else:
        assert r.status_code == 403, r.text
        assert audit_count(settings) == before


def test_pages_render_on_demo_data(db, people, login, settings):
    demo.seed(db, None)
    db.commit()
    assert db.scalar(select(Alert).where(Alert.topic == 23)) is not None  # the rising topic fired
    c = login("viewer")
    home = c.get("/")
    assert "Lắng nghe" in home.text and 'data-testid="listening-panel-alerts"' in home.text
    page = c.get("/listening")
    assert page.status_code == 200 and 'data-testid="topics"' in page.text
    assert "/listening/topics/37" not in page.text  # count only, no drill-down
    assert c.get("/listening/topics/37").status_code == 200
    assert "phản đối" not in c.get("/listening/topics/37").text
    alert = db.scalar(select(Alert).where(Alert.topic == 23))
    shown = c.get(f"/listening/alerts/{alert.id}").text
    assert "nhị thức âm" in shown and "số tin dự kiến" in shown  # in the details; said in words first:
    assert re.search(r'data-testid="rarity">Tăng bất thường: .* hiếm gặp hơn 1 lần trong [\d.]+ ngày', shown)
    earlier = alert.day - timedelta(days=10)
    drill = c.get(f"/listening/topics/23?day={earlier.isoformat()}").text
    assert f"28 ngày đến {earlier:%d/%m/%Y}" in drill
    until = service.recent_items(db, 23, 50, until=earlier)
    assert all(local_day(i.published_at) <= earlier for i in until)
    assert until and until[0].published_at < service.recent_items(db, 23, 50)[0].published_at  # later ones left out
    for path in (
        "/listening/sources",
        "/listening/taxonomy",
        "/listening/report",
        "/listening/topics/14",
        "/listening/classify?q=Tiêm+vắc+xin+ở+đâu",
    ):
        r = c.get(path)
        assert r.status_code == 200, path
    sources = c.get("/listening/sources").text
    assert "Đang lỗi" in sources and "quá thời gian chờ" in sources
    report = c.get("/listening/report").text
    assert "<svg" in report and 'data-testid="report-actions"' in report
    en = c.get("/lang/en?next=/listening", follow_redirects=True)
    assert "Listening" in en.text


def test_upload_with_mapping_step(login, db, settings):
    c = login("agency_member")
    data = (
        "Nội dung,Thời gian,Tên người đăng\nKhi nào học sinh lớp 9 được đi học trực tiếp?,06/10/2021 07:00,"
        "Lâm Thị Phụ Huynh\n"
    ).encode()
    r = c.post(
        "/listening/upload",
        files={"file": ("export.csv", data, "text/csv")},
        data={"csrf_token": c.csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    mapping = c.get(r.headers["location"])
    assert "Nội dung" in mapping.text and "Tên người đăng" not in mapping.text and "Lâm Thị" not in mapping.text
    kept = b"".join(f.data for f in db.scalars(select(JobFile)))
    assert "Lâm Thị".encode() not in kept  # the author column is gone before the file is kept for mapping
    key = r.headers["location"].split("/")[-1]
    done = c.post(
        f"/listening/upload/{key}",
        data={"csrf_token": c.csrf, "map_text": "Nội dung", "map_time": "Thời gian"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == f"/jobs/{key}"
    job = c.get(f"/api/v1/jobs/{key}").json()
    assert job["status"] == "done" and job["result"]["added"] == 1 and job["counts"]["rows"] == 1
    assert "Bài mới" in c.get(f"/jobs/{key}").text
    again = c.post(f"/listening/upload/{key}", data={"csrf_token": c.csrf, "map_text": "Nội dung"})
    assert again.status_code == 404  # confirmed once only
    db.expire_all()
    assert [i.text for i in db.scalars(select(Item))] == ["Khi nào học sinh lớp 9 được đi học trực tiếp?"]


def test_api_classify_and_trends(login):
    c = login("viewer")
    one = c.post("/api/v1/listening/classify", json={"text": "Xét nghiệm PCR ở đâu, giá bao nhiêu?"}).json()
    assert set(one) == KEYS and one["category"] == "INTERVENTIONS" and one["subcategories"][0] == 20
    many = c.post("/api/v1/listening/classify", json={"texts": ["Vắc xin có an toàn không?", "Chợ đông quá"]}).json()
    assert len(many["results"]) == 2
    assert c.post("/api/v1/listening/classify", json={"text": " "}).status_code == 422
    assert "topics" in c.get("/api/v1/listening/trends").json()


def test_report_pdf_renders_to_png(db, people, login, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm (poppler-utils) is required")
    demo.seed(db, None)
    db.commit()
    c = login("viewer")
    end = today_local()
    start = end - timedelta(days=6)
    job = c.post("/listening/report.pdf", data={"start": str(start), "end": str(end)})
    assert job.status_code == 200 and job.url.path.startswith("/jobs/") and "Tải tệp kết quả" in job.text
    pdf = c.get(f"{job.url.path}/file")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    (tmp_path / "r.pdf").write_bytes(pdf.content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(tmp_path / "r.pdf"), str(tmp_path / "page")],
        check=True,
    )
    png = next(tmp_path.glob("page*.png"))
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 5000
    text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Phân phối và tiếp cận vắc xin" in text and "Khuyến nghị" in text
    job = c.post("/listening/report.docx", data={"start": str(start), "end": str(end)})
    docx = c.get(f"{job.url.path}/file")
    assert docx.content.startswith(b"PK")
    js = c.get(f"/api/v1/listening/report?start={start}&end={end}").json()
    assert js["rising"] and js["rising"][0]["topic"] == 23 and js["topics"][0]["risk"] in ("low", "medium", "high")


def run_cli(settings, *args, stdin=None):
    env = {"LOA_DATABASE_URL": settings.db_url, "LOA_DATA_DIR": str(settings.data_dir), "PATH": "/usr/bin:/bin"}
    return conftest.run_cli(["listening", *args], env, input=stdin)


def test_cli_classify_import_report(settings, tmp_path, db):
    one = run_cli(settings, "classify", "Người già 70 tuổi bị tiểu đường tiêm vắc xin được không?", "--json")
    assert one.returncode == 0, one.stderr
    assert set(json.loads(one.stdout)) == KEYS | {"language", "places"} and json.loads(one.stdout)["language"] == "vi"
    khmer = json.loads(run_cli(settings, "classify", "ការចាក់វ៉ាក់សាំងនៅឯណា?", "--json").stdout)
    assert khmer["language"] == "km" and khmer["category"] is None  # counted apart, no topic guessed
    lines = ["Xét nghiệm PCR ở đâu?", "Chùa có tổ chức lễ không?", "Tin giả nói vắc xin gắn chip"]
    (tmp_path / "in.txt").write_text("\n".join(lines), encoding="utf-8")
    out = run_cli(settings, "classify", "--file", str(tmp_path / "in.txt"), "--json")
    rows = [json.loads(x) for x in out.stdout.splitlines()]
    assert [r["subcategories"][0] for r in rows] == [20, 33, 40]
    (tmp_path / "posts.jsonl").write_text(
        '{"text": "Bao giờ tỉnh cho học sinh đi học lại?", "time": "2021-10-05T08:00:00+07:00", "user": "abc"}\n'
        '{"text": "Giá máy đo SpO2 tăng gấp đôi", "time": 1633392000, "user": "xyz"}\n',
        encoding="utf-8",
    )
    imp = run_cli(settings, "import", str(tmp_path / "posts.jsonl"))
    first = json.loads(imp.stdout)
    assert first["added"] == 2, imp.stderr
    again = json.loads(run_cli(settings, "import", str(tmp_path / "posts.jsonl")).stdout)
    assert again["id"] == first["id"] and again["status"] == "done"  # the same job: nothing added
    assert len(list(db.scalars(select(Item)))) == 2
    for fmt in ("html", "pdf", "docx"):
        out_file = tmp_path / f"r.{fmt}"
        r = run_cli(
            settings, "report", "--from", "2021-10-01", "--to", "2021-10-07", "--format", fmt, "--out", str(out_file)
        )
        assert r.returncode == 0, r.stderr
        assert out_file.stat().st_size > 1000
    assert "Báo cáo lắng nghe" in (tmp_path / "r.html").read_text(encoding="utf-8")
    polled = run_cli(settings, "poll")
    assert polled.returncode == 0 and json.loads(polled.stdout.splitlines()[-1])["retention"]["items_deleted"] == 2

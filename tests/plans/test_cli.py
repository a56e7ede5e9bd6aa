"""`loa plan import/list/report/digest` in a fresh data directory."""

import os

from pypdf import PdfReader

from loa.clock import today_local
from tests.conftest import run_cli
from tests.plans.encoders import SEED


def loa(tmp_path, *args, **extra_env):
    env = {**os.environ, "LOA_DATA_DIR": str(tmp_path / "data"), "LOA_DATABASE_URL": "", **extra_env}
    return run_cli(list(args), env, cwd=tmp_path)


def test_import_report_and_digest(tmp_path):
    out = loa(tmp_path, "plan", "import", str(SEED), "--create-agencies")
    assert out.returncode == 0, out.stderr
    assert "26 nhiệm vụ" in out.stdout and "chưa giao" not in out.stdout
    assert "25 chưa có hạn / undated (/plans/1/dating)" in out.stdout  # 1 "thường xuyên"
    again = loa(tmp_path, "plan", "import", str(SEED))
    assert again.returncode == 1 and "đã được nhập" in again.stderr
    assert "#1" in loa(tmp_path, "plan", "list").stdout
    pdf = tmp_path / "bao-cao.pdf"
    out = loa(
        tmp_path,
        "plan",
        "report",
        "1",
        "--from",
        "2021-09-01",
        "--to",
        today_local().isoformat(),
        "--format",
        "pdf",
        "--out",
        str(pdf),
    )
    assert out.returncode == 0, out.stderr
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH" in text and "Đài Phát thanh - Truyền hình Trà Vinh" in text
    # a period that ended before the plan was imported is told as it was: no task yet
    period = ["--from", "2021-09-01", "--to", "2021-09-30", "--format", "pdf"]
    before = loa(tmp_path, "plan", "report", "1", *period, "--out", str(pdf))
    assert before.returncode == 0, before.stderr
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "kế hoạch có 0 nhiệm vụ" in text and "Đài Phát thanh - Truyền hình Trà Vinh" not in text
    bad = loa(tmp_path, "plan", "report", "1", "--from", "2021-09-30", "--to", "2021-09-01", "--out", str(pdf))
    assert bad.returncode == 1 and "sau ngày bắt đầu" in bad.stderr
    assert loa(tmp_path, "plan", "digest").returncode == 0


def test_digest_is_e_mailed_once_a_day(tmp_path, mail):
    from loa.clock import today_local
    from loa.config import Settings
    from loa.db import dispose_engines, session_scope
    from loa.plans.models import Task

    assert loa(tmp_path, "plan", "import", str(SEED), "--create-agencies").returncode == 0
    with session_scope(Settings(data_dir=tmp_path / "data", database_url="").db_url) as db:
        task = db.get(Task, 1)
        task.due_on = today_local()
        task.agencies[0].email = "mttq@example.vn"
        agency = task.agencies[0].name
    dispose_engines()
    smtp = {"LOA_SMTP_HOST": "127.0.0.1", "LOA_SMTP_PORT": str(mail.port)}
    first, second = loa(tmp_path, "plan", "digest", **smtp), loa(tmp_path, "plan", "digest", **smtp)
    assert first.returncode == 0 and f"Đã gửi / sent: {agency} <mttq@example.vn>" in first.stdout, first.stderr
    assert second.returncode == 0 and "already sent today" in second.stdout
    assert [m["To"] for m in mail.messages] == ["mttq@example.vn"]

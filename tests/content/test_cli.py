"""``loa content``: list, show, submit, approve (not one's own), schedule, publish-due."""

import json
from datetime import datetime, timedelta

import pytest
from typer.testing import CliRunner

from loa.config import get_settings
from loa.content import service
from loa.formats import LOCAL


@pytest.fixture
def env(settings, monkeypatch):
    monkeypatch.setenv("LOA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("LOA_DATABASE_URL", settings.db_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def run(args):
    from loa.cli import app

    return CliRunner().invoke(app, ["content", *args])


def test_content_commands(env, db, people):
    service.create_channel(db, "Loa truyền thanh xã Long Hòa", "loudspeaker")
    item = service.create_item(
        db, kind="script", title="Bản tin loa sáng", body="Thưa bà con…", author=people["editor"], duration_seconds=180
    )
    db.commit()
    assert run(["submit", str(item.id), "--as", "editor"]).exit_code == 0
    own = run(["approve", str(item.id), "--as", "editor"])
    assert own.exit_code == 1 and "Chỉ người duyệt" in own.output
    assert run(["approve", str(item.id), "--as", "reviewer", "--note", "Đạt"]).exit_code == 0
    r = run(["schedule", str(item.id), "loa-truyen-thanh-xa-long-hoa", "2021-11-15 06:00", "--as", "editor"])
    assert r.exit_code == 0, r.output
    shown = json.loads(run(["show", str(item.id), "--json"]).output)
    assert shown["state"] == "scheduled" and shown["schedules"][0]["at"].startswith("2021-11-14T23:00")
    assert "Đã lên lịch" in run(["list"]).output
    recent = (datetime.now(LOCAL) - timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M")
    assert run(["schedule", str(item.id), "loa-truyen-thanh-xa-long-hoa", recent, "--as", "editor"]).exit_code == 0
    r = run(["publish-due"])
    assert r.exit_code == 0, r.output
    assert "Đã đăng 1 lượt, bỏ lỡ 1 lượt." in r.output  # years late on a loudspeaker: missed; 5 minutes: aired
    missed = next(line for line in r.output.splitlines() if line.startswith("Bỏ lỡ"))
    assert "06:00 15/11/2021" in missed and "Quá giờ phát" in missed
    assert json.loads(run(["list", "--state", "published", "--json"]).output)[0]["id"] == item.id
    shown = json.loads(run(["show", str(item.id), "--json"]).output)
    assert sorted(s["status"] for s in shown["schedules"]) == ["missed", "published"]
    assert "Không có lượt nào đến giờ." in run(["publish-due"]).output
    assert run(["show", "999"]).exit_code == 1

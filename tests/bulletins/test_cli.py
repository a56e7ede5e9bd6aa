"""`loa stats import` and `loa bulletin` as a person runs them."""

from __future__ import annotations

from sqlalchemy import func, select

from loa.bulletins.models import StatPoint
from tests.bulletins.conftest import last_days, to_csv
from tests.conftest import run_cli


def test_stats_import_asks_then_yes_accepts(cli_env, tmp_path, db, delta_csv, national_csv):
    rows = last_days(delta_csv, 30)
    rows = [r for r in rows if r[0] != "2021-10-20"]  # a dropped day
    dropped = tmp_path / "thieu-ngay.csv"
    dropped.write_bytes(to_csv(rows))
    refused = run_cli(["stats", "import", str(dropped)], cli_env, input="n\n")
    assert refused.returncode == 1
    assert "dạng rộng" in refused.stdout and "cộng dồn" in refused.stdout
    assert "thiếu số liệu ngày 20/10/2021" in refused.stdout and "chưa có gì được lưu" in refused.stderr
    assert db.scalar(select(func.count()).select_from(StatPoint)) == 0
    done = run_cli(["stats", "import", str(dropped), "--yes", "--cumulative"], cli_env)
    assert done.returncode == 0, done.stderr
    assert "Đã nhập" in done.stdout
    again = run_cli(["stats", "import", str(dropped), "--yes"], cli_env)
    assert again.returncode == 0 and "đã được nhập" in again.stdout
    national = tmp_path / "ca-nuoc.csv"
    national.write_bytes(national_csv)
    r = run_cli(["stats", "import", str(national), "--yes"], cli_env)
    assert r.returncode == 0 and "dạng dài" in r.stdout and "infective" in r.stdout


def test_stats_import_refuses_bad_files(cli_env, tmp_path):
    bad = tmp_path / "hong.xlsx"
    bad.write_bytes(b"PK\x03\x04garbage")
    r = run_cli(["stats", "import", str(bad), "--yes"], cli_env)
    assert r.returncode == 1 and "Không đọc được tệp Excel" in r.stderr
    r = run_cli(["stats", "import", str(tmp_path / "none.csv")], cli_env)
    assert r.returncode == 1 and "no such file" in r.stderr


def test_bulletin_writes_markdown_and_charts(cli_env, tmp_path, delta_csv, national_csv):
    (tmp_path / "d.csv").write_bytes(delta_csv)
    (tmp_path / "n.csv").write_bytes(national_csv)
    assert run_cli(["stats", "import", str(tmp_path / "d.csv"), "--yes"], cli_env).returncode == 0
    assert run_cli(["stats", "import", str(tmp_path / "n.csv"), "--yes"], cli_env).returncode == 0
    out = tmp_path / "ban-tin"
    r = run_cli(["bulletin", "Tra Vinh", "25/10/2021", "--out", str(out)], cli_env)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "bulletin.md",
        "cases.png",
        "cases.svg",
        "vaccination.png",
        "vaccination.svg",
    ]
    text = (out / "bulletin.md").read_text(encoding="utf-8")
    assert "**60 ca mắc mới**" in text and "![" in text and "(cases.png)" in text
    assert (out / "cases.png").read_bytes()[:4] == b"\x89PNG"
    missing = run_cli(["bulletin", "Trà Vinh", "2021-12-01", "--out", str(out)], cli_env)
    assert missing.returncode == 1 and "01/12/2021" in missing.stderr
    unknown = run_cli(["bulletin", "Tra Vinhh", "2021-10-25", "--out", str(out)], cli_env)
    assert unknown.returncode == 1 and "Trà Vinh" in unknown.stderr

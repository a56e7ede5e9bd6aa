import json

from typer.testing import CliRunner

from loa.cli import app


def test_import_starter_then_ask_json(settings, monkeypatch, tmp_path):
    monkeypatch.setenv("LOA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("LOA_DATABASE_URL", settings.db_url)
    from loa.config import get_settings

    get_settings.cache_clear()
    runner = CliRunner()
    r = runner.invoke(app, ["answers", "import", "--starter"])
    assert r.exit_code == 0 and "Đã nhập" in r.output, r.output
    r = runner.invoke(app, ["ask", "Tiêm vắc xin xong có được uống rượu bia không?", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert {"answered", "entry_id", "score", "answer", "source", "alternatives"} <= set(data)
    assert data["answered"] and data["source"]
    r = runner.invoke(app, ["ask", "Chợ Trà Cú có mở cửa lại chưa?", "--json"])
    assert json.loads(r.output)["answered"] is False
    out = tmp_path / "faq.xlsx"
    assert runner.invoke(app, ["answers", "export", str(out)]).exit_code == 0 and out.stat().st_size > 0
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"question;answer;source\nA?;B;C\n")
    r = runner.invoke(app, ["answers", "import", str(bad)])
    assert r.exit_code == 1 and "Dòng 1" in r.output
    get_settings.cache_clear()

import os

import pytest
import typer
from typer.testing import CliRunner

from loa.text.cli import register
from tests.conftest import run_installed


@pytest.fixture
def invoke():
    app = typer.Typer()
    app.command("noop")(lambda: None)  # keeps "text" a sub-command, as under the real `loa`
    register(app)
    runner = CliRunner()
    return lambda *args, **kw: runner.invoke(app, ["text", "scrub", *args], **kw)


def test_scrub_file_line_by_line(invoke, tmp_path):
    f = tmp_path / "posts.txt"
    f.write_text(
        "Gọi 0912 345 678 nhé\r\nNgày 15/7/2021 có 1.234 ca\n\nEmail a.b@gmail.com, hotline 19009095\n",
        encoding="utf-8",
    )
    result = invoke("--file", str(f))
    assert result.exit_code == 0, result.output
    assert result.output.split("\n") == [
        "Gọi [SĐT] nhé",
        "Ngày 15/7/2021 có 1.234 ca",
        "",
        "Email [EMAIL], hotline 19009095",
        "",
    ]


def test_scrub_stdin_and_utf16(invoke, tmp_path):
    assert invoke(input="sđt 0912345678\nok").output == "sđt [SĐT]\nok\n"
    f = tmp_path / "utf16.txt"
    f.write_text("Số nhà 12 đường Lê Lợi\nkhỏe", encoding="utf-16")
    assert invoke("--file", str(f)).output == "[ĐỊA CHỈ]\nkhỏe\n"


def test_windows_1258_and_missing_files_are_refused_clearly(invoke, tmp_path):
    f = tmp_path / "legacy.txt"
    f.write_bytes("dòng một\n".encode() + "Không có 0912345678".encode("cp1258"))
    result = invoke("--file", str(f))
    assert result.exit_code == 1
    assert "dòng 2" in result.output and "UTF-8" in result.output and "[SĐT]" not in result.output
    bom_less = tmp_path / "utf16le.txt"
    bom_less.write_bytes("sđt 0912345678".encode("utf-16-le"))
    result = invoke("--file", str(bom_less))
    assert result.exit_code == 1 and "UTF-16" in result.output
    missing = invoke("--file", str(tmp_path / "none.txt"))
    assert missing.exit_code == 1 and "không đọc được" in missing.output.lower()


def test_registered_in_loa_command(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("0912.345.678\n", encoding="utf-8")
    r = run_installed(["text", "scrub", "--file", str(f)], dict(os.environ))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "[SĐT]\n"

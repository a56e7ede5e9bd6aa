"""Bad input on the command line gets its message and exit status 1, never a traceback."""

from __future__ import annotations

import pytest

from tests.conftest import run_cli, run_installed


@pytest.fixture
def files(tmp_path):
    (tmp_path / "adir").mkdir()
    made = {
        "no-date.csv": b"don_vi,so_ca\nCang Long,3\n",
        "binary.csv": b"\xff\xfe\x00garbage",
        "broken.xlsx": b"PK\x03\x04broken",
        "broken-quote.csv": 'text,time\n"Chợ mở lại chưa,2021-10-06\nx,y\n'.encode(),
        "bad.jsonl": b'{"text": \n',
        "latin1.csv": "text\nCà Mau".encode("cp1258"),
        "not-a-backup.zip": b"not a zip",
        "broken-quote-faq.csv": b'question,answer,source\n"a,b,c\n',
        "claims.json": b'[{"x": 1}]',
        "broken.docx": b"PK\x03\x04broken",
    }
    for name, data in made.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


CASES = [
    ["stats", "import", "no-date.csv"],
    ["stats", "import", "binary.csv"],
    ["stats", "import", "broken.xlsx"],
    ["stats", "import", "missing.csv"],
    ["listening", "import", "broken-quote.csv"],
    ["listening", "import", "bad.jsonl"],
    ["listening", "import", "latin1.csv"],
    ["listening", "import", "adir"],
    ["listening", "classify", "--file", "missing.txt"],
    ["listening", "classify", "--file", "adir"],
    ["listening", "report", "--from", "2021-13-01", "--to", "2021-01-01", "--out", "r.pdf"],
    ["listening", "report", "--from", "2021-01-01", "--to", "2021-01-31", "--out", "no/such/dir/r.pdf"],
    ["restore", "not-a-backup.zip"],
    ["restore", "adir"],
    ["restore", "missing.zip"],
    ["answers", "import", "broken-quote-faq.csv"],
    ["claims", "import", "claims.json"],
    ["claims", "import", "missing.json"],
    ["plan", "import", "broken.docx"],
    ["ask", ""],
]


def test_bad_input_gives_a_message_and_status_1_without_traceback(files, cli_env):
    for args in CASES:
        r = run_cli(args, cli_env, cwd=files)
        assert r.returncode == 1, (args, r.returncode, r.stderr[-500:])
        assert r.stderr.strip() and "Traceback" not in r.stderr, (args, r.stderr[-800:])


def test_the_installed_command_too(files, cli_env):
    r = run_installed(["restore", str(files / "not-a-backup.zip")], cli_env)
    assert r.returncode == 1 and "không phải tệp sao lưu" in r.stderr and "Traceback" not in r.stderr

import subprocess
import sys

import pytest


def run(args, env, input=None):
    return subprocess.run([sys.executable, "-m", "loa.cli", *args], env=env, input=input, text=True,
                          capture_output=True, timeout=300)


@pytest.fixture
def cli_env(settings, monkeypatch):
    import os

    env = dict(os.environ, LOA_DATA_DIR=str(settings.data_dir), LOA_DATABASE_URL=settings.db_url,
               LOA_ARGON2_TIME_COST="1", LOA_ARGON2_MEMORY_KIB="8192")
    return env


def test_demo_user_and_backup_commands(cli_env, tmp_path):
    r = run(["demo", "--no-serve"], cli_env)
    assert r.returncode == 0, r.stderr
    assert "dieuphoi" in r.stdout and "loa-demo-2021" in r.stdout
    again = run(["demo", "--no-serve"], cli_env)
    assert "đã có sẵn" in again.stdout
    r = run(["user", "add", "nhanvien", "--role", "editor", "--agency", "Sở Y tế", "--password", "mat-khau-dai-1"],
            cli_env)
    assert r.returncode == 0, r.stderr
    listing = run(["user", "list"], cli_env).stdout
    assert "nhanvien" in listing and "Sở Y tế" in listing
    bad = run(["user", "add", "x2", "--password", "short"], cli_env)
    assert bad.returncode == 1 and "ít nhất" in bad.stderr
    archive = tmp_path / "snap.zip"
    assert run(["backup", str(archive)], cli_env).returncode == 0
    refused = run(["restore", str(archive)], cli_env)
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert run(["restore", str(archive), "--force"], cli_env).returncode == 0
    assert run(["user", "passwd", "nhanvien", "--password", "mat-khau-moi-22"], cli_env).returncode == 0

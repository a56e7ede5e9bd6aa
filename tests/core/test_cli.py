from tests.conftest import run_cli


def test_demo_user_and_backup_commands(cli_env, tmp_path):
    r = run_cli(["demo", "--no-serve"], cli_env)
    assert r.returncode == 0, r.stderr
    assert "dieuphoi" in r.stdout and "loa-demo-2021" in r.stdout
    again = run_cli(["demo", "--no-serve"], cli_env)
    assert "đã có sẵn" in again.stdout
    r = run_cli(
        ["user", "add", "nhanvien", "--role", "editor", "--agency", "Sở Y tế", "--password", "mat-khau-dai-1"], cli_env
    )
    assert r.returncode == 0, r.stderr
    listing = run_cli(["user", "list"], cli_env).stdout
    assert "nhanvien" in listing and "Sở Y tế" in listing
    bad = run_cli(["user", "add", "x2", "--password", "short"], cli_env)
    assert bad.returncode == 1 and "ít nhất" in bad.stderr
    archive = tmp_path / "snap.zip"
    assert run_cli(["backup", str(archive)], cli_env).returncode == 0
    refused = run_cli(["restore", str(archive)], cli_env)
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert run_cli(["restore", str(archive), "--force"], cli_env).returncode == 0
    assert run_cli(["user", "passwd", "nhanvien", "--password", "mat-khau-moi-22"], cli_env).returncode == 0

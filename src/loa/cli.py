"""The ``loa`` command line: serve, demo, users, database, backup. Domain modules add their own commands."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from loa import modules
from loa.auth import service as auth
from loa.auth.models import ROLES, Agency
from loa.clitools import cli_session, fail, settings
from loa.db import upgrade
from loa.errors import UserError
from loa.jobs import service as jobs

ROLE_NAMES = ", ".join(ROLES)

app = typer.Typer(
    help="Loa — nền tảng truyền thông phòng, chống dịch của tỉnh.", no_args_is_help=True, pretty_exceptions_enable=False
)
db_app = typer.Typer(help="Cơ sở dữ liệu / database.", no_args_is_help=True)
user_app = typer.Typer(help="Người dùng / users.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all database migrations."""
    upgrade(settings().db_url)
    typer.echo("Đã cập nhật cơ sở dữ liệu / database is up to date.")


@user_app.command("add")
def user_add(
    username: str,
    role: list[str] = typer.Option(["viewer"], "--role", "-r", help=ROLE_NAMES),
    full_name: str = typer.Option("", "--name"),
    agency: str = typer.Option("", "--agency"),
    password: str | None = typer.Option(None, "--password", help="Prompted when omitted"),
) -> None:
    """Add a user."""
    password = password or typer.prompt("Mật khẩu / password", hide_input=True, confirmation_prompt=True)
    with cli_session() as db:
        found = None
        if agency:
            found = next(
                (a for a in auth.list_agencies(db) if agency.lower() in (a.name.lower(), a.short_name.lower())), None
            )
            if found is None:
                fail(f"Không có cơ quan “{agency}” / no such agency.")
        user = auth.create_user(db, settings(), username, password, full_name=full_name, roles=role, agency=found)
        typer.echo(f"Đã tạo / created: {user.username} ({', '.join(sorted(user.roles))})")


@user_app.command("list")
def user_list() -> None:
    """List users."""
    with cli_session() as db:
        for u in auth.list_users(db):
            agency = db.get(Agency, u.agency_id).name if u.agency_id else "-"
            typer.echo(f"{u.username:15} {','.join(sorted(u.roles)):25} {agency}")


@user_app.command("passwd")
def user_passwd(username: str, password: str | None = typer.Option(None, "--password")) -> None:
    """Set a user's password (their open sessions end)."""
    password = password or typer.prompt("Mật khẩu mới / new password", hide_input=True, confirmation_prompt=True)
    with cli_session() as db:
        user = next((u for u in auth.list_users(db) if u.username == username.lower()), None)
        if user is None:
            fail(f"Không có người dùng “{username}” / no such user.")
        auth.set_password(db, settings(), user, password)
        typer.echo("Đã đổi mật khẩu / password changed.")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Web processes (LOA_WEB_WORKERS)")] = None,
) -> None:
    """Serve the web application: migrate once, then start the web processes (each builds its own app) and,
    unless LOA_EMBEDDED_WORKER=false, one `loa worker` process beside them for jobs and the schedule."""
    import uvicorn

    s = settings()
    upgrade(s.db_url)
    worker = None
    if s.embedded_worker and s.broker_url != "immediate":
        worker = subprocess.Popen([sys.executable, "-m", "loa.cli", "worker"])
    try:
        # timeout_worker_healthcheck: a worker starting on a busy machine may need more than uvicorn's 5 s to answer
        uvicorn.run(
            "loa.web.app:factory",
            factory=True,
            workers=workers or s.web_workers,
            timeout_worker_healthcheck=30,
            host=host or s.host,
            port=port or s.port,
            proxy_headers=False,  # the app believes forwarded headers from LOA_TRUSTED_PROXIES only
        )
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGINT)  # running jobs finish; one cut off later is retried
            try:
                worker.wait(60)
            except subprocess.TimeoutExpired:
                worker.kill()


INDEX_JOBS = ("answers.index", "claims.index")


@app.command()
def demo(
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="Serve on 127.0.0.1:8000 afterwards"),
) -> None:
    """Create the demo province (Trà Vinh) with its agencies, users and module data, then serve it."""
    from loa import demo as demo_data

    started = time.monotonic()

    def step(what: str) -> None:  # a few minutes of work: say what is being made, and since when
        typer.echo(f"[{time.monotonic() - started:5.0f} s] {what}")

    with cli_session() as db:
        logins = demo_data.seed(db, settings(), lambda name: step(f"Dữ liệu mẫu / demo data: {name}"))
        if logins is not None:
            step("Lưu dữ liệu mẫu / saving the demo data")
    modules.load_jobs()
    for name in INDEX_JOBS:  # so that the first question after the start waits for no index build
        step(f"Chỉ mục tìm kiếm / search index: {name}")
        try:
            jobs.run_now(settings(), name)
        except UserError:  # a worker of a running instance is building it already
            pass
    if logins is None:
        typer.echo("Dữ liệu mẫu đã có sẵn / demo data already present.")
        logins = [(u, demo_data.DEMO_PASSWORD, r[0]) for u, _n, r, _a in demo_data.USERS]
    step("Xong / done")
    typer.echo("Tài khoản mẫu / demo logins:")
    for username, password, role in logins:
        typer.echo(f"  {username:10} {password}   {ROLES[role][0]} / {ROLES[role][1]}")
    if serve_after:
        s = settings()
        typer.echo(f"Mở / open http://{s.host}:{s.port}")
        serve(None, None)


@app.command("backup")
def backup_cmd(file: Path) -> None:
    """Write a consistent snapshot of the database and the data directory to FILE (zip)."""
    from loa.backup import backup

    manifest = backup(settings(), file)
    typer.echo(
        f"Đã sao lưu / backed up {sum(manifest['tables'].values())} rows, {len(manifest['files'])} files → {file}"
    )


@app.command("restore")
def restore_cmd(file: Path, force: bool = typer.Option(False, "--force", help="Overwrite existing data")) -> None:
    """Restore a backup made by `loa backup` (refuses to overwrite existing data without --force)."""
    from loa.backup import restore

    if not file.exists():
        fail(f"Không thấy tệp / no such file: {file}")
    manifest = restore(settings(), file, force=force)
    typer.echo(f"Đã khôi phục / restored {sum(manifest['tables'].values())} rows, {len(manifest['files'])} files.")


for _mod in modules.find("cli"):
    _mod.register(app)


def main() -> None:
    """The ``loa`` command: a refusal (``UserError``) or a file that cannot be read or written prints its message
    on stderr and exits with status 1, without a traceback."""
    try:
        app()
    except UserError as exc:
        _refuse(exc.message + (f"\n{exc.message_en}" if exc.message_en != exc.message else ""))
    except OSError as exc:  # a missing, unreadable or unwritable file named on the command line
        where = f": {exc.filename}" if exc.filename else ""
        _refuse(f"Không đọc hoặc ghi được tệp{where} ({exc.strerror or exc}).\nCannot read or write the file{where}.")


def _refuse(message: str) -> NoReturn:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise SystemExit(1)  # not typer.Exit: outside the command, typer would not catch it


if __name__ == "__main__":
    main()

"""``loa token create USER``: an API token for scripts and monitoring."""

from __future__ import annotations

import typer
from sqlalchemy import select

from loa.auth import service
from loa.auth.models import User
from loa.clitools import cli_session, fail


def token_create(username: str, name: str = typer.Option("cli", "--name", help="What the token is for")) -> None:
    """Print a new API token for USER (shown once; only its hash is stored)."""
    with cli_session() as db:
        user = db.scalar(select(User).where(User.username == username.lower()))
        if user is None or not user.active:
            fail(f"Không có người dùng đang hoạt động “{username}” / no such active user.")
        typer.echo(service.create_token(db, user, name))


def register(app: typer.Typer) -> None:
    token_app = typer.Typer(help="Mã truy cập API / API tokens.", no_args_is_help=True)
    token_app.command("create")(token_create)
    app.add_typer(token_app, name="token")

"""``loa messaging``: counts per platform, an emergency notice to a district's subscribers, failed messages
sent again."""

from __future__ import annotations

import typer

from loa.clitools import cli_session, echo_json, fail
from loa.clitools import settings as loa_settings
from loa.errors import UserError
from loa.messaging import service
from loa.messaging.config import Setup

messaging_app = typer.Typer(help="Tin nhắn (Zalo, Telegram, Messenger, SMS) / tiplines.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(messaging_app, name="messaging")


@messaging_app.command("status")
def status() -> None:
    """Platforms on or off, and counts per platform and per district (JSON)."""
    with cli_session() as db:
        echo_json({"platforms": service.platforms(Setup.of(loa_settings()).conf), **service.stats(db)})


@messaging_app.command("notify")
def notify(
    district: str = typer.Argument(..., help="GSO district code, e.g. 849 (Trà Cú)"),
    text: str = typer.Argument(..., help="the notice"),
) -> None:
    """Send an emergency notice to a district's subscribers (by the worker, within a minute)."""
    try:
        with cli_session() as db:
            count = service.notify_district(db, district, text)
    except UserError as exc:
        fail(exc.message)
    typer.echo(f"Đã xếp tin khẩn cấp cho {count} người đăng ký / queued for {count} subscribers")


@messaging_app.command("resend")
def resend() -> None:
    """Send again the messages that failed (their address is still held)."""
    with cli_session() as db:
        count = service.resend_failed(db, Setup.of(loa_settings()))
    typer.echo(f"Gửi lại {count} tin / resent {count}")

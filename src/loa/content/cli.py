"""``loa content ...``: list, show and move items through the workflow; publish due slots."""

from __future__ import annotations

import typer
from sqlalchemy import select

from loa.auth.models import User
from loa.clitools import cli_session, echo_json, fail
from loa.clock import parse_local
from loa.content import service
from loa.content.models import STATES
from loa.errors import UserError
from loa.formats import vn_datetime

content_app = typer.Typer(help="Nội dung và lịch đăng / content and publishing calendar.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(content_app, name="content")


def _user(db, username: str) -> User:
    user = db.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.active:
        fail(f"Không có người dùng “{username}” / no such user.")
    db.info.update(actor_id=user.id, actor_name=user.username)
    return user


def _run(step):
    try:
        step()
    except UserError as exc:
        fail(f"{exc.message} / {exc.message_en}")


@content_app.command("list")
def list_cmd(
    state: str = typer.Option("", help=", ".join(STATES)),
    channel: str = typer.Option(""),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List items (newest change first)."""
    with cli_session() as db:

        def step():
            items = service.list_items(db, state=state or None, channel=channel or None)
            if as_json:
                echo_json([item_dict(i) for i in items])
                return
            for i in items:
                typer.echo(f"{i.id:5} {STATES[i.state][0]:12} {i.kind:18} {i.language} {i.title}")

        _run(step)


def item_dict(item) -> dict:
    return {
        "id": item.id,
        "kind": item.kind,
        "title": item.title,
        "slug": item.slug,
        "state": item.state,
        "language": item.language,
        "master_id": item.master_id,
        "version": item.version,
        "body": item.body,
        "author": item.author.username,
        "audiences": item.audiences,
        "themes": [t.name for t in item.themes],
        "channels": [c.slug for c in item.channels],
        "tone": item.tone,
        "epidemic_related": item.epidemic_related,
        "states_health_facts": item.states_health_facts,
        "duration_seconds": item.duration_seconds,
        "schedules": [
            {"id": s.id, "channel": s.channel.slug, "status": s.status, "at": s.at.isoformat()} for s in item.schedules
        ],
    }


@content_app.command("show")
def show(item_id: int, as_json: bool = typer.Option(False, "--json")) -> None:
    """Show one item with its schedule."""
    with cli_session() as db:

        def step():
            item = service.get_item(db, item_id)
            if as_json:
                echo_json(item_dict(item))
                return
            typer.echo(
                f"#{item.id} {item.title}\n{STATES[item.state][0]} · {item.kind} · {item.language} · "
                f"v{item.version}\n\n{item.body}\n"
            )
            for s in item.schedules:
                typer.echo(f"  {vn_datetime(s.at)}  {s.channel.name}  {s.status}")

        _run(step)


@content_app.command("submit")
def submit(item_id: int, user: str = typer.Option(..., "--as", help="username")) -> None:
    """Send a draft for review."""
    with cli_session() as db:
        _run(lambda: service.submit(db, service.get_item(db, item_id), _user(db, user)))
        typer.echo("Đã gửi duyệt / sent for review.")


@content_app.command("approve")
def approve(
    item_id: int, user: str = typer.Option(..., "--as", help="username of the reviewer"), note: str = typer.Option("")
) -> None:
    """Approve an item awaiting review."""
    with cli_session() as db:
        _run(lambda: service.approve(db, service.get_item(db, item_id), _user(db, user), note))
        typer.echo("Đã duyệt / approved.")


@content_app.command("schedule")
def schedule(
    item_id: int,
    channel: str,
    at: str = typer.Argument(..., help="YYYY-MM-DD HH:MM, local time"),
    user: str = typer.Option(..., "--as", help="username"),
) -> None:
    """Plan an approved item on a channel (slug or id) at a local time."""
    try:
        when = parse_local(at)
    except UserError:
        fail("Thời điểm dạng YYYY-MM-DD HH:MM / time as YYYY-MM-DD HH:MM.")
    with cli_session() as db:
        _run(lambda: service.schedule(db, service.get_item(db, item_id), _user(db, user), channel, when))
        typer.echo("Đã lên lịch / scheduled.")


@content_app.command("publish-due")
def publish_due() -> None:
    """Publish every planned slot whose time has come; mark the ones that cannot go out as missed (the worker
    does this every minute)."""
    with cli_session() as db:
        due = service.publish_due(db)
        for s in due.published:
            typer.echo(f"Đã đăng / published: {vn_datetime(s.at)} · {s.channel.name} · #{s.item_id} {s.item.title}")
        for s in due.missed:
            typer.echo(
                f"Bỏ lỡ / missed: {vn_datetime(s.planned_at)} · {s.channel.name} · #{s.item_id} "
                f"{s.item.title}: {s.missed_reason}"
            )
        typer.echo(f"{due.summary()} / published {len(due.published)}, missed {len(due.missed)}.")

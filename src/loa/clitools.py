"""Helpers for command-line modules: a migrated, audited transaction and error exits."""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from sqlalchemy.orm import Session

from loa.config import Settings, get_settings
from loa.db import session_scope, upgrade


def settings() -> Settings:
    return get_settings()


@contextmanager
def cli_session() -> Iterator[Session]:
    """One transaction for a command, on a migrated database; the audit log records the source 'cli'."""
    s = settings()
    upgrade(s.db_url)
    with session_scope(s.db_url, source="cli") as db:
        db.info["actor_name"] = "cli:" + getpass.getuser()
        yield db


def fail(message: str) -> NoReturn:
    """Print ``message`` in red on stderr and exit with status 1."""
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def echo_json(data) -> None:
    """Print one JSON document (UTF-8, not escaped) on stdout."""
    typer.echo(json.dumps(data, ensure_ascii=False, default=str))

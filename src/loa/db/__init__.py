"""Storage core: declarative base, engine and sessions, migrations. One code path for SQLite and PostgreSQL."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Integer, MetaData, create_engine, event, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

from loa import modules
from loa.clock import utcnow
from loa.errors import UserError

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC and read back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=UTC) if value is not None else None


class IdMixin:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


_engines: dict[str, Engine] = {}


def get_engine(url: str) -> Engine:
    """One engine per URL for the process; SQLite gets foreign keys and WAL."""
    if url not in _engines:
        kwargs: dict[str, Any] = {"future": True, "pool_pre_ping": True}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(engine, "connect", _sqlite_pragmas)
        _engines[url] = engine
    return _engines[url]


def dispose_engines() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(url), expire_on_commit=False, future=True)


@contextmanager
def session_scope(url: str, actor_id: int | None = None, source: str = "cli") -> Iterator[Session]:
    """One transaction: commit on success, roll back on error. ``actor_id`` goes to the audit log."""
    session = session_factory(url)()
    session.info.update(actor_id=actor_id, source=source)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str):
    from alembic.config import Config

    here = Path(__file__).parent
    cfg = Config()
    cfg.set_main_option("script_location", str(here / "migrations"))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(str(p) for p in modules.migration_folders()))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


MIGRATION_LOCK = int.from_bytes(b"loa:migr", "big")  # the PostgreSQL advisory lock key of `upgrade`


@contextmanager
def _migration_lock(url: str) -> Iterator[None]:
    """Hold a lock that serialises `upgrade` across processes: a PostgreSQL session-level advisory lock on a
    connection of its own, or an exclusive ``flock`` on ``<database file>.migrate.lock`` for SQLite.
    Closing the connection or the file releases it."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
                yield
        finally:
            engine.dispose()
    elif parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(f"{path}.migrate.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield
    else:
        yield


def applied_migrations(url: str, heads) -> set[str]:
    """Every migration a database whose version table lists ``heads`` has applied, or {"?"} when one is unknown to
    this version of Loa. Alembic keeps only heads in that table, and leaves out a head that another branch's
    revision depends on, so two databases are at the same version when these sets are equal."""
    from alembic.script import ScriptDirectory
    from alembic.script.revision import Revision, RevisionError

    revisions = ScriptDirectory.from_config(alembic_config(url)).revision_map
    seen: set[str] = set()
    todo = list(heads)
    while todo:
        try:
            found = revisions.get_revisions(todo.pop())
        except RevisionError:
            return {"?"}
        for rev in found:
            if isinstance(rev, Revision) and rev.revision not in seen:
                seen.add(rev.revision)
                for field in (rev.down_revision, rev.dependencies):
                    todo += [field] if isinstance(field, str) else list(field or ())
    return seen


def all_migrations(url: str) -> set[str]:
    """Every migration of every module this version of Loa has."""
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config(url)).walk_revisions()}


def upgrade(url: str) -> None:
    """Apply every migration of every module (all branch heads), one process at a time: whoever waited for the
    lock finds the schema at heads and does nothing. Alembic migrates on a connection of its own (env.py),
    committed before the lock is released."""
    from alembic import command

    with _migration_lock(url):
        command.upgrade(alembic_config(url), "heads")


def to_jsonable(value):
    """Plain JSON form of a column value (for the audit log and backups)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        import base64

        return {"$b64": base64.b64encode(value).decode()}
    if hasattr(value, "value") and not isinstance(value, (int, float, str)):
        return value.value  # enums
    if isinstance(value, (int, float, str, bool, list, dict)) or value is None:
        return value
    return str(value)


MAX_ID = 2**63 - 1  # the largest integer both SQLite and PostgreSQL (bigint) can compare with


def id_in_range(value: int) -> bool:
    """Whether an integer fits the database's 64-bit integers (larger ones make SQLite raise OverflowError)."""
    return -MAX_ID - 1 <= value <= MAX_ID


def get_or_404(db: Session, model, ident, message: str, message_en: str):
    """The row of ``model`` with primary key ``ident``, or a 404 UserError with the given messages."""
    row = db.get(model, ident) if not isinstance(ident, int) or id_in_range(ident) else None
    if row is None:
        raise UserError(message, message_en, 404)
    return row

"""Consistent backup of the database and the data directory into one zip file, and restore from it.

The archive holds ``manifest.json``, one JSON Lines file per table (``db/<table>.jsonl``) and the data
directory's files (``files/...``). Being row data rather than a dialect dump, a backup taken on SQLite
restores into PostgreSQL and back.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import sqlite3
import tempfile
import zipfile
import zlib
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Date, DateTime, MetaData, create_engine, func, select, text
from sqlalchemy.engine import Engine

from loa import __version__
from loa.clock import utcnow
from loa.config import Settings
from loa.db import (
    Base,
    UTCDateTime,
    all_migrations,
    applied_migrations,
    dispose_engines,
    get_engine,
    to_jsonable,
    upgrade,
)
from loa.errors import UserError
from loa.modules import load_models

FORMAT = 1
# the live databases and locks; the job queue's messages are transient (jobs themselves are rows in the database,
# with their input and output files, and a restored queued job is queued again by the workers' recovery)
SKIP_FILES = {
    "secret.key",
    "loa.sqlite3",
    "loa.sqlite3-wal",
    "loa.sqlite3-shm",
    "loa.sqlite3.migrate.lock",
    "queue.sqlite3",
    "queue.sqlite3-wal",
    "queue.sqlite3-shm",
}


def _tables():
    load_models()
    return Base.metadata.sorted_tables


def _data_files(data_dir: Path) -> list[Path]:
    if not data_dir.exists():
        return []
    return sorted(
        p
        for p in data_dir.rglob("*")
        if p.is_file() and p.name not in SKIP_FILES and "cache" not in p.relative_to(data_dir).parts
    )


def backup(settings: Settings, target: Path) -> dict:
    """Write a backup archive to ``target``; returns the manifest."""
    url = settings.db_url
    with tempfile.TemporaryDirectory() as tmp:
        if url.startswith("sqlite:///"):
            # The SQLite online-backup API gives a consistent copy while the app keeps running.
            copy = Path(tmp) / "snapshot.sqlite3"
            src = sqlite3.connect(url.removeprefix("sqlite:///"))
            dst = sqlite3.connect(copy)
            src.backup(dst)
            src.close()
            dst.close()
            engine = create_engine(f"sqlite:///{copy}")
            try:
                manifest = _write(engine, settings, target)
            finally:
                engine.dispose()
        else:
            manifest = _write(get_engine(url), settings, target)
    return manifest


def _write(engine: Engine, settings: Settings, target: Path) -> dict:
    counts: dict[str, int] = {}
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        conn = engine.connect()
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn, conn.begin():
            heads = sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
            for table in _tables():
                with zf.open(f"db/{table.name}.jsonl", "w") as fh:
                    n = 0
                    for row in conn.execute(select(table).order_by(*table.primary_key.columns)).mappings():
                        fh.write(
                            (
                                json.dumps({k: to_jsonable(v) for k, v in row.items()}, ensure_ascii=False) + "\n"
                            ).encode()
                        )
                        n += 1
                counts[table.name] = n
        files = {}
        for path in _data_files(settings.data_dir):
            rel = path.relative_to(settings.data_dir).as_posix()
            data = path.read_bytes()
            files[rel] = hashlib.sha256(data).hexdigest()
            zf.writestr(f"data/{rel}", data)
        manifest = {
            "format": FORMAT,
            "loa_version": __version__,
            "created_at": utcnow().isoformat(),
            "dialect": engine.dialect.name,
            "migrations": heads,
            "tables": counts,
            "files": files,
        }
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    partial.replace(target)
    return manifest


def _decode(column, value):
    if value is None:
        return None
    if isinstance(value, dict) and set(value) == {"$b64"}:
        return base64.b64decode(value["$b64"])
    kind = column.type
    if isinstance(kind, (UTCDateTime, DateTime)):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    return value


def is_empty(settings: Settings) -> bool:
    engine = get_engine(settings.db_url)
    with engine.connect() as conn:
        for table in _tables():
            if (
                engine.dialect.has_table(conn, table.name)
                and conn.execute(select(func.count()).select_from(table)).scalar()
            ):
                return False
    return not _data_files(settings.data_dir)


def _wipe(settings: Settings) -> None:
    engine = get_engine(settings.db_url)
    meta = MetaData()
    with engine.begin() as conn:
        meta.reflect(conn)
        meta.drop_all(conn)
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP FUNCTION IF EXISTS loa_audit_append_only() CASCADE"))
    for path in _data_files(settings.data_dir):
        path.unlink()
    dispose_engines()


def restore(settings: Settings, source: Path, force: bool = False) -> dict:
    """Restore an archive into this instance's database and data directory (empty unless ``force``)."""
    try:
        zf = zipfile.ZipFile(source)
        manifest = json.loads(zf.read("manifest.json"))
        if not isinstance(manifest, dict):
            raise KeyError("manifest")
    except (OSError, KeyError, zipfile.BadZipFile, json.JSONDecodeError):
        raise UserError(f"{source} không phải tệp sao lưu của Loa.", f"{source} is not a Loa backup.") from None
    targets = _file_targets(settings.data_dir, manifest.get("files"), zf)
    url = settings.db_url
    migrations = manifest.get("migrations")
    if (
        manifest.get("format") != FORMAT
        or not isinstance(migrations, list)
        or applied_migrations(url, migrations) != all_migrations(url)
    ):
        raise UserError(
            "Bản sao lưu thuộc phiên bản cơ sở dữ liệu khác; hãy khôi phục bằng đúng phiên bản Loa đã tạo ra nó.",
            "The backup was made with another database version; restore it with the Loa version that made it.",
        )
    _check_contents(zf, source)
    upgrade(url)
    if not is_empty(settings):
        if not force:
            raise UserError(
                "Cơ sở dữ liệu hoặc thư mục dữ liệu đang có dữ liệu. Dùng --force để ghi đè.",
                "The database or data directory is not empty. Use --force to overwrite.",
                409,
            )
        _wipe(settings)
        upgrade(url)
    engine = get_engine(url)
    with zf, engine.begin() as conn:
        for table in _tables():
            rows = []
            with zf.open(f"db/{table.name}.jsonl") as fh:
                for line in fh:
                    raw = json.loads(line)
                    rows.append({c.name: _decode(c, raw.get(c.name)) for c in table.columns if c.name in raw})
                    if len(rows) >= 1000:
                        conn.execute(table.insert(), rows)
                        rows = []
            if rows:
                conn.execute(table.insert(), rows)
            if engine.dialect.name == "postgresql" and "id" in table.columns:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                    )
                )
        for rel, dest in targets:
            dest.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(f"data/{rel}") as src, dest.open("wb") as out:
                shutil.copyfileobj(src, out)
    return manifest


def _check_contents(zf: zipfile.ZipFile, source: Path) -> None:
    """Read the whole archive once before anything is changed (``--force`` wipes first): every entry's checksum
    and every table's rows, so a damaged or incomplete backup is refused with the instance as it was."""
    damaged: str | None = "ZIP"
    try:
        damaged = zf.testzip()
        if damaged is None:
            for table in _tables():
                damaged = f"db/{table.name}.jsonl"
                with zf.open(damaged) as fh:
                    for line in fh:
                        if not isinstance(json.loads(line), dict):
                            raise ValueError(line[:80])
                damaged = None
    except (KeyError, ValueError, EOFError, OSError, zipfile.BadZipFile, zlib.error):
        pass
    if damaged is not None:
        raise UserError(
            f"Tệp sao lưu {source.name} bị hỏng hoặc thiếu phần ({damaged[:200]}); không khôi phục, dữ liệu hiện có "
            "giữ nguyên.",
            f"The backup {source.name} is damaged or incomplete ({damaged[:200]}); nothing was restored and the data "
            "here is unchanged.",
        )


def _file_targets(data_dir: Path, files: object, zf: zipfile.ZipFile) -> list[tuple[str, Path]]:
    """Where each file of the manifest goes; refuses the whole archive if one would land outside ``data_dir``."""
    if not isinstance(files, dict):
        raise UserError(f"{zf.filename} không phải tệp sao lưu của Loa.", f"{zf.filename} is not a Loa backup.")
    root = data_dir.resolve()
    names = set(zf.namelist())
    targets = []
    for rel in files:
        dest = (root / str(rel)).resolve() if isinstance(rel, str) and rel else root
        if dest == root or not dest.is_relative_to(root) or f"data/{rel}" not in names:
            raise UserError(
                f"Bản sao lưu có tệp không hợp lệ ({str(rel)[:200]}): tệp phải nằm trong thư mục dữ liệu. "
                "Không có gì được ghi.",
                f"The backup holds an invalid file ({str(rel)[:200]}): files must stay inside the data directory. "
                "Nothing was written.",
            )
        targets.append((rel, dest))
    return targets

import json
import zipfile

import pytest
from sqlalchemy import create_engine, select, text

from loa.auth.models import Agency, User
from loa.backup import backup, restore
from loa.config import Settings
from loa.db import Base, dispose_engines, session_scope
from loa.errors import UserError
from loa.jobs.models import Job, JobFile


def _dump(url: str) -> dict:
    engine = create_engine(url)
    out = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).mappings().all()
            out[table.name] = [dict(r) for r in rows]
    engine.dispose()
    return out


def test_backup_then_restore_into_empty_data_dir_gives_identical_data(settings, db, people, tmp_path, _database):
    (settings.files_dir / "plans").mkdir()
    (settings.files_dir / "plans" / "ke-hoach.txt").write_text("Kế hoạch số 1", encoding="utf-8")
    (settings.data_dir / "queue.sqlite3").write_bytes(b"transient queue messages")
    with session_scope(settings.db_url) as db:  # what a worker writes: a finished job and its report
        job = Job(kind="plans.report", title="Báo cáo", params={}, status="done", created_by_id=people["admin"].id)
        job.files.append(JobFile(role="output", name="bao-cao.pdf", media_type="application/pdf", data=b"%PDF-1.4"))
        db.add(job)
    archive = tmp_path / "loa-backup.zip"
    manifest = backup(settings, archive)
    assert manifest["tables"]["users"] == 6 and manifest["tables"]["job_files"] == 1
    names = zipfile.ZipFile(archive).namelist()
    assert "data/files/plans/ke-hoach.txt" in names and not any("queue.sqlite3" in n for n in names)
    original = _dump(settings.db_url)

    if settings.db_url.startswith("sqlite"):
        fresh_url = f"sqlite:///{tmp_path / 'fresh' / 'loa.sqlite3'}"
    else:  # empty the run's PostgreSQL database: the restore target must be empty
        db.close()  # the test's own session must not hold a lock on the tables
        engine = create_engine(settings.db_url)
        with engine.begin() as conn:
            conn.execute(
                text("TRUNCATE " + ", ".join(t.name for t in Base.metadata.sorted_tables) + " RESTART IDENTITY CASCADE")
            )
        engine.dispose()
        fresh_url = settings.db_url
    dispose_engines()
    fresh = Settings(data_dir=tmp_path / "fresh", database_url=fresh_url, secret_key="x").prepare()
    restore(fresh, archive)
    assert _dump(fresh.db_url) == original
    assert (fresh.files_dir / "plans" / "ke-hoach.txt").read_text(encoding="utf-8") == "Kế hoạch số 1"

    with pytest.raises(UserError, match="--force"):
        restore(fresh, archive)
    restore(fresh, archive, force=True)
    assert _dump(fresh.db_url) == original


def test_restore_refuses_a_file_that_is_not_a_backup(settings, tmp_path):
    bogus = tmp_path / "not-a-backup.zip"
    bogus.write_bytes(b"PK not really")
    with pytest.raises(UserError, match="không phải tệp sao lưu"):
        restore(settings, bogus)


def test_restored_sequences_continue(settings, people, tmp_path, db):
    archive = tmp_path / "b.zip"
    backup(settings, archive)
    restore(settings, archive, force=True)
    from loa.auth import service as auth

    db.expire_all()
    agency = auth.create_agency(db, db.scalar(select(Agency)).province, "Sở Nội vụ")
    db.commit()
    assert agency.id > max(a.id for a in db.scalars(select(Agency)) if a.name != "Sở Nội vụ")
    assert db.scalar(select(User).where(User.username == "admin")) is not None
    assert json.loads(zipfile.ZipFile(archive).read("manifest.json"))["format"] == 1


@pytest.mark.parametrize("entry", ["../../../../outside.txt", "{tmp}/outside.txt", "files/../../../../../outside.txt"])
def test_restore_refuses_an_entry_leaving_the_data_directory_before_writing_anything(settings, tmp_path, entry):
    entry = entry.format(tmp=tmp_path)
    archive = tmp_path / "b.zip"
    backup(settings, archive)
    hostile = tmp_path / "hostile.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(hostile, "w") as dst:
        for name in src.namelist():
            if name != "manifest.json":
                dst.writestr(name, src.read(name))
        manifest = json.loads(src.read("manifest.json"))
        manifest["files"][entry] = "0" * 64
        dst.writestr("manifest.json", json.dumps(manifest))
        dst.writestr(f"data/{entry}", b"written outside")
    data_dir = tmp_path / "deep" / "a" / "b" / "fresh"
    data_dir.mkdir(parents=True)
    fresh = Settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'loa.sqlite3'}", secret_key="x")
    with pytest.raises(UserError, match="thư mục dữ liệu"):
        restore(fresh, hostile)
    assert not list(tmp_path.rglob("outside.txt"))
    assert list(fresh.data_dir.iterdir()) == []  # not even the database was created


@pytest.mark.parametrize(
    "migrations,accepted",
    [
        (lambda heads: heads + ["channels_0002"], True),  # a head another branch depends on, listed or not
        (lambda heads: [h for h in heads if h != "channels_0002"], True),
        (lambda heads: heads + ["zz_9999_from_a_newer_loa"], False),
        (lambda heads: [h for h in heads if not h.startswith("listening_")] + ["listening_0001"], False),
    ],
)
def test_restore_compares_the_migrations_applied_not_the_heads_listed(settings, tmp_path, migrations, accepted):
    archive = tmp_path / "b.zip"
    manifest = backup(settings, archive)
    assert "channels_0002" not in manifest["migrations"]  # emergency_0001 depends on it: Alembic keeps only that
    edited = tmp_path / "edited.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(edited, "w") as dst:
        for name in src.namelist():
            if name != "manifest.json":
                dst.writestr(name, src.read(name))
        dst.writestr("manifest.json", json.dumps({**manifest, "migrations": migrations(manifest["migrations"])}))
    if accepted:
        restore(settings, edited, force=True)
    else:
        with pytest.raises(UserError, match="phiên bản cơ sở dữ liệu khác"):
            restore(settings, edited, force=True)


@pytest.mark.parametrize("damage", ["flipped byte", "table missing", "not a row"])
def test_a_damaged_backup_is_refused_before_force_wipes_anything(settings, people, tmp_path, db, damage):
    archive = tmp_path / "b.zip"
    backup(settings, archive)
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(broken, "w", zipfile.ZIP_STORED) as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "db/users.jsonl":
                if damage == "table missing":
                    continue
                data = b"[1, 2]\n" + data if damage == "not a row" else data
            dst.writestr(name, data)
    if damage == "flipped byte":  # stored, so the byte is the row's own: only the checksum can tell
        raw = bytearray(broken.read_bytes())
        at = raw.index(b'"username"') + 3
        raw[at] ^= 0x20
        broken.write_bytes(bytes(raw))
    before = _dump(settings.db_url)
    with pytest.raises(UserError, match="bị hỏng hoặc thiếu phần"):
        restore(settings, broken, force=True)
    dispose_engines()
    assert _dump(settings.db_url) == before

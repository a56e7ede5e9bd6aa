"""An import merged from chunks prepared elsewhere (``loa.listening.chunks``) stores exactly what a sequential
import stores."""

import pytest
from sqlalchemy import select

from loa.clock import utcnow
from loa.db import session_scope, upgrade
from loa.listening import chunks, service
from loa.listening.models import DailyCount, ImportChunk, ImportJob, Item
from tests.jobs.test_workers import posts_csv


def stored(url: str) -> dict:
    with session_scope(url) as db:
        return {
            "items": sorted(
                (
                    i.text,
                    i.copies,
                    i.engagement,
                    i.day,
                    tuple(i.subcategories),
                    i.is_question,
                    i.is_concern,
                    i.sentiment,
                    i.minhash,
                )
                for i in db.scalars(select(Item))
            ),
            "counts": sorted(
                (c.day, c.topic, c.items, c.reach, c.questions, c.concerns, c.negative, c.claims)
                for c in db.scalars(select(DailyCount))
            ),
            "import": [(j.position, j.added, j.reposts, j.duplicates, j.status) for j in db.scalars(select(ImportJob))],
        }


def sequential(data: bytes, tmp_path, monkeypatch) -> str:
    """Chunks of 25 rows, batches of 18 (they straddle chunks); the URL of a database where ``data`` was imported
    in one sequential run, the reference."""
    monkeypatch.setenv("LOA_LISTENING_CHUNK_SIZE", "25")
    monkeypatch.setenv("LOA_LISTENING_BATCH_SIZE", "18")
    reference = f"sqlite:///{tmp_path / 'reference.sqlite3'}"
    upgrade(reference)
    with session_scope(reference) as ref:
        service.run_import(ref, service.start_import(ref, data, "posts.csv"), data)
    return reference


def test_chunks_prepared_by_helpers_merge_into_the_sequential_result(db, settings, tmp_path, monkeypatch):
    data = posts_csv(170)  # reposts and near copies across chunks; 7 chunks, the last one short
    reference = sequential(data, tmp_path, monkeypatch)

    imp = service.start_import(db, data, "posts.csv")
    db.commit()
    helper = chunks.Chunks(imp, data, 25)
    assert chunks.prepare_next(settings.db_url, helper, 1, 7) == 1  # a helper prepared chunks 1 and 3
    assert chunks.prepare_next(settings.db_url, helper, 3, 7) == 3
    assert chunks.claim(settings.db_url, imp.id, 4)  # and has chunk 4 in hand (or died with it)
    assert not chunks.claim(settings.db_url, imp.id, 4)

    shared, used = chunks.Shared(settings.db_url, imp, data, 170, 25), []

    def prepared(number):
        done = shared(number)
        used.append((number, done is not None))
        return done

    service.run_import(db, imp, data, prepared=prepared)
    # 0 and 2 were free: claimed and done as the import went; at 4 it prepared 5 and 6 rather than wait
    assert used == [(0, False), (1, True), (2, False), (3, True), (4, False), (5, True), (6, True)]
    assert stored(settings.db_url) == stored(reference)
    assert {n for n, d in db.execute(select(ImportChunk.number, ImportChunk.data)) if d} == {1, 3, 5, 6}
    chunks.forget(db, imp.id)
    assert db.scalar(select(ImportChunk)) is None


def test_a_killed_import_resumes_mid_chunk_with_what_helpers_prepared(db, settings, tmp_path, monkeypatch):
    data = posts_csv(120, seed=8)
    reference = sequential(data, tmp_path, monkeypatch)

    imp = service.start_import(db, data, "posts.csv")
    db.commit()
    helper = chunks.Chunks(imp, data, 25)
    for number in (2, 3, 4):
        assert chunks.prepare_next(settings.db_url, helper, number, 5) == number
    shared = chunks.Shared(settings.db_url, imp, data, 120, 25)

    def dies_at_chunk_3(number):
        if number == 3:
            raise KeyboardInterrupt("killed")
        return shared(number)

    with pytest.raises(KeyboardInterrupt):
        service.run_import(db, imp, data, prepared=dies_at_chunk_3)
    db.rollback()
    imp = db.get(ImportJob, imp.id)
    assert imp.position == 72  # four batches of 18: in the middle of chunk 2 (rows 51-75)
    again = service.start_import(db, data, "posts.csv")
    service.run_import(db, again, data, prepared=chunks.Shared(settings.db_url, again, data, 120, 25))
    assert stored(settings.db_url) == stored(reference)


def test_a_chunk_survives_its_round_trip(db):
    data = posts_csv(30)
    imp = service.start_import(db, data, "posts.csv")
    posts = chunks.Chunks(imp, data, 30).posts_of(0)
    done = chunks.prepare_posts(posts)
    back = chunks.decode(chunks.encode(done))
    assert [(p.text, p.exact_hash, p.post_key, list(p.minhash.hashvalues), p.prediction) for p in back] == [
        (p.text, p.exact_hash, p.post_key, list(p.minhash.hashvalues), p.prediction) for p in done
    ]


def test_retention_removes_the_working_copies_of_ended_or_old_imports(db, settings):
    from datetime import timedelta

    from sqlalchemy import update

    running = service.start_import(db, posts_csv(10, seed=1), "a.csv")
    done = service.start_import(db, posts_csv(10, seed=2), "b.csv")
    done.status = "done"
    db.commit()
    for imp in (running, done):
        chunks.claim(settings.db_url, imp.id, 1)
        chunks.claim(settings.db_url, imp.id, 2)
    db.execute(
        update(ImportChunk)
        .where(ImportChunk.import_id == running.id, ImportChunk.number == 2)
        .values(created_at=utcnow() - timedelta(days=100))
    )
    assert service.apply_retention(db)["chunks_deleted"] == 3
    assert [(c.import_id, c.number) for c in db.scalars(select(ImportChunk))] == [(running.id, 1)]

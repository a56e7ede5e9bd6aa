"""The resumable import of an uploaded export: one import job per file and mapping, ingested batch by batch.

The one exception to the request-commits rule: services never commit, the request, job or CLI scope that calls
them does; the resumable import does not work that way. ``run_import`` commits before it starts and then each
batch of ``batch_size`` rows together with the job's new position, so that an import killed midway resumes
after its last committed batch without loss or duplicates, and a long import never holds one long transaction.
Around it, the ``listening.import`` job (``loa.listening.jobs``) commits the started import and the helper jobs
it submits before merging (and the import's state when it is cancelled), and the chunks that helper workers
prepare (``loa.listening.chunks``) are claimed, stored and read in short session scopes of their own, outside
the import's transaction. Nothing else in the listening module commits."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa.clock import utcnow
from loa.errors import UserError
from loa.listening.alerts import detect
from loa.listening.config import ListeningSettings
from loa.listening.ingest import Ingestor
from loa.listening.models import ImportJob, Source
from loa.listening.pipeline import Post, Processed
from loa.listening.sources import upload_source
from loa.listening.uploads import check_mapping, columns, file_format, guess_mapping, read_rows, row_post, validate


def import_key(data: bytes, mapping: dict) -> str:
    return hashlib.sha256(data + json.dumps(mapping, sort_keys=True).encode()).hexdigest()


def start_import(
    db: Session, data: bytes, filename: str, mapping: dict[str, str] | None = None, platform: str = ""
) -> ImportJob:
    """Validate an export and create (or find) its import job; ``run_import`` does the work."""
    fmt = file_format(filename, data)
    if fmt == "feed":
        raise UserError(
            "Đây là tệp nguồn tin RSS/Atom; hãy dùng chức năng nhập nguồn tin.",
            "This is an RSS/Atom file; import it as a feed.",
            422,
        )
    cols = columns(data, fmt)
    mapping = check_mapping(mapping or guess_mapping(cols), cols)
    key = import_key(data, mapping)
    job = db.scalar(select(ImportJob).where(ImportJob.content_hash == key))
    if job is not None:
        return job
    validate(data, fmt, mapping)
    source = upload_source(db, platform)
    job = ImportJob(
        source_id=source.id,
        filename=filename[:300],
        content_hash=key,
        mapping={**mapping, "_format": fmt, "_platform": platform},
    )
    db.add(job)
    db.flush()
    return job


def import_posts(job: ImportJob, data: bytes) -> Iterator[Post]:
    """The posts of an import's file in file order, read through its column mapping."""
    mapping = {k: v for k, v in job.mapping.items() if not k.startswith("_")}
    platform = job.mapping.get("_platform", "")
    for row in read_rows(data, job.mapping.get("_format", "csv")):
        yield row_post(row, mapping, platform)


def run_import(
    db: Session,
    job: ImportJob,
    data: bytes,
    settings: ListeningSettings | None = None,
    progress: Callable[[ImportJob], None] | None = None,
    prepared: Callable[[int], list[Processed | None] | None] | None = None,
) -> ImportJob:
    """Ingest a job's rows from ``job.position`` on, committing each batch with the new position, so that an
    interrupted import resumes without loss or duplicates. A finished job adds nothing. ``progress(job)`` is
    called after each committed batch (it may raise to stop the import there). ``prepared(k)``, when given,
    returns the rows of chunk ``k`` (``chunk_size`` rows from row k × chunk_size + 1) already prepared by
    another worker, or None to prepare them here; the merge (dedupe, writes) is the same either way."""
    if job.status == "done":
        return job
    settings = settings or ListeningSettings()
    db.commit()
    ing = Ingestor(db, source_id=job.source_id, settings=settings)
    days: set[date] = set()
    position, size, chunk, ready = job.position, settings.chunk_size, -1, None
    for n, post in enumerate(import_posts(job, data), 1):
        if n <= job.position:
            continue
        if prepared is not None and (n - 1) // size != chunk:
            chunk = (n - 1) // size
            ready = prepared(chunk)
        if ready is None:
            ing.add(post)
        else:
            ing.add_prepared(post, ready[(n - 1) % size])
        position = n
        if n % settings.batch_size == 0:
            _checkpoint(db, job, ing, position)
            days |= ing.stats.days
            if progress:
                progress(job)
    _checkpoint(db, job, ing, position)
    days |= ing.stats.days
    for day in sorted(days)[-7:]:
        detect(db, day, settings)
    job.status, job.finished_at = "done", utcnow()
    source = db.get(Source, job.source_id) if job.source_id else None
    if source is not None:
        source.items_added += job.added
        source.last_ok_at = source.last_polled_at = utcnow()
    db.commit()
    return job


def _checkpoint(db: Session, job: ImportJob, ing: Ingestor, position: int) -> None:
    ing.flush()
    job.position = position
    job.added += ing.stats.added
    job.reposts += ing.stats.reposts
    job.duplicates += ing.stats.seen
    ing.stats.added = ing.stats.reposts = ing.stats.seen = 0
    db.commit()


def list_imports(db: Session, limit: int = 20) -> list[ImportJob]:
    return list(db.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(limit)))

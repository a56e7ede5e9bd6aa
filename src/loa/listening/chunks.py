"""One import shared by several workers.

The file is cut into chunks of ``chunk_size`` rows. The per-post work (scrub, normalise, MinHash, segment,
classify) does not depend on other posts: helper jobs (``listening.prepare``) do it for the chunks ahead and
store the result. The import job alone merges the chunks in file order (dedupe, writes, the claims desk), which
depends on every earlier row, so the stories are exactly those of a sequential import. A chunk is claimed by
inserting its row (the unique key refuses a second claim) and filled when ready; nobody waits for anybody: the
import prepares a chunk itself when no helper has it ready. Claims and chunks are written in short session scopes
of their own (part of the one exception to the request-commits rule, see ``loa.listening.imports``)."""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Iterator
from itertools import islice

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from loa.db import session_scope
from loa.listening.classify import Prediction
from loa.listening.imports import import_posts
from loa.listening.models import ImportChunk, ImportJob
from loa.listening.pipeline import Post, Processed, minhash_bytes, minhash_from, process
from loa.text.language import detect


def prepare_posts(posts: list[Post]) -> list[Processed | None]:
    """What ``Ingestor.add`` computes for each post, classification included (also for posts that will turn out
    to be reposts: wasted there, but the same text always gets the same result)."""
    return [process(post) for post in posts]


def encode(done: list[Processed | None]) -> bytes:
    """Compressed JSON: per row its text, hashes, MinHash and prediction (None for a row without text)."""
    rows = [
        None
        if p is None
        else [
            p.text,
            p.exact_hash,
            p.post_key,
            base64.b64encode(minhash_bytes(p.minhash)).decode(),
            p.prediction.subcategories,
            p.prediction.scores,
            p.prediction.is_question,
            p.prediction.is_concern,
            p.prediction.sentiment,
        ]
        for p in done
    ]
    return zlib.compress(json.dumps(rows, ensure_ascii=False).encode(), 1)


def decode(data: bytes) -> list[Processed | None]:
    """The rows of :func:`encode`, classified already (segmentation is not kept: only classification needs it)."""
    return [
        None
        if r is None
        else Processed(
            text=r[0],
            exact_hash=r[1],
            post_key=r[2],
            minhash=minhash_from(base64.b64decode(r[3])),
            sylls=([], []),
            prediction=Prediction(*r[4:9]),
            language=detect(r[0]).code,
        )
        for r in json.loads(zlib.decompress(data))
    ]


def chunk_count(rows: int, size: int) -> int:
    return -(-rows // size)


class Chunks:
    """The posts of an import's file, a chunk at a time, read forward (from the top again for an earlier one)."""

    def __init__(self, imp: ImportJob, data: bytes, size: int):
        self.imp, self.data, self.size = imp, data, size
        self._rewind()

    def _rewind(self) -> None:
        self.posts: Iterator[Post] = import_posts(self.imp, self.data)
        self.next = 0

    def posts_of(self, number: int) -> list[Post]:
        if number < self.next:
            self._rewind()
        skip = (number - self.next) * self.size
        self.next = number + 1
        return list(islice(self.posts, skip, skip + self.size))


def claim(url: str, import_id: int, number: int) -> bool:
    """Take chunk ``number``; False when another worker has it."""
    try:
        with session_scope(url, source="job") as db:
            db.execute(insert(ImportChunk).values(import_id=import_id, number=number))
    except IntegrityError:
        return False
    return True


def claim_free(url: str, import_id: int, start: int, count: int) -> int | None:
    """Take the first chunk from ``start`` on that nobody has; None when every one is taken."""
    while True:
        with session_scope(url, source="job") as db:
            taken = set(
                db.scalars(
                    select(ImportChunk.number).where(ImportChunk.import_id == import_id, ImportChunk.number >= start)
                )
            )
        number = next((n for n in range(start, count) if n not in taken), None)
        if number is None or claim(url, import_id, number):
            return number


def store(url: str, import_id: int, number: int, done: list[Processed | None]) -> None:
    with session_scope(url, source="job") as db:
        db.execute(
            update(ImportChunk)
            .where(ImportChunk.import_id == import_id, ImportChunk.number == number)
            .values(data=encode(done))
        )


def prepare_next(url: str, chunks: Chunks, start: int, count: int) -> int | None:
    """Claim, prepare and store the first free chunk from ``start`` on; its number, or None when none is free."""
    number = claim_free(url, chunks.imp.id, start, count)
    if number is not None:
        store(url, chunks.imp.id, number, prepare_posts(chunks.posts_of(number)))
    return number


def lookup(url: str, import_id: int, number: int) -> tuple[bool, list[Processed | None] | None]:
    """Whether chunk ``number`` is claimed, and its prepared posts when they are stored."""
    with session_scope(url, source="job") as db:
        row = db.execute(
            select(ImportChunk.data).where(ImportChunk.import_id == import_id, ImportChunk.number == number)
        ).first()
    if row is None:
        return False, None
    return True, (decode(row.data) if row.data is not None else None)


class Shared:
    """The import's side, given to ``imports.run_import`` as ``prepared``: ``shared(k)`` is chunk ``k`` as a
    helper stored it. While a helper is still at it, this worker prepares the next free chunk (for later) instead
    of waiting. None tells the import to prepare chunk ``k`` itself as it goes (as a sequential import: only new
    stories are classified); the chunk is claimed first, so that no helper starts on it."""

    def __init__(self, url: str, imp: ImportJob, data: bytes, rows: int, size: int):
        self.url, self.import_id = url, imp.id
        self.count = chunk_count(rows, size)
        self.chunks = Chunks(imp, data, size)

    def __call__(self, number: int) -> list[Processed | None] | None:
        while True:
            claimed, done = lookup(self.url, self.import_id, number)
            if done is not None:
                return done
            if not claimed:
                if claim(self.url, self.import_id, number):
                    return None
                continue  # a helper took it just now
            if prepare_next(self.url, self.chunks, number + 1, self.count) is None:
                return None  # every chunk is taken: prepare this one here rather than wait for its helper


def forget(db: Session, import_id: int) -> None:
    """Drop an import's chunks (once it is done)."""
    db.execute(delete(ImportChunk).where(ImportChunk.import_id == import_id))

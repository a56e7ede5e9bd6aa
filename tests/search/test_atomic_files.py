"""The embedding cache and stored indexes are written by several threads at once (web requests, the worker):
each writer has its own temporary file, replaced into place atomically, and readers never see a partial file."""

from __future__ import annotations

import threading

import numpy as np

from loa.search import Index
from loa.search.embed import DIM, EmbeddingCache


def run_threads(target, n: int = 8) -> list[BaseException]:
    errors: list[BaseException] = []

    def wrapped(i: int) -> None:
        try:
            target(i)
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_cache_shards_written_by_threads_at_once(tmp_path):
    keys = [f"passage:{i}" for i in range(64)]
    vecs = np.random.default_rng(1).random((64, DIM), dtype=np.float32)
    cache = EmbeddingCache(tmp_path)

    def write_and_read(i: int) -> None:
        for _ in range(15):
            cache._save(keys, vecs)  # the same shard name in every thread, as two requests embedding one text
            EmbeddingCache(tmp_path)  # a reader loading every shard meanwhile

    assert run_threads(write_and_read) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left
    loaded = EmbeddingCache(tmp_path).vectors
    assert len(loaded) == 64 and np.allclose(loaded["passage:3"], vecs[3])


def test_index_folder_written_by_threads_at_once(tmp_path):
    index = Index("t", semantic=False)
    index.add([(f"d{i}", f"Tài liệu số {i} về tiêm chủng", {}) for i in range(50)])

    def write(i: int) -> None:
        for _ in range(15):
            index.write(tmp_path)
            Index("t", semantic=False).read(tmp_path)

    assert run_threads(write) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs.json"]
    other = Index("t", semantic=False)
    other.read(tmp_path)
    assert other.ids == index.ids

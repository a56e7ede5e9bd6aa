"""Learned fusion: per-candidate features from every stage, combined by logistic regression into one
calibrated probability. Weights are learned from question–answer pairs (``bench/answers_retrieval.py --train``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LEXICAL = ("syl", "fold", "word", "head")  # BM25 stages; "assoc" (learned associations) and "sem" (e5) follow
NAMES = tuple(f"{n}_{kind}" for n in LEXICAL for kind in ("rel", "rr", "cov", "dcov")) + (
    "assoc_rel",
    "assoc_rr",
    "sem_cos",
    "sem_gap",
    "sem_rr",
    "nbr_score",
    "nbr_gap",
    "nbr_rr",
    "rrf",
    "group_cov",
)
WEIGHTS_FILE = Path(__file__).with_name("weights.json")


def features(
    scores: dict[str, float],
    ranks: dict[str, int | None],
    tops: dict[str, float],
    coverage: dict[str, float],
    doc_coverage: dict[str, float],
    group_coverage: float = 0.0,
) -> list[float]:
    """The feature vector (order of :data:`NAMES`) of one candidate: per lexical stage its score relative to the
    top one, reciprocal rank, and the share (idf-weighted) of the query's terms in the document (``cov``) and of
    the document's terms in the query (``dcov``); ``group_coverage``: the share of the query's folded terms found
    in any document of the candidate's group (every phrasing of one claim)."""
    out = []
    rrf = 0.0
    for n in LEXICAL:
        top = tops.get(n, 0.0)
        r = ranks.get(n)
        out += [
            scores.get(n, 0.0) / top if top > 0 else 0.0,
            1.0 / (1 + r) if r is not None else 0.0,
            coverage.get(n, 0.0),
            doc_coverage.get(n, 0.0),
        ]
        rrf += 1.0 / (60 + r) if r is not None else 0.0
    top, r = tops.get("assoc", 0.0), ranks.get("assoc")
    out += [scores.get("assoc", 0.0) / top if top > 0 else 0.0, 1.0 / (1 + r) if r is not None else 0.0]
    if "sem" in scores:
        r = ranks.get("sem")
        out += [scores["sem"], scores["sem"] - tops.get("sem", 0.0), 1.0 / (1 + r) if r is not None else 0.0]
        rrf += 1.0 / (60 + r) if r is not None else 0.0
    else:
        out += [0.0, 0.0, 0.0]
    if "nbr" in scores:
        r = ranks.get("nbr")
        out += [scores["nbr"], scores["nbr"] - tops.get("nbr", 0.0), 1.0 / (1 + r) if r is not None else 0.0]
    else:
        out += [0.0, 0.0, 0.0]
    out += [rrf * 20, group_coverage]
    return out


@dataclass
class Ranker:
    """Logistic regression over :data:`NAMES`; ``predict`` gives calibrated probabilities."""

    weights: np.ndarray
    bias: float

    @classmethod
    def from_dict(cls, entry: dict | None) -> Ranker | None:
        """Weights saved by :meth:`as_dict`; a feature they do not name weighs 0, and weights naming a feature
        that no longer exists are refused (None)."""
        if not entry or not set(entry["names"]) <= set(NAMES):
            return None
        named = dict(zip(entry["names"], entry["weights"]))
        return cls(np.array([named.get(n, 0.0) for n in NAMES], dtype=np.float64), float(entry["bias"]))

    @classmethod
    def learned(cls, kind: str) -> Ranker | None:
        """Weights learned for matching questions to long answers (``weights.json``, UIT-ViCoV19QA train
        split): ``kind`` "lexical" or "hybrid"; None when not learned for the current features."""
        data = json.loads(WEIGHTS_FILE.read_text()) if WEIGHTS_FILE.exists() else {}
        return cls.from_dict(data.get(kind))

    @classmethod
    def default(cls, semantic: bool = False) -> Ranker:
        """Weights for matching short texts to short texts (questions, claims): coverage of the query's terms
        and agreement between stages, calibrated on the FAQ fixtures."""
        base = np.zeros(len(NAMES))
        for i, n in enumerate(NAMES):  # a reasonable prior before any training: coverage and agreement
            base[i] = {
                "syl_cov": 3.0,
                "fold_cov": 1.5,
                "word_cov": 1.5,
                "syl_rel": 1.0,
                "sem_cos": 4.0 if semantic else 0,
                "rrf": 1.0,
            }.get(n, 0.0)
        return cls(base, -5.0 - (3.0 if semantic else 0.0))

    def predict(self, x: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        return 1.0 / (1.0 + np.exp(-(x @ self.weights + self.bias)))

    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray, l2: float = 1.0, iterations: int = 50) -> Ranker:
        """Logistic regression by Newton's method with an L2 penalty."""
        x = np.hstack([np.asarray(x, np.float64), np.ones((len(x), 1))])
        y = np.asarray(y, np.float64)
        w = np.zeros(x.shape[1])
        reg = np.eye(x.shape[1]) * l2
        reg[-1, -1] = 0.0
        for _ in range(iterations):
            p = 1.0 / (1.0 + np.exp(-(x @ w)))
            grad = x.T @ (p - y) + reg @ w
            hess = (x * (p * (1 - p))[:, None]).T @ x + reg
            step = np.linalg.solve(hess, grad)
            w -= step
            if np.abs(step).max() < 1e-6:
                break
        return cls(w[:-1], float(w[-1]))

    def as_dict(self) -> dict:
        return {
            "names": list(NAMES),
            "weights": [round(float(v), 5) for v in self.weights],
            "bias": round(self.bias, 5),
        }

"""Confidence that the best FAQ match is the right answer: a logistic model over the fused score of the top hit
(log-odds), its margin to the best other entry, the share of the hits' probability mass its entry holds and how
much of the question its text covers; learned on UIT-ViCoV19QA train questions with the FAQ index's own pipeline
(``bench/answers_retrieval.py --learn-confidence``) and shipped in ``data/confidence.json``."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from loa.search import Hit

DATA = Path(__file__).with_name("data") / "confidence.json"
HITS = 20  # the best hits of a search the share is taken over
# the top hit's fusion features (loa.search.rank.NAMES) the model reads; the stages' agreement (ranks), e5
# similarity and associations added nothing on the train questions
STAGES = ("syl_cov", "word_cov")
NAMES = ("logit", "logit_margin", "share") + STAGES


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def features(top: dict[str, float], scores: Sequence[float], mine: Sequence[bool]) -> list[float]:
    """The model's inputs (order of :data:`NAMES`): ``scores`` are the fused scores of a search's best hits, best
    first; ``mine`` says which of them belong to the first hit's entry (the phrasings of one FAQ entry); ``top``
    holds the first hit's fusion features (name → value)."""
    z, mine = _logit(scores), np.asarray(mine, dtype=bool)
    second = z[~mine].max() if (~mine).any() else _logit(0.0)
    mass = np.exp(z - z[0])
    return [float(z[0]), float(z[0] - second), float(mass[mine].sum() / mass.sum())] + [
        float(top.get(n, 0.0)) for n in STAGES
    ]


@dataclass
class Model:
    """Logistic regression over :data:`NAMES` for one pipeline ("lexical" or "hybrid")."""

    weights: np.ndarray
    bias: float

    @classmethod
    def from_dict(cls, entry: dict) -> Model:
        if list(entry["names"]) != list(NAMES):
            raise ValueError(f"confidence weights name {entry['names']}, expected {list(NAMES)}")
        return cls(np.array(entry["weights"], dtype=np.float64), float(entry["bias"]))

    def as_dict(self) -> dict:
        return {
            "names": list(NAMES),
            "weights": [round(float(v), 5) for v in self.weights],
            "bias": round(self.bias, 5),
        }

    def predict(self, x) -> np.ndarray:
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        return 1.0 / (1.0 + np.exp(-(x @ self.weights + self.bias)))


def load(path: Path = DATA) -> dict[str, Model]:
    """The models by pipeline kind ("lexical", "hybrid") stored in ``path``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {kind: Model.from_dict(data[kind]) for kind in ("lexical", "hybrid")}


@functools.cache
def models() -> dict[str, Model]:
    """The shipped models, read once."""
    return load()


def of(hits: list[Hit], entry: Callable[[Hit], object], semantic: bool) -> float:
    """Probability that the first of ``hits`` (a search's results, best first) is the right answer; ``entry``
    gives a hit's entry (several hits may be one entry's phrasings); ``semantic``: the index has the e5 stage."""
    if not hits:
        return 0.0
    hits = hits[:HITS]
    first = entry(hits[0])
    row = features(hits[0].features, [h.score for h in hits], [entry(h) == first for h in hits])
    return float(models()["hybrid" if semantic else "lexical"].predict(row)[0])

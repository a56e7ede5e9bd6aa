"""Confidence that the best FAQ match is the right answer, and the threshold from which a chat answers.

A logistic model per pipeline ("lexical", "hybrid" with e5) over the fused score of the top hit (log-odds), its
margin to the best other entry, the share of the hits' probability mass its entry holds and how much of the
question its text covers, learned on UIT-ViCoV19QA train questions with the FAQ index's own pipeline
(``bench/answers_retrieval.py --learn-confidence``); its chat threshold is the lowest where the answers judged to
serve the train and val questions (``bench/data/answers_served.csv``) and the starter FAQ's held-out phrasings
reach the chat's precision while the chat answers fewer of those phrasings than the page. The hybrid model has a
second stage (:class:`Calibration`) fitted on the train judgments: it reads the first model's log-odds with the e5
similarity of the top answer. Both are shipped in ``data/confidence.json``."""

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
# the top hit's fusion features (loa.search.rank.NAMES) the first model reads; the stages' agreement (ranks), e5
# similarity, associations and the learned long-answer fusion's view of the hits added nothing there that held on
# the starter FAQ (e5 similarity helps in the second stage, fitted on judged answers)
STAGES = ("syl_cov", "word_cov")
NAMES = ("logit", "logit_margin", "share") + STAGES
CALIBRATION = ("logit", "sem_cos")  # the second stage's inputs: the first model's log-odds, the top hit's e5 similarity
PRECISION = 0.85  # a chat's answers must serve the askers this often
LEAST = 10  # questions a threshold must answer for its precision to count


def chosen(*curves: list[list], most: int | None = None) -> float | None:
    """The chat threshold the bench chooses from curves of ``[threshold, questions answered, share of them served]``
    over the same thresholds (ascending): the lowest where every curve answers at least :data:`LEAST` questions and
    serves at least :data:`PRECISION` of them, and the last answers fewer than ``most`` (a page answers those: a chat
    is the stricter channel)."""
    for points in zip(*curves):
        if all(n >= LEAST and p is not None and p >= PRECISION for _, n, p in points) and (
            most is None or points[-1][1] < most
        ):
            return points[0][0]
    return None


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


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass
class Calibration:
    """Second stage over :data:`CALIBRATION`, standardised by ``mean`` and ``scale``: logistic regression fitted on
    judged answers (does the answer serve the question), where the first model learned "is it the question's own
    answer". When the top hit is a question phrasing its similarity counts as the mean: phrasings lie nearer to
    questions than answers do, a scale the judged answers never showed."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float

    @classmethod
    def from_dict(cls, entry: dict) -> Calibration:
        if list(entry["names"]) != list(CALIBRATION):
            raise ValueError(f"calibration inputs name {entry['names']}, expected {list(CALIBRATION)}")
        return cls(*(np.array(entry[k], dtype=np.float64) for k in ("mean", "scale", "weights")), float(entry["bias"]))

    def as_dict(self) -> dict:
        return {
            "names": list(CALIBRATION),
            **{k: [round(float(v), 5) for v in getattr(self, k)] for k in ("mean", "scale", "weights")},
            "bias": round(self.bias, 5),
        }

    def predict(self, first: np.ndarray, cos: np.ndarray, on_answer: np.ndarray) -> np.ndarray:
        """Calibrated probabilities from the first model's ``first``, the top hits' e5 similarity ``cos`` and whether
        each top hit is an answer (``on_answer``)."""
        x = np.column_stack([_logit(first), np.asarray(cos, dtype=np.float64)])
        z = (x - self.mean) / self.scale
        z[~np.asarray(on_answer, dtype=bool), 1] = 0.0
        return _sigmoid(z @ self.weights + self.bias)


@dataclass
class Model:
    """Logistic regression over :data:`NAMES` for one pipeline ("lexical" or "hybrid"), its optional
    :class:`Calibration`, and the confidence from which a chat answers with it."""

    weights: np.ndarray
    bias: float
    threshold: float
    calibration: Calibration | None = None

    @classmethod
    def from_dict(cls, entry: dict) -> Model:
        if list(entry["names"]) != list(NAMES):
            raise ValueError(f"confidence weights name {entry['names']}, expected {list(NAMES)}")
        calibration = Calibration.from_dict(entry["calibration"]) if entry.get("calibration") else None
        weights = np.array(entry["weights"], dtype=np.float64)
        return cls(weights, float(entry["bias"]), float(entry["threshold"]), calibration)

    def as_dict(self) -> dict:
        return {
            "names": list(NAMES),
            "weights": [round(float(v), 5) for v in self.weights],
            "bias": round(self.bias, 5),
            "threshold": self.threshold,
            **({"calibration": self.calibration.as_dict()} if self.calibration else {}),
        }

    def predict(self, x) -> np.ndarray:
        """The first model's probabilities for rows ``x`` of :func:`features`."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        return _sigmoid(x @ self.weights + self.bias)

    def confidence(self, x, cos=0.0, on_answer=True) -> np.ndarray:
        """The confidence a chat compares with the threshold: :meth:`predict`, calibrated when the model has a
        second stage (``cos``: the top hits' e5 similarity; ``on_answer``: whether each top hit is an answer)."""
        first = self.predict(x)
        if self.calibration is None:
            return first
        return self.calibration.predict(
            first, np.broadcast_to(cos, first.shape), np.broadcast_to(on_answer, first.shape)
        )


def load(path: Path = DATA) -> dict[str, Model]:
    """The models by pipeline kind ("lexical", "hybrid") stored in ``path``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {kind: Model.from_dict(data[kind]) for kind in ("lexical", "hybrid")}


@functools.cache
def models() -> dict[str, Model]:
    """The shipped models, read once."""
    return load()


def threshold(semantic: bool) -> float:
    """The confidence at or above which a chat answers, for the pipeline with (``semantic``) or without e5."""
    return models()["hybrid" if semantic else "lexical"].threshold


def of(hits: list[Hit], entry: Callable[[Hit], object], semantic: bool, model: Model | None = None) -> float:
    """Probability that the first of ``hits`` (a search's results, best first) is the right answer; ``entry`` gives a
    hit's entry (several hits may be one entry's phrasings); ``semantic``: the index has the e5 stage; ``model``:
    another than the shipped one of that pipeline."""
    if not hits:
        return 0.0
    hits = hits[:HITS]
    first = entry(hits[0])
    row = features(hits[0].features, [h.score for h in hits], [entry(h) == first for h in hits])
    model = model or models()["hybrid" if semantic else "lexical"]
    cos, on_answer = hits[0].features.get("sem_cos", 0.0), hits[0].meta.get("kind", "answer") != "question"
    return float(model.confidence(row, cos, on_answer)[0])

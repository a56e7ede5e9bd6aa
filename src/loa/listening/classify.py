"""The EARS classifier: multi-label subcategories, concern and sentiment from a small logistic model, and a
rule for questions.

Features are the segmented words (``loa.text.words``) and, on the diacritics-free text with teencode expanded
("ko" → "khong", "vx" → "vac xin"; posts are often typed without tone marks), syllables, syllable bigrams and
character 3- and 4-grams of each syllable. The weights ship in ``data/classifier.json``; ``loa.listening.train``
produces them from the committed labels (joined to the vicov19qa texts at training time) and the written posts.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from loa.listening.taxonomy import category_of
from loa.text import fold, normalize, strip_diacritics, syllables, words
from loa.text.abbreviations import dictionary

DATA = Path(__file__).parent / "data"
MODEL_FILE = DATA / "classifier.json"
N_TOPICS = 41
CONCERN = N_TOPICS  # output column of the concern score
SENTIMENT = slice(N_TOPICS + 1, N_TOPICS + 4)  # negative, neutral, positive (softmax)
SENTIMENTS = ("negative", "neutral", "positive")
N_OUT = N_TOPICS + 4

_QUESTION = re.compile(
    r"\?|\b(không|chưa|ko|k|hok|hông)\s*(ạ|vậy|nhỉ|nhé|hả|à)?\s*[.!]*$|\b(có|được)\s+\w+(\s+\w+){0,6}\s+(không|chưa)\b"
    r"|\b(bao giờ|bao lâu|bao nhiêu|ở đâu|chỗ nào|thế nào|như thế nào|ra sao|làm sao|tại sao|vì sao|là gì|"
    r"có nên|có phải|hay không|được không|xin hỏi|cho hỏi|ai biết|khi nào)\b",
    re.IGNORECASE,
)


def is_question(text: str) -> bool:
    """A question mark, or a Vietnamese interrogative pattern ("có ... không", "bao giờ", "ở đâu"...)."""
    return bool(_QUESTION.search(text))


@lru_cache(maxsize=1)
def _teencode() -> dict[str, list[str]]:
    """Diacritics-free one-syllable short forms → their diacritics-free full forms ("dc" → ["duoc"])."""
    out: dict[str, list[str]] = {}
    for short, full in dictionary().items():
        key = strip_diacritics(short)
        if " " not in key:
            out.setdefault(key, strip_diacritics(full.lower()).split())
    return out


def features(
    text: str, segmented: list[str] | None = None, sylls: tuple[list[str], list[str]] | None = None
) -> list[str]:
    """The feature strings of a text; ``segmented`` (``loa.text.words``) and ``sylls`` (syllables and their
    folded forms) reuse what the pipeline already computed."""
    ws = segmented if segmented is not None else words(text)
    folded = sylls[1] if sylls is not None else fold(" ".join(syllables(text))).split()
    teen = _teencode()
    expanded = [f for t in folded for f in teen.get(t, (t,))]
    out = ["w:" + w for w in ws]
    out += ["f:" + f for f in expanded]
    out += ["g:" + a + "_" + b for a, b in zip(expanded, expanded[1:])]
    for t in set(expanded):
        padded = "<" + t + ">"
        out += ["c:" + padded[i : i + n] for n in (3, 4) for i in range(len(padded) - n + 1)]
    return out


@dataclass
class Prediction:
    subcategories: list[int]
    scores: list[float]
    is_question: bool
    is_concern: bool
    sentiment: str

    @property
    def category(self) -> str:
        return category_of(self.subcategories[0])

    def as_dict(self) -> dict:
        return {
            "category": self.category,
            "subcategories": self.subcategories,
            "is_question": self.is_question,
            "is_concern": self.is_concern,
            "sentiment": self.sentiment,
        }


class Model:
    """Weights ``W`` (features × outputs), bias ``b``, the feature vocabulary and thresholds: one per topic
    (probability for a secondary subcategory) and, when present, a 42nd for concern (probability, chosen by
    ``loa.listening.train`` without the test split; 0.5 otherwise)."""

    def __init__(self, vocab: list[str], W: np.ndarray, b: np.ndarray, thresholds: np.ndarray):
        self.vocab = {f: i for i, f in enumerate(vocab)}
        self.W, self.b, self.thresholds = W.astype(np.float32), b.astype(np.float32), np.asarray(thresholds)
        p = float(self.thresholds[N_TOPICS]) if len(self.thresholds) > N_TOPICS else 0.5
        self.concern_logit = float(np.log(p / (1 - p)))

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> Model:
        data = json.loads(path.read_text())
        shape = tuple(data["shape"])
        W = np.frombuffer(base64.b64decode(data["W"]), dtype=np.float16).reshape(shape)
        return cls(data["vocab"], W, np.array(data["b"]), np.array(data["thresholds"]))

    def save(self, path: Path = MODEL_FILE) -> None:
        vocab = sorted(self.vocab, key=self.vocab.get)
        path.write_text(
            json.dumps(
                {
                    "vocab": vocab,
                    "shape": list(self.W.shape),
                    "W": base64.b64encode(self.W.astype(np.float16).tobytes()).decode(),
                    "b": [round(float(x), 5) for x in self.b],
                    "thresholds": [round(float(x), 3) for x in self.thresholds],
                },
                ensure_ascii=False,
            )
        )

    def index(self, feats: list[str]) -> np.ndarray:
        return np.fromiter({self.vocab[f] for f in feats if f in self.vocab}, dtype=np.int64)

    def scores(self, feats: list[str]) -> np.ndarray:
        """Raw output logits for one document (binary features, L2-normalised)."""
        idx = self.index(feats)
        if len(idx) == 0:
            return self.b.copy()
        return self.W[idx].sum(axis=0) / np.sqrt(len(idx)) + self.b

    def predict(
        self, text: str, segmented: list[str] | None = None, sylls: tuple[list[str], list[str]] | None = None
    ) -> Prediction:
        z = self.scores(features(text, segmented, sylls))
        topic = 1 / (1 + np.exp(-z[:N_TOPICS]))
        order = np.argsort(-topic)
        subs = [int(order[0]) + 1] + [int(i) + 1 for i in order[1:4] if topic[i] >= self.thresholds[i]]
        sent = z[SENTIMENT]
        return Prediction(
            subcategories=subs,
            scores=[round(float(topic[s - 1]), 3) for s in subs],
            is_question=is_question(text),
            is_concern=bool(z[CONCERN] > self.concern_logit),
            sentiment=SENTIMENTS[int(np.argmax(sent))],
        )


@lru_cache
def model() -> Model:
    return Model.load()


def classify(text: str, segmented: list[str] | None = None) -> dict:
    """``{"category", "subcategories", "is_question", "is_concern", "sentiment"}`` for one text."""
    return model().predict(normalize(text), segmented).as_dict()

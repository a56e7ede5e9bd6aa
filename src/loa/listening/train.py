"""Train the shipped classifier: ``python -m loa.listening.train [--search] [--seeds-only]`` → ``data/classifier.json``.

Data: the labelled vicov19qa questions (when the corpus is present) and the written posts, each in its fixed split
(train / val / test), plus the seed posts and the taxonomy's names (one short example each) for training. The
test split is never used here; the model and the concern threshold are chosen on the validation split.

Model: one linear layer over binary, L2-normalised features (``classify.features``); sigmoid outputs for the 41
topics and for concern (positives up-weighted), plus a softmax term over the topics for the main subcategory
(``alpha``), softmax for sentiment; L2 penalty; full-batch Adam on a sparse design matrix. Per-topic thresholds
for secondary subcategories are 0.5 (0.35 for topics with under 5 training examples); the concern threshold is
the one where the lower of precision and recall is highest on the validation split pooled with 5-fold out-of-fold
scores of the training split.
``--search`` prints the validation table of the hyper-parameter grid and trains with its best row.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from loa.listening import labels
from loa.listening.classify import CONCERN, MODEL_FILE, N_OUT, N_TOPICS, SENTIMENT, SENTIMENTS, Model, features
from loa.listening.taxonomy import category_of, defaults
from loa.text import normalize

BIG = ("ILLNESS", "TREATMENT", "INTERVENTIONS")


@dataclass(frozen=True)
class Params:
    alpha: float = 3.0  # weight of the softmax (main subcategory) term
    l2: float = 1e-3
    epochs: int = 300
    lr: float = 0.05
    min_count: int = 2
    concern_pow: float = 0.5  # positives of concern weigh (negatives / positives) ** concern_pow, at most 10 ** that


GRID = [Params(alpha=a, l2=l2) for a in (0.0, 1.0, 3.0) for l2 in (1e-4, 1e-3)]
CHOSEN = Params(alpha=3.0, l2=1e-4)  # the best validation row of GRID (see docs/modules/listening.md)


def split_set(split: str, use_corpus: bool = True) -> list[labels.Example]:
    """The labelled questions and written posts of one split."""
    data = labels.written(split)
    if use_corpus:
        try:
            data += labels.labelled(split)
        except FileNotFoundError:
            print("vicov19qa not found: using the written posts only", file=sys.stderr)
    return data


def training_set(use_corpus: bool = True) -> list[labels.Example]:
    data = labels.seeds()
    data += [labels.Example(name, [n], False, False, "neutral", "taxonomy") for n, _c, name, _en in defaults()]
    return data + split_set("train", use_corpus)


def design(examples: list[labels.Example], vocab: dict[str, int]) -> sp.csr_matrix:
    rows, cols, vals = [], [], []
    for r, e in enumerate(examples):
        idx = sorted({vocab[f] for f in features(normalize(e.text)) if f in vocab})
        rows += [r] * len(idx)
        cols += idx
        vals += [1 / np.sqrt(len(idx))] * len(idx)
    return sp.csr_matrix((np.array(vals, np.float32), (rows, cols)), shape=(len(examples), len(vocab)))


def fit(examples: list[labels.Example], params: Params = CHOSEN) -> Model:
    counts = Counter(f for e in examples for f in set(features(normalize(e.text))))
    vocab = sorted(f for f, c in counts.items() if c >= params.min_count)
    X = design(examples, {f: i for i, f in enumerate(vocab)})
    XT = X.T.tocsr()
    n = len(examples)
    Y = np.zeros((n, N_OUT), dtype=np.float32)
    main = np.zeros((n, N_TOPICS), dtype=np.float32)
    for r, e in enumerate(examples):
        Y[r, [s - 1 for s in e.subcategories]] = 1
        main[r, e.subcategories[0] - 1] = 1
        Y[r, CONCERN] = e.is_concern
        Y[r, N_TOPICS + 1 + SENTIMENTS.index(e.sentiment)] = 1
    pos = Y[:, : N_TOPICS + 1].sum(0)
    weight = np.clip((n - pos) / np.maximum(pos, 1), 1, 10) ** 0.5
    weight[CONCERN] **= params.concern_pow / 0.5
    W = np.zeros((len(vocab), N_OUT), dtype=np.float32)
    b = np.zeros(N_OUT, dtype=np.float32)
    m_w, v_w, m_b, v_b = (np.zeros_like(W), np.zeros_like(W), np.zeros_like(b), np.zeros_like(b))
    for t in range(1, params.epochs + 1):
        Z = X @ W + b
        G = np.empty_like(Z)
        T = Y[:, : N_TOPICS + 1]
        G[:, : N_TOPICS + 1] = (1 / (1 + np.exp(-Z[:, : N_TOPICS + 1])) - T) * np.where(T > 0, weight, 1)
        if params.alpha:
            S = np.exp(Z[:, :N_TOPICS] - Z[:, :N_TOPICS].max(1, keepdims=True))
            G[:, :N_TOPICS] += params.alpha * (S / S.sum(1, keepdims=True) - main)
        S = np.exp(Z[:, SENTIMENT] - Z[:, SENTIMENT].max(1, keepdims=True))
        G[:, SENTIMENT] = S / S.sum(1, keepdims=True) - Y[:, SENTIMENT]
        gW = XT @ G / n + params.l2 * W
        gb = G.mean(0)
        for p, g, m, v in ((W, gW, m_w, v_w), (b, gb, m_b, v_b)):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            p -= params.lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    thresholds = np.append(np.where(pos[:N_TOPICS] < 5, 0.35, 0.5), 0.5)
    return Model(vocab, W, b, thresholds)


def concern_threshold(scores: np.ndarray, gold: np.ndarray) -> float | None:
    """The probability threshold where the lower of concern precision and recall is highest (the target asks both
    to reach 0.6), the more precise one on a tie; None without positives."""
    best = None
    for p in sorted(set(np.round(scores, 3))):
        pred = scores >= p
        tp = int((pred & gold).sum())
        if pred.sum() and gold.sum():
            precision, recall = tp / pred.sum(), tp / gold.sum()
            key = (min(precision, recall), precision)
            if best is None or key > best[0]:
                best = (key, float(p))
    return best[1] if best else None


def metrics(model: Model, examples: list[labels.Example]) -> dict[str, float]:
    """The issue's targets on one split: category and main-subcategory accuracy, macro-F1 over the three big
    categories, concern precision and recall (at the model's threshold), sentiment accuracy."""
    preds = [model.predict(normalize(e.text)) for e in examples]
    gold_cat = [category_of(e.subcategories[0]) for e in examples]
    pred_cat = [p.category for p in preds]
    f1 = []
    for c in BIG:
        tp = sum(g == c and p == c for g, p in zip(gold_cat, pred_cat))
        fp = sum(g != c and p == c for g, p in zip(gold_cat, pred_cat))
        fn = sum(g == c and p != c for g, p in zip(gold_cat, pred_cat))
        f1.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    tp = sum(e.is_concern and p.is_concern for e, p in zip(examples, preds))
    n = len(examples) or 1
    return {
        "category_accuracy": sum(g == p for g, p in zip(gold_cat, pred_cat)) / n,
        "main_subcategory_accuracy": sum(e.subcategories[0] == p.subcategories[0] for e, p in zip(examples, preds)) / n,
        "macro_f1_big3": sum(f1) / 3,
        "concern_precision": tp / max(1, sum(p.is_concern for p in preds)),
        "concern_recall": tp / max(1, sum(e.is_concern for e in examples)),
        "sentiment_accuracy": sum(e.sentiment == p.sentiment for e, p in zip(examples, preds)) / n,
    }


def concern_probabilities(model: Model, examples: list[labels.Example]) -> np.ndarray:
    return np.array([1 / (1 + np.exp(-model.scores(features(normalize(e.text)))[CONCERN])) for e in examples])


def train(params: Params = CHOSEN, use_corpus: bool = True, folds: int = 0) -> Model:
    """Fit on the training split, then set the concern threshold (:func:`concern_threshold`) on the validation
    split, pooled with out-of-fold scores of the training split when ``folds`` > 1 (a steadier threshold)."""
    base = training_set(use_corpus)
    model = fit(base, params)
    val = split_set("val", use_corpus)
    scores, gold = concern_probabilities(model, val), [e.is_concern for e in val]
    if folds > 1:
        fixed = [e for e in base if e.split not in labels.SPLITS]  # seed posts and taxonomy names
        split = [e for e in base if e.split in labels.SPLITS]
        for k in range(folds):
            held = split[k::folds]
            rest = [e for i, e in enumerate(split) if i % folds != k]
            scores = np.append(scores, concern_probabilities(fit(fixed + rest, params), held))
            gold += [e.is_concern for e in held]
    p = concern_threshold(scores, np.array(gold)) if len(gold) else None
    if p is not None:
        model.thresholds[N_TOPICS] = p
        model.concern_logit = float(np.log(p / (1 - p)))
    return model


def search(use_corpus: bool = True) -> Params:
    """Print the validation table of ``GRID``; the best row by category + main-subcategory accuracy + macro-F1."""
    val = split_set("val", use_corpus)
    best = None
    print("| alpha |     l2 | category | main | macro-F1 | concern P | concern R |")
    print("|------:|-------:|---------:|-----:|---------:|----------:|----------:|")
    for params in GRID:
        m = metrics(train(params, use_corpus), val)
        print(
            f"| {params.alpha:5} | {params.l2:6} | {m['category_accuracy']:8.3f} "
            f"| {m['main_subcategory_accuracy']:4.3f} "
            f"| {m['macro_f1_big3']:8.3f} | {m['concern_precision']:9.3f} | {m['concern_recall']:9.3f} |",
            flush=True,
        )
        score = m["category_accuracy"] + m["main_subcategory_accuracy"] + m["macro_f1_big3"]
        if best is None or score > best[0]:
            best = (score, params)
    print(f"best on validation: {best[1]}")
    return best[1]


def main() -> None:
    use_corpus = "--seeds-only" not in sys.argv
    params = search(use_corpus) if "--search" in sys.argv else CHOSEN
    model = train(params, use_corpus, folds=5)
    model.save(MODEL_FILE)
    print(f"{MODEL_FILE}: {len(model.vocab)} features, {model.W.shape[1]} outputs, concern ≥ {model.thresholds[-1]}")


if __name__ == "__main__":
    main()

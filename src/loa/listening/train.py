"""Train the shipped classifier: ``python -m loa.listening.train`` → ``data/classifier.json``.

Data: the labelled vicov19qa train split (when the corpus is present) and the seed posts; the taxonomy's names
are added as one short example each. Model: one linear layer over binary, L2-normalised features; sigmoid
outputs for the 41 topics and for concern (positives up-weighted), softmax for sentiment; L2 penalty; full-batch
Adam. Per-topic thresholds are the default 0.5 (0.35 for topics with under 5 training examples).
"""

from __future__ import annotations

import sys
from collections import Counter

import numpy as np

from loa.listening import labels
from loa.listening.classify import CONCERN, MODEL_FILE, N_OUT, N_TOPICS, SENTIMENT, SENTIMENTS, Model, features
from loa.listening.taxonomy import defaults
from loa.text import normalize


def training_set(use_corpus: bool = True) -> list[labels.Example]:
    data = labels.seeds()
    data += [labels.Example(name, [n], False, False, "neutral") for n, _c, name, _en in defaults()]
    if use_corpus:
        try:
            data += labels.labelled("train")
        except FileNotFoundError:
            print("vicov19qa not found: training on the seed posts only", file=sys.stderr)
    return data


def fit(
    examples: list[labels.Example], epochs: int = 400, l2: float = 1e-4, lr: float = 0.05, min_count: int = 2
) -> Model:
    feats = [features(normalize(e.text)) for e in examples]
    counts = Counter(f for fs in feats for f in set(fs))
    vocab = sorted(f for f, c in counts.items() if c >= min_count)
    index = {f: i for i, f in enumerate(vocab)}
    X = np.zeros((len(examples), len(vocab)), dtype=np.float32)
    for r, fs in enumerate(feats):
        idx = list({index[f] for f in fs if f in index})
        if idx:
            X[r, idx] = 1 / np.sqrt(len(idx))
    Y = np.zeros((len(examples), N_OUT), dtype=np.float32)
    for r, e in enumerate(examples):
        for s in e.subcategories:
            Y[r, s - 1] = 1
        Y[r, CONCERN] = e.is_concern
        Y[r, N_TOPICS + 1 + SENTIMENTS.index(e.sentiment)] = 1
    pos = Y[:, : N_TOPICS + 1].sum(0)
    weight = np.ones(N_OUT, dtype=np.float32)
    weight[: N_TOPICS + 1] = np.clip((len(examples) - pos) / np.maximum(pos, 1), 1, 10) ** 0.5
    W = np.zeros((len(vocab), N_OUT), dtype=np.float32)
    b = np.zeros(N_OUT, dtype=np.float32)
    m_w, v_w, m_b, v_b = (np.zeros_like(W), np.zeros_like(W), np.zeros_like(b), np.zeros_like(b))
    for t in range(1, epochs + 1):
        Z = X @ W + b
        G = np.empty_like(Z)
        P = 1 / (1 + np.exp(-Z[:, : N_TOPICS + 1]))
        T = Y[:, : N_TOPICS + 1]
        w = np.where(T > 0, weight[: N_TOPICS + 1], 1)
        G[:, : N_TOPICS + 1] = (P - T) * w
        S = Z[:, SENTIMENT]
        S = np.exp(S - S.max(1, keepdims=True))
        G[:, SENTIMENT] = S / S.sum(1, keepdims=True) - Y[:, SENTIMENT]
        gW = X.T @ G / len(examples) + l2 * W
        gb = G.mean(0)
        for p, g, m, v in ((W, gW, m_w, v_w), (b, gb, m_b, v_b)):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            p -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    thresholds = np.where(pos[:N_TOPICS] < 5, 0.35, 0.5)
    return Model(vocab, W, b, thresholds)


def main() -> None:
    model = fit(training_set(use_corpus="--seeds-only" not in sys.argv))
    model.save(MODEL_FILE)
    print(f"{MODEL_FILE}: {len(model.vocab)} features, {model.W.shape[1]} outputs")


if __name__ == "__main__":
    main()

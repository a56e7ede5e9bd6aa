"""Question-to-answer term associations learned from question–answer pairs.

People ask with their words ("chích ngừa", "bú") and answers use others ("tiêm chủng", "sữa mẹ"); pairs that
co-occur across many questions and their answers more often than chance (positive PMI) score a document by the
association mass between the query's terms and the document's leading terms."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse

from loa.search.analysis import folded
from loa.search.prep import clean_question, head

MIN_PAIRS = 3


class Associations:
    def __init__(self, q_vocab: dict[str, int], a_vocab: dict[str, int], table: sparse.csr_matrix):
        self.q_vocab, self.a_vocab, self.table = q_vocab, a_vocab, table

    @classmethod
    def fit(cls, pairs: list[tuple[str, str]], min_pairs: int = MIN_PAIRS) -> Associations:
        """Learn from ``(question, answer)`` pairs (folded syllables; answers' leading part)."""
        qs = [set(folded(clean_question(q))) for q, _ in pairs]
        ans = [set(folded(head(a, 80))) for _, a in pairs]
        q_df, a_df = Counter(t for s in qs for t in s), Counter(t for s in ans for t in s)
        q_vocab = {t: i for i, t in enumerate(sorted(t for t, c in q_df.items() if c >= min_pairs))}
        a_vocab = {t: i for i, t in enumerate(sorted(t for t, c in a_df.items() if c >= min_pairs))}
        rows = sparse.csr_matrix(_binary([s & q_vocab.keys() for s in qs], q_vocab))
        cols = sparse.csr_matrix(_binary([s & a_vocab.keys() for s in ans], a_vocab))
        counts = (rows.T @ cols).tocoo()
        n = len(pairs)
        q_n = np.array([q_df[t] for t in sorted(q_vocab, key=q_vocab.__getitem__)], dtype=np.float64)
        a_n = np.array([a_df[t] for t in sorted(a_vocab, key=a_vocab.__getitem__)], dtype=np.float64)
        keep = counts.data >= min_pairs
        r, c, v = counts.row[keep], counts.col[keep], counts.data[keep].astype(np.float64)
        pmi = np.log(v * n / (q_n[r] * a_n[c]))
        pos = pmi > 0
        table = sparse.csr_matrix((pmi[pos], (r[pos], c[pos])), shape=(len(q_vocab), len(a_vocab)))
        return cls(q_vocab, a_vocab, table)

    def documents(self, texts: list[str]) -> sparse.csr_matrix:
        """Binary matrix of the documents' leading terms, length-normalised, for :meth:`scores`."""
        m = sparse.csr_matrix(_binary([set(folded(head(t, 80))) & self.a_vocab.keys() for t in texts], self.a_vocab))
        lengths = np.sqrt(np.maximum(np.asarray(m.sum(axis=1)).ravel(), 1.0))
        return sparse.diags(1.0 / lengths) @ m

    def scores(self, query: str, docs: sparse.csr_matrix) -> np.ndarray:
        terms = [self.q_vocab[t] for t in set(folded(clean_question(query))) if t in self.q_vocab]
        if not terms:
            return np.zeros(docs.shape[0], dtype=np.float32)
        expanded = np.asarray(self.table[terms].sum(axis=0)).ravel() / math.sqrt(len(terms))
        return (docs @ expanded).astype(np.float32)

    def save(self, path: Path) -> None:
        t = self.table.tocoo()
        path.write_text(
            json.dumps(
                {
                    "q": self.q_vocab,
                    "a": self.a_vocab,
                    "row": t.row.tolist(),
                    "col": t.col.tolist(),
                    "val": [round(float(v), 4) for v in t.data],
                },
                ensure_ascii=False,
            )
        )

    @classmethod
    def load(cls, path: Path) -> Associations:
        d = json.loads(path.read_text())
        table = sparse.csr_matrix((d["val"], (d["row"], d["col"])), shape=(len(d["q"]), len(d["a"])))
        return cls(d["q"], d["a"], table)


def _binary(sets: list[set[str]], vocab: dict[str, int]) -> sparse.csr_matrix:
    rows, cols = [], []
    for i, s in enumerate(sets):
        for t in s:
            rows.append(i)
            cols.append(vocab[t])
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(sets), len(vocab)))

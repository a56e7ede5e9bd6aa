"""Retrieval benchmark on UIT-ViCoV19QA-format files (``id|Question|Answer_1``).

    python bench/answers_retrieval.py --pool train.csv val.csv --queries val.csv [--json]
    python bench/answers_retrieval.py --learn train.csv      # learn the fusion weights (train split only)
    python bench/answers_retrieval.py --pool train.csv val.csv --train train.csv --queries val.csv --learn-confidence

Indexes the answers of every pool file, asks the questions of the queries file (whose own answers are in the
pool) and reports Recall@1, MRR@10, Recall@10 and queries/second for every stage alone, plain reciprocal rank
fusion and the learned fusion, plus the index build time. ``selective`` is what a chat would answer: the pipeline
of the product's FAQ index (its stages, without associations or known questions, and its default fusion) picks the
top answer, the confidence model (``loa.answers.confidence``) rates it, and at the pipeline's shipped chat threshold
it gives the share of questions answered (coverage), the share of those answered right (precision: the answer is
the question's own), a coverage/precision curve and the pipeline's Recall@1; under ``served`` the same on the judged
questions (``bench/data/answers_served.csv``: did the answer serve the question, judged by reading) with
``unjudged`` = answered questions whose answer has no judgment (they count in neither precision); ``held_out`` the
same on ``bench/data/answers_served_heldout.csv`` (200 val questions outside that sample, read only here, never
fitted on or used to choose a threshold). The val measurement (add ``--no-semantic`` for the lexical pipeline):

    python bench/answers_retrieval.py --pool ../shared/data/vicov19qa/train.csv ../shared/data/vicov19qa/val.csv \
        --queries ../shared/data/vicov19qa/val.csv --train ../shared/data/vicov19qa/train.csv --json

``--learn-confidence`` fits the confidence models (own answer or not) on the questions of the train split asked
against the pool, 5-fold cross-fitted, and the hybrid's second stage on the judged train answers (served or not):
each pipeline's chat threshold is the lowest of :data:`GRID` where the cross-fitted confidence answers the judged
train questions, pooled with the judged ``--queries`` questions when given (never fitted on), with answers that
serve them at least 0.85 of the time and the model answers the starter FAQ's held-out phrasings with their own entry
at least 0.85 of the time, and fewer of them than the page does (a chat is the stricter channel).

``--study`` compares confidence inputs and ways of picking the answer (bench only, nothing shipped changes): the
train questions and the ``--queries`` questions are asked against the pool through the FAQ index's pipeline; each
input set is fitted on train, its threshold is the lowest of :data:`GRID` where the 5-fold cross-fitted confidence
serves the judged train questions at least 0.85 of the time, and the queries (never fitted on) give coverage and
precision (own answer; served, on the judged ones) at that threshold, and how often the answers of the 30 % of the
judged queries it is surest of serve them.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from loa import text  # noqa: E402
from loa.answers import confidence, transfer  # noqa: E402
from loa.answers.service import ANSWER_THRESHOLD  # noqa: E402
from loa.search import Index, rank  # noqa: E402
from loa.search.assoc import Associations  # noqa: E402

CACHE = ROOT / ".cache" / "loa-embeddings"
BENCH_CACHE = ROOT / ".cache" / "loa-bench"  # tokenised pools, so a re-run skips segmentation
FOLDS = 2
SERVED = ROOT / "bench" / "data" / "answers_served.csv"  # judged (question, answer) pairs: does the answer serve it
HELD_OUT = ROOT / "bench" / "data" / "answers_served_heldout.csv"  # the same, for reporting only: never fitted on
PRODUCT_STAGES = (*rank.LEXICAL, "sem")  # the stages of the product's FAQ index (loa.answers.service.faq_index)
TARGET_PRECISION = confidence.PRECISION  # a chat's answers must serve this often (the chat threshold's rule)
CURVE = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9)  # thresholds of the coverage/precision curve
GRID = tuple(round(0.05 * i, 2) for i in range(1, 20))  # thresholds a chat threshold is chosen among
CONFIDENCE_FOLDS = 5

STAGE_NAMES = {
    "syl": "bm25-syllables",
    "fold": "bm25-folded",
    "word": "bm25-words",
    "head": "bm25-answer-head",
    "assoc": "learned-associations",
    "sem": "e5-small",
    "nbr": "e5-known-questions",
}


def read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh, delimiter="|") if r.get("Question") and r.get("Answer_1")]


def served_labels(path: Path = SERVED) -> dict[tuple[str, str], bool]:
    """(question key, answer key) → whether the answer serves the question (``split:id`` keys; see the file's
    rules)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return {(r["question"], r["answer"]): r["served"] == "1" for r in rows}


def served_codes(questions: list[str], answers: list[str], labels: dict[tuple[str, str], bool]) -> np.ndarray:
    """Per question: 1 its answer serves it, 0 it does not, -1 the question is judged but not this answer, -2 the
    question is not judged."""
    judged = {q for q, _ in labels}
    return np.array(
        [int(labels[(q, a)]) if (q, a) in labels else (-1 if q in judged else -2) for q, a in zip(questions, answers)]
    )


def associations(train: Path | None) -> Associations | None:
    """Question-to-answer term associations learned from a train split (never from the queries)."""
    return Associations.fit([(r["Question"], r["Answer_1"]) for r in read(train)]) if train else None


def build(
    pool_files: list[Path],
    semantic: bool,
    cold: bool = False,
    assoc: Associations | None = None,
    known: list[dict] | None = None,
) -> tuple[Index, dict[str, str], float]:
    """Index of the distinct answers of the pool; returns it, answer text → doc id, build seconds."""
    doc_of: dict[str, str] = {}
    docs = []
    for path in pool_files:
        for row in read(path):
            answer = row["Answer_1"].strip()
            if answer not in doc_of:
                doc_of[answer] = f"{path.stem}:{row['id']}"
                docs.append((doc_of[answer], answer, {}))
    started = time.perf_counter()
    name = hashlib.sha1("|".join(d[0] + d[1] for d in docs).encode()).hexdigest()[:12]
    examples = [(r["Question"], doc_of[r["Answer_1"].strip()]) for r in known or [] if r["Answer_1"].strip() in doc_of]
    index = Index(
        f"pool-{name}",
        None if cold else BENCH_CACHE,
        semantic=semantic,
        embeddings=CACHE,
        associations=assoc,
        examples=examples,
    )
    if len(index) != len(docs):  # a cold build, or a pool seen for the first time
        index.add(docs)
    return index, doc_of, time.perf_counter() - started


def position(scores: np.ndarray, gold: int) -> int:
    """1-based rank of ``gold`` when documents are sorted by ``scores`` (ties count against it)."""
    return int((scores >= scores[gold]).sum())


def evaluate(
    index: Index, doc_of: dict[str, str], queries: list[dict], ranker: rank.Ranker | None, split: str = ""
) -> tuple[list, dict, dict]:
    position_of_id = {d: i for i, d in enumerate(index.ids)}
    stages = (
        list(rank.LEXICAL)
        + (["assoc"] if index.associations else [])
        + (["sem"] if index.semantic else [])
        + (["nbr"] if index.examples else [])
    )
    plain = ["syl", "sem"] if index.semantic else ["syl", "word"]  # plain RRF: the floor to beat
    results: dict[str, list[int]] = {name: [] for name in stages + ["rrf", "fused"]}
    timings: dict[str, float] = {}
    chosen: list[tuple[float, bool, str, str]] = []  # per question: confidence in the product's top answer, whether
    # it is the question's own, the question's key, the answer's key
    kind = "hybrid" if index.semantic else "lexical"
    model = confidence.models()[kind]
    for row in queries:
        gold = position_of_id[doc_of[row["Answer_1"].strip()]]
        scores = index.stage_scores(row["Question"], timings)
        rrf = np.zeros(len(index.ids))
        for name in stages:
            results[name].append(position(scores[name], gold))
        for name in plain:
            order = np.argsort(-scores[name], kind="stable")
            ranks = np.empty(len(order))
            ranks[order] = np.arange(len(order))
            rrf += 1.0 / (60 + ranks)
        results["rrf"].append(position(rrf, gold))
        started = time.perf_counter()
        cand, feats = index.candidates(row["Question"], scores)
        probs = (ranker or index.ranker).predict(feats) if cand else np.zeros(0)
        full = np.full(len(index.ids), -1.0)
        full[cand] = probs
        results["fused"].append(position(full, gold) if gold in cand else len(index.ids))  # outside the candidates
        timings["fusion"] = timings.get("fusion", 0.0) + time.perf_counter() - started
        faq_cand, faq_feats, faq_probs = product_candidates(index, row["Question"], scores)
        if faq_cand:
            top = faq_cand[int(np.argmax(faq_probs))]
            chosen.append(
                (
                    float(model.confidence(confidence_inputs(faq_feats, faq_probs), top_cos(faq_feats, faq_probs))[0]),
                    top == gold,
                    f"{split}:{row['id']}",
                    index.ids[top],
                )
            )
    n = len(queries)
    methods = []
    for name, positions in results.items():
        p = np.array(positions)
        if name in STAGE_NAMES:
            seconds = timings[name]
        else:
            used = plain if name == "rrf" else stages
            seconds = sum(timings[s] for s in used) + (timings["fusion"] if name == "fused" else 0.0)
        methods.append(
            {
                "name": STAGE_NAMES.get(name, "rrf-" + "+".join(plain) if name == "rrf" else "learned-fusion"),
                "recall_at_1": round(float((p == 1).mean()), 3),
                "mrr_at_10": round(float(np.where(p <= 10, 1.0 / p, 0.0).mean()), 3),
                "recall_at_10": round(float((p <= 10).mean()), 3),
                "queries_per_s": round(n / seconds, 1) if seconds else None,
            }
        )
    conf = np.array([c[0] for c in chosen] + [0.0] * (n - len(chosen)))  # no candidate: never answered
    right = np.array([c[1] for c in chosen] + [False] * (n - len(chosen)))
    questions = [c[2] for c in chosen] + [f"{split}:{r['id']}" for r in queries[len(chosen) :]]
    answers = [c[3] for c in chosen] + [""] * (n - len(chosen))
    report = selective(conf, right, model.threshold, served_codes(questions, answers, served_labels()))
    held = selective(conf, right, model.threshold, served_codes(questions, answers, served_labels(HELD_OUT)))
    held_out = [{"threshold": p["threshold"], **p["served"]} for p in [held, *held["curve"]] if "served" in p]
    return methods, timings, {**report, "recall_at_1": round(float(right.mean()), 3), "held_out": held_out}


def confidence_inputs(feats: np.ndarray, probs: np.ndarray) -> list[float]:
    """:func:`loa.answers.confidence.features` of the top candidate, over the best candidates as
    ``loa.answers.service.match`` reads them (every candidate is an answer of its own)."""
    order = np.argsort(-probs, kind="stable")[: confidence.HITS]
    mine = [True] + [False] * (len(order) - 1)
    return confidence.features(dict(zip(rank.NAMES, feats[order[0]])), probs[order], mine)


def top_cos(feats: np.ndarray, probs: np.ndarray) -> float:
    """The e5 similarity of the top candidate (0 without the e5 stage)."""
    return float(feats[int(np.argmax(probs)), rank.NAMES.index("sem_cos")])


def selective(conf: np.ndarray, right: np.ndarray, threshold: float, served: np.ndarray | None = None) -> dict:
    """Coverage (share answered) and precision (share of those whose answer is the question's own) at
    ``threshold`` and along :data:`CURVE`; with ``served`` (:func:`served_codes`) the same on the judged questions,
    precision being the share of the answered ones whose answer serves them."""

    def point(t: float) -> dict:
        answered = conf >= t
        out = {
            "threshold": t,
            "coverage": round(float(answered.mean()), 3),
            "precision": round(float(right[answered].mean()), 3) if answered.any() else None,
        }
        if served is not None and (served > -2).any():
            judged = served > -2
            hit = served[answered & judged]
            out["served"] = {
                "questions": int(judged.sum()),
                "coverage": round(float(answered[judged].mean()), 3),
                "precision": round(float((hit == 1).sum() / (hit >= 0).sum()), 3) if (hit >= 0).any() else None,
                "unjudged": int((hit == -1).sum()),
            }
        return out

    return {**point(threshold), "curve": [point(t) for t in CURVE]}


def served_curve(conf: np.ndarray, served: np.ndarray) -> list[list]:
    """Per threshold of :data:`GRID`: ``[threshold, judged questions answered, share of them served]``."""
    out = []
    for t in GRID:
        hit = served[(conf >= t) & (served >= 0)]
        out.append([t, int(len(hit)), round(float(hit.mean()), 3) if len(hit) else None])
    return out


def choose_threshold(conf: np.ndarray, served: np.ndarray) -> float | None:
    """The lowest of :data:`GRID` where the judged questions answered (at least ``loa.answers.confidence.LEAST``)
    are served at least ``confidence.PRECISION`` of the time."""
    return confidence.chosen(served_curve(conf, served))


def learn(train: Path, semantic: bool, reuse: bool = False) -> dict:
    """Fit the fusion weights on a train split: its answers are the pool, its questions the queries.
    One pass gives the features of the hybrid and of the lexical-only pipeline; they are kept in the bench
    cache, and ``reuse`` fits again from them."""
    dump = BENCH_CACHE / f"features-{train.stem}.npz"
    if not (reuse and dump.exists()):
        rows = read(train)
        data: dict[str, list] = {"x_hybrid": [], "y_hybrid": [], "x_lexical": [], "y_lexical": []}
        for fold in range(FOLDS):  # associations of a question never come from its own pair
            assoc = Associations.fit([(r["Question"], r["Answer_1"]) for i, r in enumerate(rows) if i % FOLDS != fold])
            index, doc_of, _ = build([train], semantic, assoc=assoc, known=rows)
            collect(index, doc_of, [r for i, r in enumerate(rows) if i % FOLDS == fold], data)
        np.savez(dump, **{k: np.concatenate(v) if v else np.zeros(0) for k, v in data.items()})
    out = json.loads(rank.WEIGHTS_FILE.read_text()) if rank.WEIGHTS_FILE.exists() else {}
    with np.load(dump) as data:
        for kind in ("lexical", "hybrid"):
            if data[f"y_{kind}"].size:
                out[kind] = rank.Ranker.fit(data[f"x_{kind}"], data[f"y_{kind}"]).as_dict()
    rank.WEIGHTS_FILE.write_text(json.dumps(out, indent=1) + "\n")
    return out


def collect(index: Index, doc_of: dict[str, str], rows: list[dict], data: dict[str, list]) -> None:
    """Candidates' features and labels of ``rows`` for the hybrid and the lexical-only pipeline."""
    position_of_id = {d: i for i, d in enumerate(index.ids)}
    for row in rows:
        gold = position_of_id[doc_of[row["Answer_1"].strip()]]
        scores = index.stage_scores(row["Question"])
        variants = {"lexical": {k: v for k, v in scores.items() if k not in ("sem", "nbr")}}
        if "sem" in scores:
            variants["hybrid"] = scores
        for kind, stage_scores in variants.items():
            cand, feats = index.candidates(row["Question"], stage_scores)
            data[f"x_{kind}"].append(feats)
            data[f"y_{kind}"].append(np.array([c == gold for c in cand], dtype=float))


def product_candidates(
    index: Index, question: str, scores: dict[str, np.ndarray]
) -> tuple[list[int], np.ndarray, np.ndarray]:
    """Candidates, their features and fused scores as the product's FAQ index ranks them: its stages only (no
    associations, no known questions) and its default fusion weights."""
    cand, feats = index.candidates(question, {k: v for k, v in scores.items() if k in PRODUCT_STAGES})
    probs = rank.Ranker.default("sem" in scores).predict(feats) if cand else np.zeros(0)
    return cand, feats, probs


def pipeline_rows(index: Index, doc_of: dict[str, str], rows: list[dict], kinds: list[str]) -> dict[str, list]:
    """Per pipeline kind, each question's confidence inputs (NaN: no candidate), whether the top answer is its own,
    the top answer's key and its e5 similarity."""
    position_of_id = {d: i for i, d in enumerate(index.ids)}
    data: dict[str, list] = {f"{k}_{v}": [] for k in kinds for v in ("x", "right", "answer", "cos")}
    for row in rows:
        gold = position_of_id[doc_of[row["Answer_1"].strip()]]
        scores = index.stage_scores(row["Question"])
        for kind in kinds:
            stage_scores = scores if kind == "hybrid" else {k: v for k, v in scores.items() if k != "sem"}
            cand, feats, probs = product_candidates(index, row["Question"], stage_scores)
            top = cand[int(np.argmax(probs))] if cand else None
            data[f"{kind}_x"].append(confidence_inputs(feats, probs) if cand else [np.nan] * len(confidence.NAMES))
            data[f"{kind}_right"].append(top == gold)
            data[f"{kind}_answer"].append(index.ids[top] if cand else "")
            data[f"{kind}_cos"].append(top_cos(feats, probs) if cand else 0.0)
    return data


def pooled_curve(*curves: list[list]) -> list[list]:
    """Curves of :func:`served_curve` over the same thresholds summed: questions answered, share of them served."""
    out = []
    for points in zip(*curves):
        n = sum(c[1] for c in points)
        served = sum(c[1] * c[2] for c in points if c[1])
        out.append([points[0][0], n, round(served / n, 3) if n else None])
    return out


def learn_confidence(
    pool: list[Path], train: Path, semantic: bool, reuse: bool = False, tune: Path | None = None
) -> dict:
    """Fit the confidence models of the product's pipeline ("lexical", and "hybrid" with e5) on the train
    questions asked against ``pool`` (is the top answer the question's own; the hybrid's second stage: does it serve
    the question, on the judged ones); each pipeline's chat threshold is chosen by :func:`loa.answers.confidence.
    chosen` on the judged train questions with the 5-fold cross-fitted confidence, pooled with the judged questions
    of ``tune`` (the val split, never fitted on) when given, and on the starter FAQ. Writes
    ``loa/answers/data/confidence.json`` (models learned from every question; a pipeline not measured keeps its
    entry) and returns per pipeline the chosen threshold and the curves."""
    rows = read(train)
    kinds = ["lexical"] + (["hybrid"] if semantic else [])
    pooled = "+".join(p.stem for p in pool)
    dump = BENCH_CACHE / f"confidence-{train.stem}-in-{pooled}-{'-'.join(kinds)}.npz"
    tuning_rows = read(tune) if tune else []
    tuning: dict[str, list] = {}
    if not (reuse and dump.exists()) or tune:
        index, doc_of, _ = build(pool, semantic)
        if not (reuse and dump.exists()):
            data = pipeline_rows(index, doc_of, rows, kinds)
            BENCH_CACHE.mkdir(parents=True, exist_ok=True)
            np.savez(dump, **{k: np.array(v, dtype=str if k.endswith("answer") else float) for k, v in data.items()})
        tuning = pipeline_rows(index, doc_of, tuning_rows, kinds)
    out = json.loads(confidence.DATA.read_text()) if confidence.DATA.exists() else {}
    labels = served_labels()
    questions = [f"{train.stem}:{r['id']}" for r in rows]
    fold = np.arange(len(rows)) % CONFIDENCE_FOLDS
    report = {}
    with np.load(dump) as data:
        for kind in kinds:
            x, right = data[f"{kind}_x"], data[f"{kind}_right"].astype(bool)
            served = served_codes(questions, [str(a) for a in data[f"{kind}_answer"]], labels)
            some = ~np.isnan(x).any(axis=1)
            conf = np.zeros(len(rows))
            for f in range(CONFIDENCE_FOLDS):
                learned = fit_confidence(x[some & (fold != f)], right[some & (fold != f)])
                conf[some & (fold == f)] = learned.predict(x[some & (fold == f)])
            model = fit_confidence(x[some], right[some])
            if kind == "hybrid":  # second stage on the judged answers, over the cross-fitted first stage
                conf, model.calibration = calibrate(conf, data[f"{kind}_cos"], served, fold)
                conf[~some] = 0.0  # no candidate: never answered
            curves, judged = {"train": served_curve(conf, served)}, int((served > -2).sum())
            if tune:
                tx = np.array(tuning[f"{kind}_x"], dtype=float)
                tsome = ~np.isnan(tx).any(axis=1)
                tconf = np.zeros(len(tx))
                tconf[tsome] = model.confidence(tx[tsome], np.array(tuning[f"{kind}_cos"])[tsome])
                tkeys = [f"{tune.stem}:{r['id']}" for r in tuning_rows]
                tserved = served_codes(tkeys, tuning[f"{kind}_answer"], labels)
                curves[tune.stem], judged = served_curve(tconf, tserved), judged + int((tserved > -2).sum())
            curve = pooled_curve(*curves.values())
            starter, page = starter_curve(model, kind == "hybrid")
            model.threshold = confidence.chosen(curve, starter, most=page)
            report[kind] = {
                "chosen_threshold": model.threshold,
                "curves": curves,
                "starter_curve": starter,
                "starter_page_answered": page,
                **selective(conf, right, model.threshold or 1.0, served),
            }
            if model.threshold is not None:
                out[kind] = {
                    **model.as_dict(),
                    "chosen_on": {
                        "judged": judged,
                        "curve": curve,
                        "curves": curves,
                        "starter": starter,
                        "starter_page_answered": page,
                    },
                }
    confidence.DATA.write_text(json.dumps(out, indent=1) + "\n")
    return report


def calibrate(
    first: np.ndarray, cos: np.ndarray, served: np.ndarray, fold: np.ndarray
) -> tuple[np.ndarray, confidence.Calibration]:
    """The second stage (:class:`loa.answers.confidence.Calibration`) fitted on the judged answers (``served`` ≥ 0)
    from the first stage's cross-fitted ``first`` and the top answers' e5 similarity ``cos``: the calibrated
    confidence of every question (cross-fitted by ``fold`` on the judged ones) and the stage fitted on all of them."""
    judged = served >= 0
    x = np.column_stack([confidence._logit(first), cos])
    mean, scale = x[judged].mean(axis=0), x[judged].std(axis=0)

    def fit(rows: np.ndarray) -> confidence.Calibration:
        fitted = rank.Ranker.fit((x[rows] - mean) / scale, served[rows] == 1)
        return confidence.Calibration(mean, scale, fitted.weights, fitted.bias)

    out = np.zeros(len(first))
    on_answer = np.ones(len(first), dtype=bool)
    for f in np.unique(fold):
        out[fold == f] = fit(judged & (fold != f)).predict(first[fold == f], cos[fold == f], on_answer[fold == f])
    return out, fit(judged)


STUDY_INPUTS = (  # name, columns of study_inputs
    ("shipped: log-odds, margin, share, coverage", 5),
    ("+ learned fusion's log-odds, margin, share", 8),
    ("+ agreement of the two fusions", 9),
    ("+ stages' ranks, answer-side coverage", 14),
    ("+ e5 rank and similarity", 16),
)
STUDY_FOLDS = 5


def study_inputs(feats: np.ndarray, probs: np.ndarray, learned: np.ndarray, pick: str) -> tuple[list[float], int]:
    """Confidence inputs of the answer chosen among a question's best candidates (best first by the default fusion;
    ``pick`` "default" keeps the first, "learned" takes the best by the learned long-answer fusion), and its place."""
    k = len(probs)
    top = 0 if pick == "default" else int(np.argmax(learned))
    z, zl = confidence._logit(probs), confidence._logit(learned)
    others = np.arange(k) != top
    second = z[others].max() if others.any() else confidence._logit(0.0)
    second_l = zl[others].max() if others.any() else confidence._logit(0.0)
    share, share_l = np.exp(z - z.max()), np.exp(zl - zl.max())
    f = dict(zip(rank.NAMES, feats[top]))
    return [
        z[top],
        z[top] - second,
        share[top] / share.sum(),
        f["syl_cov"],
        f["word_cov"],
        zl[top],
        zl[top] - second_l,
        share_l[top] / share_l.sum(),
        float(int(np.argmax(learned)) == 0),
        f["syl_rr"],
        f["fold_rr"],
        f["word_rr"],
        f["head_rr"],
        f["syl_dcov"],
        f["sem_rr"],
        f["sem_cos"],
    ], top


def study(pool: list[Path], train: Path, queries: Path, semantic: bool) -> dict:
    """Confidence inputs × answer pickers: fitted on the train questions, reported on the queries (see --study)."""
    kind = "hybrid" if semantic else "lexical"
    splits = {"train": read(train), "queries": read(queries)}
    pooled = "+".join(p.stem for p in pool)
    dump = BENCH_CACHE / f"study-{train.stem}-{queries.stem}-in-{pooled}-{kind}.npz"
    if not dump.exists():
        index, doc_of, _ = build(pool, semantic)
        position_of_id = {d: i for i, d in enumerate(index.ids)}
        learned = rank.Ranker.learned(kind)
        data: dict[str, np.ndarray] = {}
        for split, rows in splits.items():
            path = train if split == "train" else queries
            feats = np.zeros((len(rows), confidence.HITS, len(rank.NAMES)))
            probs, long, right = (np.zeros((len(rows), confidence.HITS)) for _ in range(3))
            docs = np.full((len(rows), confidence.HITS), "", dtype=object)
            for n, row in enumerate(rows):
                gold = position_of_id[doc_of[row["Answer_1"].strip()]]
                cand, f, p = product_candidates(index, row["Question"], index.stage_scores(row["Question"]))
                order = np.argsort(-p, kind="stable")[: confidence.HITS]
                feats[n, : len(order)], probs[n, : len(order)] = f[order], p[order]
                docs[n, : len(order)] = [index.ids[cand[i]] for i in order]
                long[n, : len(order)] = learned.predict(f[order]) if len(order) else []
                right[n, : len(order)] = [cand[i] == gold for i in order]
            data.update(
                {
                    f"{split}_feats": feats,
                    f"{split}_probs": probs,
                    f"{split}_long": long,
                    f"{split}_right": right,
                    f"{split}_docs": docs.astype(str),
                    f"{split}_ids": np.array([f"{path.stem}:{r['id']}" for r in rows]),
                }
            )
        BENCH_CACHE.mkdir(parents=True, exist_ok=True)
        np.savez(dump, **data)
    with np.load(dump) as data:
        loaded = {k: data[k] for k in data.files}
    table = []
    labels = served_labels()
    for pick in ("default", "learned"):
        x, y, z = {}, {}, {}
        for split in splits:
            rows, right, answers = [], [], []
            for feats, probs, long, ok, docs in zip(
                loaded[f"{split}_feats"],
                loaded[f"{split}_probs"],
                loaded[f"{split}_long"],
                loaded[f"{split}_right"],
                loaded[f"{split}_docs"],
            ):
                k = int((probs > 0).sum())
                inputs, top = study_inputs(feats[:k], probs[:k], long[:k], pick) if k else ([np.nan] * 16, 0)
                rows.append(inputs)
                right.append(bool(ok[top]) if k else False)
                answers.append(str(docs[top]) if k else "")
            x[split], y[split] = np.array(rows), np.array(right)
            z[split] = served_codes([str(q) for q in loaded[f"{split}_ids"]], answers, labels)
        for name, width in STUDY_INPUTS[: None if semantic else -1]:
            table.append(
                {
                    "pick": pick,
                    "inputs": name,
                    **study_one(
                        x["train"][:, :width],
                        y["train"],
                        z["train"],
                        x["queries"][:, :width],
                        y["queries"],
                        z["queries"],
                    ),
                }
            )
    return {"pipeline": kind, "folds": STUDY_FOLDS, "target_precision": TARGET_PRECISION, "rows": table}


def study_one(
    x_train: np.ndarray,
    right_train: np.ndarray,
    served_train: np.ndarray,
    x_test: np.ndarray,
    right_test: np.ndarray,
    served_test: np.ndarray,
) -> dict:
    """Fit on the train questions (own answer or not), choose the threshold on the judged ones with the 5-fold
    cross-fitted confidence, report the test questions (coverage, precision by both definitions, and how often the
    answers of the 30 % of judged test questions it is surest of serve them)."""
    fold = np.arange(len(x_train)) % STUDY_FOLDS
    some, some_test = ~np.isnan(x_train).any(axis=1), ~np.isnan(x_test).any(axis=1)
    crossed = np.zeros(len(x_train))
    for f in range(STUDY_FOLDS):
        fitted = rank.Ranker.fit(x_train[some & (fold != f)], right_train[some & (fold != f)])
        crossed[some & (fold == f)] = fitted.predict(x_train[some & (fold == f)])
    threshold = choose_threshold(crossed, served_train)
    conf = np.zeros(len(x_test))
    conf[some_test] = rank.Ranker.fit(x_train[some], right_train[some]).predict(x_test[some_test])
    at = selective(conf, right_test, threshold if threshold is not None else 1.01, served_test)
    judged = served_test > -2
    best = served_test[judged][np.argsort(-conf[judged], kind="stable")[: int(0.3 * judged.sum())]]
    return {
        "recall_at_1": round(float(right_test.mean()), 3),
        "threshold": threshold,
        "train_coverage": round(float((crossed[served_train > -2] >= (threshold or 1.01)).mean()), 3),
        "coverage": at["coverage"],
        "precision": at["precision"],
        "served": at.get("served"),
        "served_at_30": round(float((best == 1).sum() / max((best >= 0).sum(), 1)), 3),
        "unjudged_at_30": int((best == -1).sum()),
    }


def fit_confidence(x: np.ndarray, right: np.ndarray, threshold: float = 1.0) -> confidence.Model:
    fitted = rank.Ranker.fit(x, right)
    return confidence.Model(fitted.weights, fitted.bias, threshold)


def starter_curve(model: confidence.Model, semantic: bool) -> tuple[list[list], int]:
    """The starter FAQ without its alternative phrasings, indexed as ``loa.answers.service`` indexes approved
    entries; each phrasing asked as a chat asks: per threshold of :data:`GRID`, ``[threshold, phrasings answered,
    share answered with their own entry]``, and how many phrasings a page answers (score of at least
    ``ANSWER_THRESHOLD``; ``tests/answers/test_confidence.py`` asks the same through the service)."""
    entries = json.loads(transfer.STARTER.read_text(encoding="utf-8"))
    index = Index("starter", semantic=semantic)
    index.add(
        [
            (f"{n}:{kind}", body, {"entry": str(n), "kind": kind})
            for n, e in enumerate(entries)
            for kind, body in (("question", e["question"]), ("answer", e["answer"]))
        ]
    )
    conf, right, page = [], [], 0
    for n, e in enumerate(entries):
        for phrasing in e["alternatives"]:
            hits = index.search(text.normalize(phrasing), k=confidence.HITS)
            negated = bool(hits) and hits[0].negated and hits[0].meta["kind"] == "answer" and "?" not in phrasing
            conf.append(-1.0 if negated else confidence.of(hits, lambda h: h.meta["entry"], semantic, model))
            page += bool(hits) and not negated and hits[0].score >= ANSWER_THRESHOLD
            right.append(bool(hits) and hits[0].meta["entry"] == str(n))
    return served_curve(np.array(conf), np.array(right, dtype=int)), page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pool", nargs="+", type=Path)
    parser.add_argument("--queries", type=Path)
    parser.add_argument("--learn", type=Path, help="train split to learn the fusion weights from")
    parser.add_argument("--train", type=Path, help="train split: term associations and known question–answer pairs")
    parser.add_argument(
        "--learn-confidence",
        action="store_true",
        help="fit the chat confidence on the --train questions asked against --pool",
    )
    parser.add_argument(
        "--study", action="store_true", help="compare confidence inputs: fitted on --train, reported on --queries"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="with --learn or --learn-confidence: refit from the kept features"
    )
    parser.add_argument("--no-semantic", action="store_true", help="lexical stages only")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--cold", action="store_true", help="rebuild the pool index instead of loading it")
    args = parser.parse_args()
    semantic = not args.no_semantic
    if args.learn:
        print(json.dumps(learn(args.learn, semantic, args.reuse), indent=1))
        return
    if args.learn_confidence:
        if not args.pool or not args.train:
            parser.error("--learn-confidence needs --pool and --train")
        print(json.dumps(learn_confidence(args.pool, args.train, semantic, args.reuse, args.queries), indent=1))
        return
    if args.study:
        if not args.pool or not args.train or not args.queries:
            parser.error("--study needs --pool, --train and --queries")
        report = study(args.pool, args.train, args.queries, semantic)
        if args.json:
            print(json.dumps(report, indent=1))
            return
        print(f"{report['pipeline']} pipeline; fitted on {args.train.name}, reported on {args.queries.name}")
        print(
            "| answer picked by | confidence inputs | R@1 | threshold (judged train, CV) | train coverage | "
            "coverage | precision (own) | coverage (judged) | precision (served) | served, surest 30 % |\n"
            "|---|---|---|---|---|---|---|---|---|---|"
        )
        for r in report["rows"]:
            judged = r["served"] or {}
            unjudged = f" ({r['unjudged_at_30']} unjudged)" if r["unjudged_at_30"] else ""
            print(
                f"| {r['pick']} fusion | {r['inputs']} | {r['recall_at_1']:.3f} | {r['threshold']} | "
                f"{r['train_coverage']} | {r['coverage']:.3f} | {r['precision']} | {judged.get('coverage')} | "
                f"{judged.get('precision')}{f' ({n} unjudged)' if (n := judged.get('unjudged')) else ''} | "
                f"{r['served_at_30']:.3f}{unjudged} |"
            )
        return
    if not args.pool or not args.queries:
        parser.error("--pool and --queries are required")
    started = time.perf_counter()
    assoc = associations(args.train)
    index, doc_of, build_s = build(args.pool, semantic, args.cold, assoc, read(args.train) if args.train else None)
    build_s += time.perf_counter() - started
    kind = "hybrid" if index.semantic else "lexical"
    methods, _, chat = evaluate(index, doc_of, read(args.queries), rank.Ranker.learned(kind), args.queries.stem)
    report = {
        "fused": "learned-fusion",
        "methods": methods,
        "pool": len(index),
        "queries": len(read(args.queries)),
        "index_build_s": round(build_s, 1),
        "selective": chat,
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return
    print(f"pool {report['pool']} answers, {report['queries']} queries, index built in {build_s:.1f} s")
    print("| method | R@1 | MRR@10 | R@10 | queries/s |\n|---|---|---|---|---|")
    for m in methods:
        print(
            f"| {m['name']} | {m['recall_at_1']:.3f} | {m['mrr_at_10']:.3f} | {m['recall_at_10']:.3f} | "
            f"{m['queries_per_s']} |"
        )
    print(
        f"\nchat (the FAQ index's pipeline, R@1 {chat['recall_at_1']:.3f}): answers at confidence >= "
        f"{chat['threshold']} (the shipped chat threshold, data/confidence.json)"
    )
    print(
        "| threshold | coverage | precision (own answer) | coverage (judged) | precision (served, judged) |\n"
        "|---|---|---|---|---|"
    )
    for p in [chat] + chat["curve"]:
        precision = "–" if p["precision"] is None else f"{p['precision']:.3f}"
        judged = p.get("served") or {}
        served = "–" if judged.get("precision") is None else f"{judged['precision']:.3f}"
        unjudged = f" ({judged['unjudged']} unjudged)" if judged.get("unjudged") else ""
        print(
            f"| {p['threshold']} | {p['coverage']:.3f} | {precision} | {judged.get('coverage', '–')} | "
            f"{served}{unjudged} |"
        )
    if chat["held_out"]:
        print(f"\nheld out ({HELD_OUT.name}, never fitted on; served precision)")
        print("| threshold | questions | coverage | precision (served) |\n|---|---|---|---|")
        for p in chat["held_out"]:
            unjudged = f" ({p['unjudged']} unjudged)" if p["unjudged"] else ""
            print(f"| {p['threshold']} | {p['questions']} | {p['coverage']} | {p['precision']}{unjudged} |")


if __name__ == "__main__":
    main()

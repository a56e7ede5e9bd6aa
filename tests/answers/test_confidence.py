import json

import numpy as np
import pytest
from sqlalchemy import select

from loa.answers import confidence, service, transfer
from loa.answers.models import FaqEntry, UnansweredQuestion
from loa.search import Hit


@pytest.fixture
def starter(db, settings):
    transfer.import_starter(db)
    db.commit()


def ask(db, settings, question, **kw):
    return service.ask(db, question, index_dir=settings.data_dir / "indexes", **kw)


def _hits(*scores: float, entries: str = "") -> list[Hit]:
    """Search results with these scores, best first; ``entries`` names each hit's entry (default: one each)."""
    entries = entries or "abcdefghij"[: len(scores)]
    top = {
        "syl_rr": 1.0,
        "fold_rr": 1.0,
        "word_rr": 1.0,
        "head_rr": 1.0,
        "sem_rr": 1.0,
        "syl_cov": 0.8,
        "word_cov": 0.8,
        "sem_cos": 0.9,
    }
    return [
        Hit(doc_id=f"{e}{i}", score=s, negated=False, meta={"entry": e}, features=top if i == 0 else {})
        for i, (s, e) in enumerate(zip(scores, entries))
    ]


@pytest.mark.parametrize("semantic", [False, True])
def test_a_clear_winner_is_surer_than_a_crowd(semantic):
    def of(hits):
        return confidence.of(hits, lambda h: h.meta["entry"], semantic)

    clear = of(_hits(0.97, 0.3, 0.2, 0.1))
    tied = of(_hits(0.97, 0.95, 0.9, 0.9))
    assert 0.0 < tied < clear < 1.0
    assert of(_hits(0.97, 0.95, 0.9, 0.9, entries="aabc")) > tied  # a second phrasing of the same entry
    assert of([]) == 0.0


def test_models_are_read_from_the_data_file(tmp_path):
    models = confidence.load()
    assert set(models) == {"lexical", "hybrid"}
    data = json.loads(confidence.DATA.read_text())
    assert data["hybrid"]["names"] == list(confidence.NAMES)
    row = np.array(confidence.features({"syl_rr": 1.0}, [0.7, 0.2], [True, False]))
    top = np.log(0.7 / 0.3)
    assert row[:3] == pytest.approx([top, top - np.log(0.2 / 0.8), 1 / (1 + 0.2 / 0.8 * 0.3 / 0.7)])
    expected = 1 / (1 + np.exp(-(row @ np.array(data["hybrid"]["weights"]) + data["hybrid"]["bias"])))
    assert models["hybrid"].predict(row)[0] == pytest.approx(expected)
    stale = {kind: {**data[kind], "names": data[kind]["names"][:-1] + ["gone"]} for kind in ("lexical", "hybrid")}
    (tmp_path / "confidence.json").write_text(json.dumps(stale))
    with pytest.raises(ValueError):
        confidence.load(tmp_path / "confidence.json")


def test_a_clear_question_is_answered_in_a_chat(db, settings, starter):
    for channel in ("telegram", "zalo", "web"):
        result = ask(db, settings, "Tiêm vắc xin COVID-19 xong có được uống rượu bia không?", channel=channel)
        assert result["answered"] and result["confident"], result
        assert result["confidence"] >= service.CHAT_THRESHOLD
        assert "rượu bia" in db.get(FaqEntry, result["entry_id"]).question


def test_a_chat_abstains_below_its_threshold_where_the_page_answers(db, settings, starter, monkeypatch):
    question = "Tiêm vắc xin COVID-19 xong có được uống rượu bia không?"
    monkeypatch.setattr(service, "CHAT_THRESHOLD", 1.01)  # no answer is that sure
    page = ask(db, settings, question, channel="web")
    assert page["answered"] and not page["confident"] and page["entry_id"]
    assert db.scalar(select(UnansweredQuestion.id)) is None
    for channel in ("sms", "messenger"):
        chat = ask(db, settings, question, channel=channel)
        assert not chat["answered"] and chat["answer"] is None and chat["entry_id"] is None
        assert chat["confidence"] == page["confidence"] and chat["group_id"]
    assert {q.channel for q in db.scalars(select(UnansweredQuestion))} == {"sms", "messenger"}


def test_an_unknown_question_is_not_confident(db, settings, starter):
    result = ask(db, settings, "Chợ Trà Cú có mở cửa lại chưa?", channel="zalo", record=False)
    assert not result["answered"] and not result["confident"]
    assert result["confidence"] < service.CHAT_THRESHOLD


def test_a_chat_is_right_on_phrasings_it_never_saw(db, settings):
    """The starter FAQ without its alternative phrasings; each phrasing asked in a chat: the chat answers a fair
    share of them and is rarely wrong (the web page answers more and is wrong more often)."""
    entries = json.loads(transfer.STARTER.read_text(encoding="utf-8"))
    transfer.import_records(
        db, [(i + 1, {**e, "alternatives": []}) for i, e in enumerate(entries)], status="approved", shipped=True
    )
    db.commit()
    id_of = {e.question: e.id for e in service.list_entries(db, "approved")}
    asked = [(p, id_of[e["question"]]) for e in entries for p in e["alternatives"]]
    chat = [ask(db, settings, p, channel="telegram", record=False) for p, _ in asked]
    web = [ask(db, settings, p, record=False) for p, _ in asked]
    right = [
        [r["answered"] and r["entry_id"] == gold for r, (_, gold) in zip(results, asked)] for results in (chat, web)
    ]
    answered = [sum(r["answered"] for r in results) for results in (chat, web)]
    assert len(asked) > 150
    assert answered[0] >= 0.15 * len(asked) and sum(right[0]) >= 0.85 * answered[0]
    assert answered[1] > answered[0] and sum(right[1]) < 0.85 * answered[1]

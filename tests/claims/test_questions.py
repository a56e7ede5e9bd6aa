"""A question asks, it does not assert: citizens' questions and the desk's own tries are not sightings of a claim;
check-worthiness reads accented text as written (issue 16, items 1 and 3)."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from loa import hooks
from loa.claims import checkworthy, questions, service
from loa.claims.models import ClaimAppearance, TriageItem

EVERYDAY = [
    json.loads(line)["text"]
    for line in (Path(__file__).parents[2] / "bench" / "data" / "claims_checkworthiness.jsonl").open(encoding="utf-8")
    if json.loads(line)["split"] == "everyday"
]


def asked(db, text: str) -> dict:
    """What the public question page offers the desk (answers → hook ``public_text_observed``)."""
    return hooks.call().public_text_observed(db=db, text=text, reach=1, origin="answers", ref="group:1", batch={})


def test_a_question_that_asks_for_information_is_never_a_sighting(db, starter):
    claim = starter["tre-em-khong-mac"]
    for _ in range(3):  # every repeat of the question used to add a sighting
        result = asked(db, "trẻ em mấy tuổi thì được tiêm")
        assert result["decision"] == "none" and result["kind"] == "question"
    assert claim.times_seen == 0 and claim.reach == 0
    assert db.scalar(select(func.count()).select_from(ClaimAppearance)) == 0
    assert db.scalar(select(func.count()).select_from(TriageItem)) == 0


def test_a_question_that_states_the_claim_is_offered_to_the_desk_as_a_question(db, starter, people):
    claim = starter["tre-em-khong-mac"]
    result = asked(db, "nghe nói trẻ em không bị nhiễm, đúng không?")  # names no epidemic: a person confirms
    assert (result["decision"], result["claim_id"], result["kind"]) == ("suggest", claim.id, "question")
    item = db.get(TriageItem, result["triage_id"])
    assert item.kind == "question" and item.suggested_claim_id == claim.id
    service.triage_link(db, item.id, claim.id, people["editor"])
    assert claim.times_seen == 0 and claim.reach == 0
    assert db.scalar(select(ClaimAppearance)).kind == "question"


def test_a_question_that_states_the_claim_is_kept_apart_and_not_counted(db, starter, login):
    claim = starter["tre-em-khong-mac"]
    result = asked(db, "nghe nói trẻ em không bị nhiễm covid, đúng không?")
    assert (result["decision"], result["claim_id"], result["kind"]) == ("match", claim.id, "question")
    asserted = service.check_text(db, "Trẻ em không bị nhiễm covid đâu, cứ cho đi chơi", reach=40)
    assert asserted["kind"] == "assertion" and asserted["decision"] == "match"
    kinds = sorted(a.kind for a in db.scalars(select(ClaimAppearance).where(ClaimAppearance.claim_id == claim.id)))
    assert kinds == ["assertion", "question"]
    assert claim.times_seen == 1 and claim.reach == 40  # the assertion only
    db.commit()
    page = login("editor").get(f"/claims/{claim.id}").text
    questions_part = page.split('data-testid="questions"')[1]
    assert "nghe nói trẻ em" in questions_part and "cứ cho đi chơi" not in questions_part
    assert "nghe nói trẻ em" not in page.split('data-testid="appearances"')[1].split("</section>")[0]


def test_a_question_stating_no_known_claim_does_not_fill_the_triage_queue(db, starter):
    for text in ("Tiêm vắc xin xong bị sốt có phải đi bệnh viện không?", "Người bị sốt có được tiêm vắc xin không?"):
        assert "triage_id" not in asked(db, text)
    assert db.scalar(select(func.count()).select_from(TriageItem)) == 0


def test_unlinking_a_question_leaves_the_counters_alone(db, starter, people):
    claim = starter["tre-em-khong-mac"]
    service.check_text(db, "Trẻ em không bị nhiễm covid", reach=5)
    asked(db, "Có phải trẻ em không bị nhiễm covid không ạ?")
    question = db.scalar(select(ClaimAppearance).where(ClaimAppearance.kind == "question"))
    item = service.unlink_appearance(db, claim, question.id, people["editor"])
    assert claim.times_seen == 1 and claim.reach == 5 and item.kind == "question"


def test_the_desk_check_tool_never_counts_as_a_sighting(db, starter, login):
    claim = starter["tre-em-khong-mac"]
    client = login("editor")
    for _ in range(2):
        page = client.post("/claims/check", data={"text": "Trẻ em không bị nhiễm covid"})
        assert page.status_code == 200 and 'data-decision="match"' in page.text
    new = client.post("/claims/check", data={"text": "Uống nước ép cần tây mỗi ngày chữa khỏi covid"}).text
    assert "/claims/new" in new
    db.expire_all()
    assert claim.times_seen == 0
    assert db.scalar(select(func.count()).select_from(ClaimAppearance)) == 0
    assert db.scalar(select(func.count()).select_from(TriageItem)) == 0


@pytest.mark.parametrize(
    "text,form,core",
    [
        ("trẻ em mấy tuổi thì được tiêm", "asks", None),
        ("Ở đâu tiêm vắc xin vậy?", "asks", None),
        ("Tiêm vắc xin xong bị sốt có sao không?", "asks", None),
        ("nghe nói trẻ em không bị nhiễm, đúng không?", "states", "trẻ em không bị nhiễm"),
        ("Uống nước chanh có chữa được covid không?", "states", "Uống nước chanh chữa được covid"),
        ("uong nuoc chanh co chua duoc covid khong", "states", "uong nuoc chanh chua duoc covid"),
        ("Vắc xin gây vô sinh phải không mọi người", "states", "Vắc xin gây vô sinh"),
    ],
)
def test_question_forms(text, form, core):
    assert questions.form(text, True) == form
    if core:
        assert questions.statement(text) == core


def test_an_assertion_is_not_read_as_a_question():
    assert questions.form("Nghe đồn vắc xin gây vô sinh, mọi người cẩn thận") is None
    assert questions.form("Ăn tỏi chữa được covid") is None


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_sentences_are_not_check_worthy(text):
    assert checkworthy.score(text) < 0.5, checkworthy.features(text)


def test_everyday_set_is_forty_sentences_of_which_the_folded_rules_took_some():
    assert len(EVERYDAY) == 40
    assert checkworthy.score("Tôi đi chợ mua cá về nấu canh chua") < 0.5
    assert checkworthy.score("Họ lấy xe đi làm, giá xăng tăng 10%") < 0.5
    # the same words typed without diacritics are ambiguous: the folded rules still read them as health words
    assert checkworthy.score("Ho lay xe di lam, gia xang tang 10%") >= 0.5


def test_text_without_diacritics_is_still_read():
    assert checkworthy.score("uong nuoc chanh am diet duoc virus corona") >= 0.5
    assert checkworthy.score("Uống nước chanh ấm diệt được virus corona") >= 0.5
    assert checkworthy.features("tiem vx xong bi liet nua nguoi")["accented"] == 0.0

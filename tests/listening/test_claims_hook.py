"""Stories matching a known false claim are flagged and counted (the misinformation desk's hook)."""

from sqlalchemy import select

from loa.claims import service as claims
from loa.listening import report, service
from loa.listening.models import DailyCount, Item
from loa.listening.pipeline import Post
from tests.listening.conftest import days_ago


def test_matching_story_is_flagged_and_reported(db, people):
    claim = claims.create_claim(
        db, people["coordinator"], text="Uống nước tỏi ngâm rượu chữa khỏi COVID-19", verdict="false"
    )
    when = days_ago(1)
    service.ingest(
        db,
        [
            Post("Uống nước tỏi ngâm rượu chữa khỏi COVID-19, mọi người làm theo đi", when),
            Post("Lịch tiêm mũi nhắc lại ở trạm y tế xã tuần này là thứ Bảy", when),
        ],
    )
    flagged = [i for i in db.scalars(select(Item)) if i.claim]
    assert [i.claim["claim_id"] for i in flagged] == [claim.id]
    total = db.scalar(
        select(DailyCount).where(DailyCount.topic == 0, DailyCount.district == "", DailyCount.language == "")
    )
    assert total.claims == 1
    data = report.build(db, when.date(), when.date())
    assert data["claims"][0]["claim_id"] == claim.id and data["claims"][0]["items"] == 1
    assert any("kiểm chứng" in a for a in data["actions"])
    rows = {r["topic"]: r for r in data["topics"]}
    assert flagged[0].subcategories and all(rows[t]["harm"] == "high" for t in flagged[0].subcategories)


def test_report_lists_only_misinformation_as_such(db, people):
    """A true claim spreading and a parent's question about a false one are not "thông tin sai lệch"."""
    false = claims.create_claim(db, people["coordinator"], text="Trẻ em không bị nhiễm COVID-19", verdict="false")
    true = claims.create_claim(
        db, people["coordinator"], text="Rửa tay bằng xà phòng thường xuyên giúp phòng COVID-19", verdict="true"
    )
    when = days_ago(1)
    service.ingest(
        db,
        [
            Post("Rửa tay bằng xà phòng thường xuyên giúp phòng COVID-19, cả nhà nhớ nhé", when),
            Post("Các mẹ ơi nghe nói trẻ em không bị nhiễm COVID-19, có đúng không?", when),
        ],
    )
    question = next(i for i in db.scalars(select(Item)) if "nghe nói" in i.text)
    assert question.claim == {"claim_id": false.id, "score": question.claim["score"], "kind": "question"}
    assert (
        db.scalar(
            select(DailyCount).where(DailyCount.topic == 0, DailyCount.district == "", DailyCount.language == "")
        ).claims
        == 1
    )  # the true claim's story only
    data = report.build(db, when.date(), when.date())
    assert data["claims"] == []
    assert [c["claim_id"] for c in data["true_claims"]] == [true.id]
    spreading = next(i for i in db.scalars(select(Item)) if i.claim and i.claim["claim_id"] == true.id)
    assert spreading.subcategories
    for row in (r for r in data["topics"] if r["topic"] in spreading.subcategories):  # a true claim raises no harm
        assert row["harm"] == report.harm_level(row["count"], row["concerns"], row["negative"], 0) != "high"
    assert not any("kiểm chứng" in a for a in data["actions"])
    blocks = report.document(data, "Trà Vinh").blocks
    texts = [getattr(b, "text", None) or " ".join(getattr(b, "items", [])) for b in blocks]
    section = texts[texts.index("4. Thông tin sai lệch được phát hiện") :]
    assert section[1] == "Không phát hiện tin trùng với thông tin sai lệch đã biết."
    assert section[2] == "Thông tin đúng đang lan truyền:" and section[3].startswith("Rửa tay")

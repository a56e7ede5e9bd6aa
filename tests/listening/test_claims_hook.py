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
    total = db.scalar(select(DailyCount).where(DailyCount.topic == 0))
    assert total.claims == 1
    data = report.build(db, when.date(), when.date())
    assert data["claims"][0]["claim_id"] == claim.id and data["claims"][0]["items"] == 1
    assert any("kiểm chứng" in a for a in data["actions"])

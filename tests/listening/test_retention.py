"""Retention never lets an old post be counted again (issue 16, item 5)."""

from datetime import timedelta

from sqlalchemy import func, select

from loa import clock
from loa.clock import local_day
from loa.listening import service
from loa.listening.models import DailyCount, Item, SeenPost
from loa.listening.pipeline import Post
from tests.listening.conftest import days_ago

FEED = [
    "Xã Long Đức mở điểm tiêm lưu động ở nhà văn hóa ấp",
    "Nhiều người hỏi lịch tiêm mũi nhắc lại cho người trên 50 tuổi",
    "Chợ phường 7 bán lại bình thường từ sáng nay",
    "Trạm y tế phát thuốc cho F0 điều trị tại nhà",
]


def day_total(db, day) -> int:
    return (
        db.scalar(
            select(DailyCount.items).where(
                DailyCount.day == day, DailyCount.topic == 0, DailyCount.district == "", DailyCount.language == ""
            )
        )
        or 0
    )


def test_a_feed_that_still_carries_old_posts_counts_them_once(db):
    posts = [Post(text, days_ago(100, hour=8 + n)) for n, text in enumerate(FEED)]
    day = local_day(posts[0].published_at)
    with clock.frozen(clock.utcnow() - timedelta(days=20)):  # polled while they were recent
        assert service.ingest(db, posts).added == 4
    assert day_total(db, day) == 4
    assert service.apply_retention(db)["items_deleted"] == 4
    for _ in range(3):  # each later poll of the same feed
        stats = service.ingest(db, posts)
        assert (stats.added, stats.reposts, stats.too_old) == (0, 0, 4)
    assert day_total(db, day) == 4
    assert db.scalar(select(func.count()).select_from(Item)) == 0


def test_post_keys_outlive_the_texts(db):
    posts = [Post(text, days_ago(91)) for text in FEED[:2]]
    with clock.frozen(clock.utcnow() - timedelta(days=5)):
        service.ingest(db, posts)
    result = service.apply_retention(db)
    assert result["items_deleted"] == 2 and result["keys_deleted"] == 0
    assert db.scalar(select(func.count()).select_from(SeenPost)) == 2
    assert service.ingest(db, [Post("Tin mới hôm nay về lịch tiêm", days_ago(1))]).added == 1


def test_an_upload_says_how_many_rows_it_skipped_as_past_retention(db, login):
    old = [Post(text, days_ago(100, hour=8 + n)) for n, text in enumerate(FEED[:2])]
    with clock.frozen(clock.utcnow() - timedelta(days=20)):
        service.ingest(db, old)
    service.apply_retention(db)
    db.commit()
    rows = [(p.text, p.published_at.isoformat()) for p in old] + [(FEED[3], days_ago(1).isoformat())]
    data = "text,time\n" + "".join(f"{text},{when}\n" for text, when in rows)
    c = login("agency_member")
    r = c.post(
        "/api/v1/listening/import",
        files={"file": ("export.csv", data.encode(), "text/csv")},
        data={"mapping": '{"text": "text", "time": "time"}'},
    )
    job = c.get(r.json()["job"]["url"]).json()
    assert job["status"] == "done", job
    assert (job["result"]["added"], job["result"]["skipped"]) == (1, 2)
    assert "2 bỏ qua" in job["result"]["message"]

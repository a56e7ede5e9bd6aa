"""Daily aggregates, the rising-topic test (spike fires, flat stays quiet, topic 37 never), retention."""

from datetime import date, timedelta

from sqlalchemy import insert, select

from loa.listening import service
from loa.listening.config import ListeningSettings
from loa.listening.models import Alert, DailyCount, Item
from loa.listening.pipeline import Post
from tests.listening.conftest import days_ago

S = ListeningSettings()


def test_upper_tail():
    assert abs(service.upper_tail(0, 3.0) - 1.0) < 1e-12
    assert abs(service.upper_tail(1, 2.0) - (1 - 2.718281828**-2)) < 1e-6  # Poisson
    assert abs(service.upper_tail(1, 3.0, 2.0) - (1 - 0.5**3)) < 1e-9  # negative binomial, variance 6
    assert service.upper_tail(30, 4.0) < 1e-10 < service.upper_tail(30, 4.0, 3.0)


def history(counts: list[int], day=date(2021, 10, 20)) -> list[tuple[date, int]]:
    return [(day - timedelta(days=len(counts) - i), n) for i, n in enumerate(counts)]


DAY = date(2021, 10, 20)  # a Wednesday


def test_rising_rule():
    flat = history([5, 6, 4, 5, 6, 5, 4, 6, 5, 5, 4, 6, 5, 5])
    assert service.rising(flat, DAY, 6, S) is None
    assert service.rising(flat, DAY, 9, S) is None  # within noise
    spike = service.rising(flat, DAY, 25, S)
    assert spike and spike["p_value"] < 1e-6 and spike["ratio"] >= 4 and spike["baseline_days"] == 12
    assert service.rising(history([0] * 14), DAY, 3, S) is None  # too few items
    assert service.rising(history([1] * 8), DAY, 30, S) is None  # too little history once the guard days are out


def test_a_busy_topic_that_varies_a_lot_needs_more_to_rise():
    busy = history([20, 60, 35, 45, 25, 55, 40, 30, 50, 42, 38, 22, 58, 41, 36, 44, 28, 52, 39, 47, 33, 40])
    assert service.upper_tail(85, 40.0) < S.alert_p_value  # plain Poisson would call 85 a rise
    assert service.rising(busy, DAY, 85, S) is None
    assert service.rising(busy, DAY, 160, S) is not None


def test_the_weekly_rhythm_is_expected():
    # Sundays bring three times a weekday's posts: a Sunday like the others is no rise, the same count on a
    # Wednesday is.
    counts = [15 if (DAY - timedelta(days=28 - i)).weekday() == 6 else 5 for i in range(28)]
    sunday = DAY + timedelta(days=4)
    assert sunday.weekday() == 6
    assert service.rising(history(counts + [5, 5, 5, 5], sunday), sunday, 15, S) is None
    wednesday = service.rising(history(counts), DAY, 15, S)
    assert wednesday is not None and wednesday["weekday_factor"] < 1


def test_the_first_days_of_a_rise_do_not_hide_the_next():
    rise = history([5, 6, 4, 5, 6, 5, 4, 6, 5, 5, 4, 6, 5, 5] + [14, 22])
    assert service.rising(rise, DAY, 24, S) is not None  # the guard days (14, 22) stay out of the baseline


def seed_counts(db, topic: int, series: list[int], end, total: bool = True):
    rows = []
    for i, n in enumerate(series):
        day = end - timedelta(days=len(series) - 1 - i)
        rows += [{"day": day, "topic": 0, "items": n + 20}] * total + [{"day": day, "topic": topic, "items": n}]
    db.execute(insert(DailyCount), rows)


def test_alert_fires_on_spike_with_evidence(db):
    day = days_ago(0).date()
    seed_counts(db, 23, [3, 2, 4, 3, 3, 2, 3, 4, 3, 2, 3, 3, 4, 3, 0], day)
    waits = [
        "Đăng ký tiêm vắc xin từ tháng trước mà đến giờ vẫn chưa tới lượt",
        "Xã bên đã tiêm xong hết rồi còn ấp tôi thì chưa có lịch tiêm",
        "Gọi điện lên trạm y tế hỏi lịch tiêm mũi hai thì không ai bắt máy",
        "Danh sách ưu tiên tiêm chủng ở phường không thấy tên mẹ tôi đâu cả",
        "Điểm tiêm lưu động hẹn tới ấp mình mà hoãn ba lần liền",
        "Người trên sáu mươi lăm tuổi tiêm ở bệnh viện huyện phải chờ tới khi nào",
    ]
    contexts = [
        "ông bà già yếu ở nhà chờ mãi không yên tâm",
        "công nhân khu công nghiệp muốn đi làm lại mà không có giấy chứng nhận",
        "hỏi tổ trưởng tổ dân phố cũng chỉ bảo là chờ thông báo",
    ]
    posts = [Post(f"{w}, {c}.", days_ago(0, 3)) for w in waits for c in contexts]
    service.ingest(db, posts)
    alert = db.scalar(select(Alert).where(Alert.topic == 23))
    # most of the 18 complaints, not all, are read as topic 23 (bench/listening_quality.py measures the classifier)
    assert alert is not None and alert.day == day and alert.count >= 12
    ev = alert.evidence
    assert ev["test"] == "negative_binomial_weekday" and ev["p_value"] < 0.001 and len(ev["series"]) == 14
    assert ev["baseline_mean"] < 4 and len(ev["examples"]) == 3
    assert all("chưa tới lượt" in i.text for i in service.example_items(db, ev["examples"]))


def test_flat_series_stays_quiet(db):
    day = days_ago(0).date()
    seed_counts(db, 23, [6, 5, 7, 6, 5, 6, 7, 5, 6, 6, 5, 7, 6, 5, 6], day)
    assert service.detect(db, day) == []
    assert db.scalar(select(Alert)) is None


def test_civil_unrest_is_only_counted(db):
    day = days_ago(0).date()
    seed_counts(db, 37, [1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 40], day)
    seed_counts(db, 5, [1] * 14 + [40], day, total=False)
    raised = {a.topic for a in service.detect(db, day)}
    assert raised == {5}
    assert service.recent_items(db, topic=37) == []


def test_overview_share_and_change(db):
    day = days_ago(0).date()
    db.execute(
        insert(DailyCount),
        [
            {"day": day - timedelta(days=1), "topic": 0, "items": 40},
            {"day": day - timedelta(days=1), "topic": 14, "items": 10},
            {"day": day, "topic": 0, "items": 50},
            {"day": day, "topic": 14, "items": 15, "questions": 9, "concerns": 4},
        ],
    )
    row = next(r for r in service.overview(db, day) if r["topic"] == 14)
    assert row["change_pct"] == 50.0 and row["share_pct"] == 30.0 and row["questions"] == 9


def test_retention_keeps_only_aggregates(db):
    old = [
        Post("Sáng nay chợ huyện đông quá, không ai đeo khẩu trang cả", days_ago(120)),
        Post("Xin hỏi trẻ 5 tuổi đã tiêm vắc xin sởi thì có tiêm được vắc xin Covid không?", days_ago(100)),
        Post("Tiền hỗ trợ lao động tự do ở xã tôi chưa phát, hỏi hoài không ai trả lời", days_ago(95)),
    ]
    new = [Post("Hôm nay trạm y tế có tiêm mũi nhắc lại không mọi người?", days_ago(2))]
    service.ingest(db, old + new)
    before = sum(
        c.items
        for c in db.scalars(
            select(DailyCount).where(DailyCount.topic == 0, DailyCount.district == "", DailyCount.language == "")
        )
    )
    result = service.apply_retention(db)
    assert result["items_deleted"] == 3
    assert [i.text for i in db.scalars(select(Item))] == [new[0].text]
    after = sum(
        c.items
        for c in db.scalars(
            select(DailyCount).where(DailyCount.topic == 0, DailyCount.district == "", DailyCount.language == "")
        )
    )
    assert before == after == 4
    assert service.apply_retention(db, days=1)["items_deleted"] == 1


def test_taxonomy_is_editable_data_but_37_never_alerts(db):
    topics = service.topics(db)
    assert len(topics) == 41 and topics[14].category == "TREATMENT" and not topics[37].alerts
    service.update_topic(db, 14, name_vi="Vắc xin phòng COVID-19", name_en="COVID-19 vaccine", alerts=False)
    assert service.topics(db)[14].name_vi == "Vắc xin phòng COVID-19" and not service.topics(db)[14].alerts
    assert not service.update_topic(db, 37, name_vi="Bất ổn xã hội", alerts=True).alerts

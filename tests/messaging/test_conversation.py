"""What a person can do on a tipline, and what reaches them later: answers, corrections, bulletins, notices."""

from datetime import date, timedelta

from sqlalchemy import select

from loa import hooks
from loa.answers import service as answers
from loa.answers.models import QuestionGroup, UnansweredQuestion
from loa.bulletins.models import Bulletin
from loa.claims import service as claims
from loa.claims.models import TriageItem
from loa.claims.schemas import ClaimChanges
from loa.clock import frozen, utcnow
from loa.content import service as content
from loa.messaging import replies, service
from loa.messaging.config import Setup
from loa.messaging.models import FollowUp, Inbound, Sender, Subscription
from tests.messaging.conftest import deliver, messenger_event, say, telegram_update, zalo_event

UNKNOWN = "Xe khách Trà Vinh đi Sài Gòn đã chạy lại chưa vậy?"
RUMOUR = "Uống nước ép lá tía tô mỗi tối giúp chữa khỏi sốt xuất huyết trong hai ngày"


def last(fake, to: str) -> str:
    return fake.texts(to)[-1]


def test_a_question_answered_later_reaches_everyone_who_asked(
    client, db, settings, platforms, knowledge, fake, people, login
):
    say(client, "zalo", "Z9-asker", UNKNOWN)
    say(client, "telegram", "770000001", "1")
    assert last(fake, "770000001") == replies.ASK_PROMPT
    say(client, "telegram", "770000001", "xe khach tra vinh di sai gon chay lai chua")
    say(client, "zalo", "Z10-asker", "Xe khách Trà Vinh - Sài Gòn đã chạy lại chưa?")
    assert last(fake, "Z9-asker") == last(fake, "770000001") == "Chưa có câu trả lời; cán bộ y tế sẽ trả lời bạn."
    group = db.scalar(select(QuestionGroup))
    assert {q.channel for q in db.scalars(select(UnansweredQuestion))} == {"zalo", "telegram"} and group.count == 3
    staff = login("agency_member")  # the queue shows where the questions came from, counts only
    assert staff.get("/api/v1/answers/unanswered").json()[0]["channels"] == {"zalo": 2, "telegram": 1}
    page = staff.get("/answers").text  # sender ids long enough that no CSRF token holds them by chance
    assert 'data-testid="channels">Zalo 2 · Telegram 1</td>' in page
    assert "Z10-asker" not in page and "770000001" not in page
    entry = answers.answer_group(
        db,
        group,
        {"answer": "Các tuyến xe khách liên tỉnh chạy lại từ ngày 1/10.", "source": "Sở Giao thông vận tải Trà Vinh"},
        people["agency_member"],
    )
    db.commit()
    assert service.dispatch(db, Setup.of(settings))["answers"] == 0  # a draft answer tells nobody
    answers.approve(db, entry, people["reviewer"])
    db.flush()
    assert [f.due_at is not None for f in db.scalars(select(FollowUp))] == [True] * 3  # hook question_answered
    assert service.dispatch(db, Setup.of(settings))["answers"] == 3
    db.commit()
    for who in ("Z9-asker", "Z10-asker", "770000001"):
        assert "chạy lại từ ngày 1/10" in last(fake, who) and "Sở Giao thông vận tải" in last(fake, who)
    assert db.scalar(select(FollowUp.id)) is None
    assert service.dispatch(db, Setup.of(settings))["answers"] == 0  # told once


def test_a_rumour_with_a_published_correction_gets_it_at_once(client, db, platforms, knowledge, fake):
    say(client, "messenger", "P1", "2")
    assert last(fake, "P1") == replies.TIP_PROMPT
    say(client, "messenger", "P1", "Tiêm vắc xin covid xong là bị vô sinh phải không")
    reply = last(fake, "P1")
    assert "SAI" in reply and "https://loa.travinh.example/kiem-chung/vac-xin-vo-sinh" in reply
    assert db.scalar(select(Inbound.outcome).order_by(Inbound.id.desc()).limit(1)) == "correction"


def test_a_new_rumour_goes_to_triage_with_its_reach_and_every_sender_gets_the_verdict(
    client, db, settings, platforms, knowledge, fake, people, login
):
    say(client, "zalo", "Z1", "2")
    say(client, "zalo", "Z1", RUMOUR)
    say(client, "sms", "+84901111111", "2")
    say(client, "sms", "+84901111111", RUMOUR.lower())
    assert last(fake, "Z1") == replies.TIP_QUEUED
    item = db.scalar(select(TriageItem).where(TriageItem.status == "open", TriageItem.origin == "zalo"))
    assert item.reach == 2 and item.times_seen == 2
    staff = login("editor")  # the triage queue shows the tiplines the tip came through, counts only
    [queued] = [i for i in staff.get("/api/v1/claims/triage").json() if i["id"] == item.id]
    assert queued["channels"] == {"Zalo": 1, "SMS": 1}
    page = staff.get("/claims/triage").text
    assert "nhắn tin: SMS 1 · Zalo 1</p>" in page and "84901111111" not in page  # most first, then by name
    claim = claims.triage_open(db, item.id, people["editor"])
    claims.transition(db, claim, "investigating", people["editor"])
    claims.update_claim(
        db,
        claim,
        people["reviewer"],
        ClaimChanges(
            verdict="false",
            explanation=("Không có bằng chứng lá tía tô chữa được sốt xuất huyết. Khi sốt cao hãy đến cơ sở y tế."),
        ),
    )
    claims.add_source(db, claim, people["reviewer"], publisher="Bộ Y tế", url="https://moh.gov.vn")
    claims.transition(db, claim, "concluded", people["reviewer"])
    db.commit()
    assert service.dispatch(db, Setup.of(settings))["corrections"] == 0  # concluded is not published
    claims.transition(db, claim, "published", people["coordinator"])
    db.commit()
    assert [f.due_at is not None for f in db.scalars(select(FollowUp))] == [True, True]  # hook claim_published
    assert service.dispatch(db, Setup.of(settings))["corrections"] == 2
    db.commit()
    assert "SAI" in last(fake, "Z1") and "Bo Y te" in last(fake, "+84901111111")


def test_subscribe_and_unsubscribe_by_district(client, db, platforms, fake, login):
    say(client, "sms", "+84912000001", "3")
    assert "7. Huyen Tra Cu" in last(fake, "+84912000001")
    say(client, "sms", "+84912000001", "7")
    assert last(fake, "+84912000001").startswith("Da dang ky nhan ban tin hang ngay va tin khan cap cua Huyen Tra Cu")
    say(client, "telegram", "55", "DK 7")
    say(client, "messenger", "P5", "3")
    button = messenger_event("P5", {"text": "Huyện Càng Long", "quick_reply": {"payload": "district:844"}})
    assert deliver(client, "messenger", button).status_code == 200
    assert "24 giờ" in last(fake, "P5")  # Messenger's window is told
    assert sorted(db.scalars(select(Subscription.district))) == ["844", "849", "849"]
    page = login("viewer").get("/messaging")
    assert page.status_code == 200 and "Huyện Trà Cú" in page.text and "Huyện Càng Long" in page.text
    say(client, "sms", "+84912000001", "HUY")
    assert last(fake, "+84912000001") == "Da huy dang ky. Loa da xoa thong tin nhan tin cua ban."
    say(client, "sms", "+84912000001", "4")
    assert last(fake, "+84912000001") == "Ban chua dang ky nhan ban tin."
    db.expire_all()
    assert sorted(db.scalars(select(Subscription.district))) == ["844", "849"]


def test_emergency_notice_reaches_the_district_subscribers_only(client, db, settings, platforms, fake):
    say(client, "sms", "+84912000002", "DK 7")
    say(client, "telegram", "56", "DK 7")
    say(client, "zalo", "Z2", "DK 1")
    notice = "Triều cường lúc 17 giờ, bà con tránh xa bờ sông."
    assert hooks.call().emergency_notice(db=db, districts=["849"], text=notice) == [2]
    db.commit()
    assert service.dispatch(db, Setup.of(settings))["notices"] == 1
    db.commit()
    assert "TIN KHAN CAP" in last(fake, "+84912000002") and "Triều cường" in last(fake, "56")
    assert "Triều cường" not in last(fake, "Z2")


def test_a_notification_outside_the_platforms_window_is_not_sent(client, db, settings, platforms, fake):
    start = utcnow()
    with frozen(start):
        say(client, "messenger", "P7", "DK 7")
        say(client, "telegram", "57", "DK 7")
    service.notify_district(db, "849", "Tin khẩn cấp thử")
    db.commit()
    with frozen(start + timedelta(hours=25)):
        service.dispatch(db, Setup.of(settings))
        db.commit()
    assert "Tin khẩn cấp thử" in last(fake, "57") and "Tin khẩn cấp thử" not in last(fake, "P7")


def test_the_daily_bulletin_goes_once_to_each_subscriber(client, db, settings, platforms, fake, people):
    say(client, "telegram", "58", "DK 7")
    title = "Bản tin tình hình dịch tỉnh Trà Vinh ngày 20/9/2021"
    item = content.create_item(
        db,
        kind="situation_bulletin",
        title=title,
        body="Ca mắc mới\nNgày 20/9/2021, tỉnh Trà Vinh ghi nhận 12 ca mắc mới.\nTiêm chủng\n"
        "Đã có 60% dân số được tiêm ít nhất 1 mũi.",
        author=people["editor"],
    )
    db.add(Bulletin(unit_code="84", day=date(2021, 9, 20), title=item.title, body="", content_item_id=item.id))
    db.commit()
    assert service.send_bulletins(db, Setup.of(settings))["sent"] == 0  # a draft is not sent
    item.state = "approved"
    assert hooks.call().latest_bulletin(db=db, district="849")["key"] == "84:2021-09-20"  # the province's
    assert service.send_bulletins(db, Setup.of(settings))["sent"] == 1
    db.commit()
    assert last(fake, "58") == (
        "Bản tin tình hình dịch tỉnh Trà Vinh ngày 20/9/2021\n"
        "Ngày 20/9/2021, tỉnh Trà Vinh ghi nhận 12 ca mắc mới.\n"
        "Đã có 60% dân số được tiêm ít nhất 1 mũi."
    )
    assert service.send_bulletins(db, Setup.of(settings))["sent"] == 0


def test_khmer_stickers_locations_images_and_unknown_kinds(client, db, platforms, knowledge, fake):
    say(client, "zalo", "Z3", "សួស្តី តើខ្ញុំអាចចាក់វ៉ាក់សាំងនៅឯណា?")
    assert replies.KHMER in last(fake, "Z3") and "tiếng Khmer" in last(fake, "Z3")
    deliver(client, "telegram", telegram_update(60, sticker={"file_id": "s"}))
    assert last(fake, "60").startswith(replies.STICKER) and "1. Hỏi đáp" in last(fake, "60")
    deliver(client, "telegram", telegram_update(60, location={"latitude": 9.9, "longitude": 106.3}))
    assert last(fake, "60") == replies.LOCATION
    deliver(client, "telegram", telegram_update(60, voice={"file_id": "v"}))
    assert last(fake, "60").startswith(replies.UNSUPPORTED)
    deliver(client, "zalo", zalo_event("Z4", "user_send_image", attachments=[{"type": "image", "payload": {}}]))
    assert last(fake, "Z4") == replies.IMAGE_ONLY
    deliver(
        client,
        "zalo",
        zalo_event(
            "Z4",
            "user_send_image",
            text="Tiêm vắc xin covid xong là bị vô sinh phải không",
            attachments=[{"type": "image", "payload": {}}],
        ),
    )
    assert "vac-xin-vo-sinh" in last(fake, "Z4")
    deliver(client, "telegram", telegram_update(61, "https://tin.example/la-tia-to-chua-sot-xuat-huyet"))
    assert last(fake, "61") == replies.TIP_QUEUED


def test_unfollowing_forgets_the_subscription(client, db, platforms, fake):
    say(client, "zalo", "Z5", "DK 2")
    assert db.scalar(select(Subscription.id)) is not None
    unfollow = {
        "app_id": "1234567890",
        "event_name": "unfollow",
        "timestamp": "1630000000009",
        "oa_id": "OA1",
        "follower": {"id": "Z5"},
    }
    assert deliver(client, "zalo", unfollow).json()["replies"] == 0
    db.expire_all()
    assert db.scalar(select(Subscription.id)) is None


def test_retention_forgets_senders_but_keeps_subscriptions_and_counts(client, db, settings, platforms, knowledge, fake):
    start = utcnow()
    with frozen(start):
        say(client, "zalo", "Z6", UNKNOWN)
        say(client, "zalo", "Z7", "DK 3")
    with frozen(start + timedelta(days=31)):
        counts = service.retention(db, Setup.of(settings))
        db.commit()
    assert counts["senders"] == 1 and counts["followups"] == 1
    assert db.scalar(select(Subscription.district)) == "845" and len(db.scalars(select(Sender)).all()) == 1
    assert len(db.scalars(select(Inbound)).all()) == 2 and service.stats(db)["totals"]["messages"] == 2


def test_a_flood_from_one_sender_is_limited_and_stores_only_the_allowed_questions(
    client, db, settings, platforms, knowledge, fake
):
    settings.anonymous_rate = "3/minute"
    before = len(db.scalars(select(UnansweredQuestion)).all())
    for i in range(8):
        say(client, "telegram", "555", f"Xe buýt tuyến số {i} từ Cầu Ngang đi Duyên Hải chạy lại chưa?")
    assert fake.texts("555")[-1].startswith("Bạn gửi quá nhiều câu hỏi")
    db.expire_all()
    assert len(db.scalars(select(UnansweredQuestion)).all()) == before + 3
    assert sum(i.outcome == "limited" for i in db.scalars(select(Inbound))) == 5
    say(client, "telegram", "556", "Xe buýt tuyến Cầu Ngang đi Duyên Hải chạy lại chưa?")  # another sender
    db.expire_all()
    assert len(db.scalars(select(UnansweredQuestion)).all()) == before + 4

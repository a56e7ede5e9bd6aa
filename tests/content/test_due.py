"""Due slots go out on their own (the periodic job ``content.publish_due``); those that cannot go out are marked
missed with their reason, shown on the calendar and the item page."""

from datetime import datetime, timedelta

import pytest
from icalendar import Calendar

from loa import modules
from loa.clock import week_start
from loa.content import service
from loa.db import utcnow
from loa.formats import LOCAL
from loa.jobs import runner
from loa.jobs import service as jobs


@pytest.fixture
def channels(db):
    made = {
        "loa": service.create_channel(db, "Loa truyền thanh xã Long Hòa", "loudspeaker"),
        "portal": service.create_channel(db, "Cổng thông tin điện tử tỉnh", "portal"),
    }
    db.commit()
    return made


def approved(db, people, title="Thông báo lịch tiêm vắc xin", **kw):
    item = service.create_item(
        db,
        kind="script",
        title=title,
        body="Thưa bà con, sáng mai trạm y tế xã tiêm vắc xin.",
        author=people["editor"],
        **kw,
    )
    service.submit(db, item, people["editor"])
    service.approve(db, item, people["reviewer"])
    return item


def test_the_periodic_job_publishes_a_slot_due_a_minute_ago(db, people, settings, channels):
    item = approved(db, people)
    at = utcnow() - timedelta(minutes=1)
    slot = service.schedule(db, item, people["editor"], channels["loa"], at)
    later = service.schedule(db, item, people["editor"], channels["loa"], at + timedelta(hours=2))
    db.commit()
    modules.load_jobs()
    assert runner.claim_periodic(settings, "content.publish_due", utcnow())
    run = runner.run_periodic(settings, "content.publish_due")
    assert run["outcome"] == "ok" and run["message"] == "Đã đăng 1 lượt, bỏ lỡ 0 lượt."
    db.expire_all()
    assert (slot.status, slot.published_at, item.state) == ("published", at, "published")
    assert later.status == "planned"
    assert jobs.run_now(settings, "content.publish_due")["message"] == "Không có lượt nào đến giờ."


def _edited_after_approval(db, people, item):
    item.state = "review"  # changed outside the workflow, e.g. corrected straight in the database
    service.update_item(
        db, item, people["editor"], service.ItemChanges(body="Thưa bà con, lịch tiêm đổi sang chiều mai.")
    )
    return service.MISSED_EDITED


def _never_approved(db, people, item):
    item.state, item.approved_at, item.approved_version = "draft", None, None
    return service.MISSED_NOT_APPROVED


def _archived(db, people, item):
    item.state = "archived"
    return service.MISSED_ARCHIVED


@pytest.mark.parametrize("change", [_edited_after_approval, _never_approved, _archived])
def test_a_slot_that_cannot_go_out_is_missed_with_its_reason(login, db, people, settings, channels, change):
    item = approved(db, people)
    slot = service.schedule(db, item, people["editor"], channels["portal"], utcnow() - timedelta(minutes=1))
    reason = change(db, people, item)
    db.commit()
    modules.load_jobs()
    assert jobs.run_now(settings, "content.publish_due")["message"] == "Đã đăng 0 lượt, bỏ lỡ 1 lượt."
    db.expire_all()
    assert (slot.status, slot.missed_reason, slot.published_at) == ("missed", reason, None)
    assert service.published_items(db) == []

    viewer = login("viewer")
    calendar = viewer.get("/calendar").text
    assert "Bỏ lỡ: 1" in calendar and reason in calendar
    page = viewer.get(f"/content/{item.id}").text
    assert "Bỏ lỡ" in page and f"Lý do: {reason}" in page
    viewer.get("/lang/en")
    assert "Missed: 1" in viewer.get("/calendar").text
    assert "Reason: Not published or aired as planned" in viewer.get(f"/content/{item.id}").text


def test_a_late_broadcast_slot_is_missed_but_a_late_portal_post_goes_out(login, db, people, channels):
    item = approved(db, people)
    two_hours_ago = utcnow() - timedelta(hours=2)
    aired = service.schedule(db, item, people["editor"], channels["loa"], two_hours_ago)
    posted = service.schedule(db, item, people["editor"], channels["portal"], two_hours_ago)
    alone = approved(db, people, "Nhắc thực hiện 5K")
    late = service.schedule(db, alone, people["editor"], channels["loa"], two_hours_ago)
    due = service.publish_due(db)
    assert due.published == [posted] and due.missed == [aired, late]
    assert aired.missed_reason == late.missed_reason == service.MISSED_LATE
    assert item.state == "published" and alone.state == "approved"  # nothing left planned: it can be planned again
    # a missed slot of an approved item can be planned again
    service.reschedule(db, late, people["editor"], utcnow() + timedelta(hours=1))
    assert (late.status, late.missed_reason, alone.state) == ("planned", "", "scheduled")
    db.commit()
    page = login("editor").get(f"/content/{item.id}").text
    assert "Quá giờ phát mà hệ thống chưa phát kịp" in page and "Lên lịch lại" in page


def test_the_grace_is_a_setting(db, people, channels, monkeypatch):
    item = approved(db, people)
    slot = service.schedule(db, item, people["editor"], channels["loa"], utcnow() - timedelta(hours=2))
    monkeypatch.setenv("LOA_CONTENT_BROADCAST_GRACE_MINUTES", "180")
    assert service.publish_due(db).published == [slot]
    another = service.schedule(db, item, people["editor"], channels["loa"], utcnow() - timedelta(minutes=20))
    assert service.publish_due(db, grace_minutes=10).missed == [another]


def test_missed_slots_count_neither_in_the_balance_nor_in_the_calendar_file(login, db, people, channels):
    item = approved(db, people, duration_seconds=120)
    monday = week_start(datetime.now(LOCAL).date())
    at = datetime.combine(monday, datetime.min.time(), tzinfo=LOCAL) + timedelta(hours=6)
    slot = service.schedule(db, item, people["editor"], channels["loa"], at)
    slot.status, slot.missed_reason = "missed", service.MISSED_LATE
    db.commit()
    row = service.balance(db, monday, channels["loa"])[0]
    assert row.total == 0 and row.seconds_total == 0
    ics = Calendar.from_ical(login("viewer").get(f"/calendar/{channels['loa'].slug}.ics").content)
    [event] = ics.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED" and f"Bỏ lỡ · {service.MISSED_LATE}" in str(event["DESCRIPTION"])

"""Balance of a fixture week (exact shares) and the iCalendar export parsed back."""

from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar

from loa.content import service
from loa.errors import UserError
from loa.formats import LOCAL

MONDAY = date(2021, 11, 15)


def at(day: int, hour: int) -> datetime:
    return datetime(2021, 11, 15 + day, hour, 0, tzinfo=LOCAL)


@pytest.fixture
def week(db, people):
    """Radio: 4 slots in the week — 3 epidemic (10 + 5 + 5 min), 1 other (20 min); tones 1 hopeful, 2 alarming,
    1 neutral. One more slot the week after and one cancelled slot inside the week do not count.
    Newspaper: 2 epidemic hopeful articles."""
    radio = service.create_channel(
        db, "Đài PT-TH Trà Vinh", "radio_tv", epidemic_min_pct=30, epidemic_max_pct=60, hopeful_min_pct=50
    )
    paper = service.create_channel(db, "Báo Trà Vinh", "newspaper")
    editor, reviewer = people["editor"], people["reviewer"]

    def approved(title, *, epidemic=True, tone="neutral", minutes=None):
        item = service.create_item(
            db,
            kind="script",
            title=title,
            body="…",
            author=editor,
            epidemic_related=epidemic,
            tone=tone,
            duration_seconds=minutes * 60 if minutes else None,
        )
        service.submit(db, item, editor)
        service.approve(db, item, reviewer)
        return item

    slots = [
        (approved("Ca mắc mới tăng", tone="alarming", minutes=10), radio, at(0, 6)),
        (approved("Bệnh viện dã chiến quá tải", tone="alarming", minutes=5), radio, at(2, 17)),
        (approved("Xã Long Hòa tiêm đủ mũi 2", tone="hopeful", minutes=5), radio, at(4, 6)),
        (approved("Giá lúa vụ thu đông", epidemic=False, minutes=20), radio, at(6, 23)),
        (approved("Tuần sau: không tính", minutes=30), radio, at(7, 6)),
    ]
    for item, channel, when in slots:
        service.schedule(db, item, editor, channel, when)
    cancelled = approved("Bị hủy", tone="alarming", minutes=60)
    service.cancel_schedule(db, service.schedule(db, cancelled, editor, radio, at(1, 6)), editor)
    for title in ("Người khỏi bệnh trở về", "Tình nguyện viên nấu cơm"):
        item = approved(title, tone="hopeful")
        service.publish(db, item, editor, slot=service.schedule(db, item, editor, paper, at(3, 8)), now=at(3, 9))
    db.commit()
    return radio, paper


def test_balance_of_a_fixture_week(db, week):
    radio, paper = week
    rows = {r.channel.name: r for r in service.balance(db, MONDAY + timedelta(days=3))}
    r = rows["Đài PT-TH Trà Vinh"]
    assert r.week_start == MONDAY
    assert (r.total, r.epidemic) == (4, 3) and r.epidemic_pct == 75.0
    assert (r.seconds_total, r.seconds_epidemic) == (40 * 60, 20 * 60) and r.minutes_pct == 50.0
    assert (r.hopeful, r.neutral, r.alarming) == (1, 1, 2) and r.hopeful_pct == pytest.approx(100 / 3)
    assert [vi for vi, _en in r.warnings] == [
        "Đài PT-TH Trà Vinh, tuần từ 15/11/2021: nội dung về dịch chiếm 75,0% (3/4 bài), vượt mức tối đa 60,0%.",
        "Đài PT-TH Trà Vinh, tuần từ 15/11/2021: bài tích cực chỉ chiếm 33,3% (1 tích cực, 2 cảnh báo), "
        "dưới mức 50,0%.",
    ]
    assert r.warnings[0][1] == (
        "Đài PT-TH Trà Vinh, week of 15/11/2021: epidemic content is 75.0% (3/4 items), above the 60.0% maximum."
    )
    p = rows["Báo Trà Vinh"]
    assert (p.total, p.epidemic, p.epidemic_pct, p.minutes_pct, p.hopeful_pct) == (2, 2, 100.0, None, 100.0)
    assert len(p.warnings) == 1 and "100,0%" in p.warnings[0][0]
    service.set_targets(radio, 20, 80, 30)
    r = service.balance(db, MONDAY, radio)[0]
    assert r.warnings == []
    with pytest.raises(UserError):
        service.set_targets(radio, 70, 20, 30)


def test_balance_page_api_and_dashboard(login, db, week):
    c = login("coordinator")
    page = c.get("/content/balance?week=2021-11-17").text
    assert "75,0%" in page and "vượt mức tối đa 60,0%" in page
    data = c.get("/api/v1/content/balance?week=2021-11-15").json()
    radio = next(d for d in data if d["channel"] == "Đài PT-TH Trà Vinh")
    assert radio["epidemic_pct"] == 75.0 and radio["minutes_pct"] == 50.0 and radio["minutes_total"] == 40.0
    r = c.post(
        f"/content/channels/{week[0].id}/targets",
        data={"epidemic_min_pct": "20", "epidemic_max_pct": "80", "hopeful_min_pct": "30"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "vượt mức tối đa" not in c.get("/content/balance?week=2021-11-17").text.split("Đài PT-TH")[1][:200]


def test_icalendar_export_parses_back(login, db, week):
    radio, _paper = week
    cal = Calendar.from_ical(service.calendar_ics(db, radio))
    events = sorted(cal.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert [str(e["summary"]) for e in events] == [
        "Ca mắc mới tăng",
        "Bệnh viện dã chiến quá tải",
        "Xã Long Hòa tiêm đủ mũi 2",
        "Giá lúa vụ thu đông",
        "Tuần sau: không tính",
    ]
    first = events[0]
    assert first.decoded("dtstart") == at(0, 6) and first.decoded("dtend") - first.decoded("dtstart") == timedelta(
        minutes=15
    )
    assert str(first["status"]) == "TENTATIVE" and str(events[3]["uid"]).startswith("content-schedule-")
    r = login("viewer").get(f"/calendar/{radio.slug}.ics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    assert len(Calendar.from_ical(r.content).walk("VEVENT")) == 5
    assert login("viewer").get("/calendar/khong-co.ics").status_code == 404


def test_calendar_views_show_planned_and_published(login, db, week):
    c = login("viewer")
    wk = c.get("/calendar?day=2021-11-17").text
    assert wk.count('data-testid="cal-entry"') == 6 and "Dự kiến: 4" in wk and "Đã đăng: 2" in wk
    radio_only = c.get(f"/calendar?day=2021-11-17&channel={week[0].id}").text
    assert radio_only.count('data-testid="cal-entry"') == 4
    month = c.get("/calendar?view=month&day=2021-11-01").text
    assert month.count('data-testid="cal-entry"') == 7 and "Tháng 11/2021" in month

"""Calendars people can subscribe to: a secret, revocable address per channel or for all channels, read without
the session cookie, with absolute links in the events."""

from datetime import UTC, datetime

from icalendar import Calendar

from loa.content import service
from tests.conftest import audit_count


def approved_with_slots(db, people):
    paper = service.create_channel(db, "Báo Trà Vinh", "newspaper")
    speakers = service.create_channel(db, "Loa truyền thanh xã", "loudspeaker")
    item = service.create_item(db, kind="article", title="Tiêm mũi nhắc lại", body="Nội dung.", author=people["editor"])
    service.submit(db, item, people["editor"])
    service.approve(db, item, people["reviewer"])
    service.schedule(db, item, people["editor"], paper, datetime(2021, 11, 15, 23, 0, tzinfo=UTC))
    service.schedule(db, item, people["editor"], speakers, datetime(2021, 11, 16, 9, 30, tzinfo=UTC))
    db.commit()
    return item, paper, speakers


def events(body: bytes) -> list:
    return [c for c in Calendar.from_ical(body).walk() if c.name == "VEVENT"]


def test_subscribe_read_without_login_then_revoke(client, login, db, people, settings):
    item, paper, _speakers = approved_with_slots(db, people)
    editor = login("editor")
    page = editor.post("/calendar/feeds", data={"channel_id": str(paper.id)})
    assert page.status_code == 200
    url = page.text.split('data-testid="new-feed"')[1].split("<code>")[1].split("</code>")[0]
    assert url.startswith("http://testserver/lich/") and url.endswith(".ics")
    path = url.removeprefix("http://testserver")
    one = client.get(path)  # no session cookie: a calendar program
    assert one.status_code == 200 and one.headers["content-type"].startswith("text/calendar")
    [event] = events(one.content)
    assert str(event["summary"]) == "Tiêm mũi nhắc lại"
    assert f"http://testserver/content/{item.id}" in str(event["description"])
    every = editor.post("/calendar/feeds", data={"channel_id": ""}).text
    all_path = every.split("<code>http://testserver")[1].split("</code>")[0]
    assert len(events(client.get(all_path).content)) == 2
    assert "Tất cả các kênh" in editor.get("/calendar/feeds").text
    feed_id = editor.get("/calendar/feeds").text.split('data-testid="revoke-')[-1].split('"')[0]
    assert editor.post(f"/calendar/feeds/{feed_id}/revoke", follow_redirects=False).status_code == 303
    assert client.get(path).status_code == 404  # the first one, revoked
    assert client.get(all_path).status_code == 200
    assert client.get("/lich/khong-co-that.ics").status_code == 404
    viewer = login("viewer")
    before = audit_count(settings)
    assert viewer.post("/calendar/feeds", data={"channel_id": ""}).status_code == 403
    assert viewer.post(f"/calendar/feeds/{feed_id}/revoke").status_code == 403
    assert editor.post("/calendar/feeds", data={"channel_id": "99999"}).status_code == 404
    assert editor.post("/calendar/feeds", data={"channel_id": "abc"}).status_code in (400, 422)
    assert audit_count(settings) == before
    assert url.split("/lich/")[1].removesuffix(".ics") not in str(service.list_feeds(db)[0].__dict__)

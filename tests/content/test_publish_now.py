"""Đăng ngay asks which channels and publishes exactly those, now; the item's planned slots keep their times."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from loa import clock
from loa.content import service
from loa.content.models import ContentItem, Schedule
from loa.errors import UserError
from tests.conftest import audit_count

MORNING = datetime(2021, 11, 15, 23, 36, tzinfo=UTC)  # 06:36 in Trà Vinh
AFTERNOON = datetime(2021, 11, 16, 9, 30, tzinfo=UTC)  # 16:30


def approved_item(db, people):
    """An approved item for the portal and the loudspeakers, with a loudspeaker slot at 16:30."""
    portal = service.create_channel(db, "Cổng thông tin tỉnh", "portal")
    speakers = service.create_channel(db, "Loa truyền thanh xã", "loudspeaker")
    paper = service.create_channel(db, "Báo Trà Vinh", "newspaper")
    item = service.create_item(
        db,
        kind="article",
        title="Lịch tiêm mũi nhắc lại",
        body="Nội dung.",
        author=people["editor"],
        channels=[portal, speakers],
    )
    service.submit(db, item, people["editor"])
    service.approve(db, item, people["reviewer"])
    service.schedule(db, item, people["editor"], speakers, AFTERNOON)
    db.commit()
    return item, portal, speakers, paper


def slots(item):
    return sorted((s.channel.name, s.status, s.planned_at) for s in item.schedules)


def test_publish_now_on_the_chosen_channels_only(db, people):
    item, portal, speakers, paper = approved_item(db, people)
    with clock.frozen(MORNING):
        service.publish(db, item, people["editor"], channels=[portal.id, paper.slug])
    assert item.state == "published" and item.published_at == MORNING
    assert slots(item) == [
        ("Báo Trà Vinh", "published", MORNING),
        ("Cổng thông tin tỉnh", "published", MORNING),
        ("Loa truyền thanh xã", "planned", AFTERNOON),  # still airs at 16:30
    ]
    assert service.published_items(db, portal) == [item]
    due = service.publish_due(db, now=AFTERNOON)
    assert [s.channel for s in due.published] == [speakers]


def test_no_channel_or_an_unknown_one_publishes_nothing(db, people):
    item, portal, _speakers, _paper = approved_item(db, people)
    before = slots(item)
    for bad, status in (([], 422), ([portal.id, 99999], 404)):
        with pytest.raises(UserError) as exc:
            service.publish(db, item, people["editor"], channels=bad)
        assert exc.value.status == status
        db.rollback()
        assert slots(db.get(ContentItem, item.id)) == before and db.get(ContentItem, item.id).state == "scheduled"


def test_the_form_asks_which_channels(login, db, people, settings):
    item, portal, speakers, paper = approved_item(db, people)
    editor = login("editor")
    page = editor.get(f"/content/{item.id}").text
    form = page.split('data-testid="publish-now"')[1].split("</form>")[0]
    ticked = set(re.findall(r'name="channels" value="(\d+)"[^>]* checked', form))
    assert ticked == {str(portal.id), str(speakers.id)} and f'value="{paper.id}"' in form
    before = audit_count(settings)
    r = editor.post(f"/content/{item.id}/publish", data={})
    assert r.status_code == 422 and "Hãy chọn ít nhất một kênh" in r.text and audit_count(settings) == before
    r = editor.post(f"/content/{item.id}/publish", data={"channels": [str(portal.id)]}, follow_redirects=False)
    assert r.status_code == 303
    db.expire_all()
    published = db.scalars(select(Schedule).where(Schedule.item_id == item.id, Schedule.status == "published"))
    assert [s.channel_id for s in published] == [portal.id]
    assert "Lịch tiêm mũi nhắc lại" in editor.get("/tin-tuc").text


def test_api_publishes_on_the_given_channels_or_the_items_own(login, db, people):
    item, portal, speakers, paper = approved_item(db, people)
    editor = login("editor")
    r = editor.post(f"/api/v1/content/items/{item.id}/publish", json={"channels": [paper.slug]})
    assert r.status_code == 200
    db.expire_all()
    assert {s.channel.name for s in db.get(ContentItem, item.id).schedules if s.status == "published"} == {
        "Báo Trà Vinh"
    }
    assert editor.post(f"/api/v1/content/items/{item.id}/publish").status_code == 200
    db.expire_all()
    assert {s.channel.name for s in db.get(ContentItem, item.id).schedules if s.status == "published"} == {
        "Báo Trà Vinh",
        "Cổng thông tin tỉnh",
        "Loa truyền thanh xã",
    }

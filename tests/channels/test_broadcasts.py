"""Broadcast levels and targets, the commune register, emergencies in the playlists, airtime, and devices."""

import json
from datetime import date, timedelta

import pytest

from loa.channels import devices, service
from loa.channels.models import DeviceBeat, Play
from loa.clock import today_local
from loa.errors import UserError
from tests.channels.conftest import local_at
from tests.conftest import audit_count, count

DAY = date(2021, 9, 20)


@pytest.fixture
def register(db, people):
    service.seed_register(db, people["coordinator"], "Trà Vinh")
    for c in service.list_communes(db):
        service.add_slot(db, people["coordinator"], c, "6:00", 5)
    db.commit()
    return {c.name: c for c in service.list_communes(db)}


def test_register_holds_trà_vinh_communes_and_seeding_twice_adds_nothing(db, people, register):
    assert len(service.list_communes(db)) == 106
    assert register["Kim Hòa"].district == "Cầu Ngang" and register["Kim Hòa"].district_code == "848"
    assert service.seed_register(db, people["coordinator"], "Trà Vinh") == []
    with pytest.raises(UserError) as e:
        service.seed_register(db, people["editor"], "Trà Vinh")
    assert e.value.status == 403


def test_an_item_on_one_communes_own_channel_plays_only_there(db, people, channels, publish):
    coordinator = people["coordinator"]
    own = service.create_commune(db, coordinator, "Long Hòa", "Châu Thành")
    other = service.create_commune(db, coordinator, "Kim Hòa", "Cầu Ngang")
    for c in (own, other):
        service.add_slot(db, coordinator, c, "17:00", 30)
    from loa.content import service as content

    channel = content.create_channel(db, "Loa truyền thanh xã Long Hòa", "loudspeaker", slug="loa-long-hoa")
    service.set_commune_channel(db, coordinator, own, channel)
    channels["long_hoa"] = channel
    item = publish("Thông báo khẩn: phong tỏa ấp Chợ", "Bà con ấp Chợ ở nhà.", channel="long_hoa", at=local_at(DAY, 6))
    general = publish("Nhắc 5K", "Đeo khẩu trang.", channel="loudspeaker", at=local_at(DAY, 6))
    assert [e.item.id for e in service.daily_playlist(db, own, DAY)] == [item.id, general.id]
    assert [e.item.id for e in service.daily_playlist(db, other, DAY)] == [general.id]


def test_priority_first_and_targets_by_district(db, people, register, publish):
    normal = publish("Tin thường", "Nội dung thường.", channel="loudspeaker", at=local_at(DAY, 5, 0))
    priority = publish("Tin ưu tiên", "Nội dung ưu tiên.", channel="loudspeaker", at=local_at(DAY, 5, 30))
    service.set_broadcast(db, people["editor"], priority, "priority", "districts", ["Trà Cú"])
    db.commit()
    assert [e.item.id for e in service.daily_playlist(db, register["Đại An"], DAY)] == [priority.id, normal.id]
    assert [e.item.id for e in service.daily_playlist(db, register["Kim Hòa"], DAY)] == [normal.id]
    with pytest.raises(UserError):  # an emergency needs an approved notice
        service.set_broadcast(db, people["editor"], normal, "emergency")
    with pytest.raises(UserError):
        service.set_broadcast(db, people["editor"], normal, "priority", "districts", ["Không có"])
    with pytest.raises(UserError):
        service.set_broadcast(db, people["editor"], normal, "priority", "communes", ["999999"])


def test_an_emergency_to_two_districts_reaches_exactly_their_communes_first_and_repeats(db, register, publish):
    routine = publish("Tin thường lệ", "Nội dung.", channel="loudspeaker", at=local_at(DAY, 5, 0))
    urgent = publish("Thông báo khẩn", "Phong tỏa ấp Chợ.", channel="portal")
    start = local_at(DAY, 5, 50)
    service.place_emergency(
        db,
        urgent,
        "districts",
        ["Cầu Ngang", "Trà Cú"],
        expires_at=start + timedelta(hours=2),
        repeat_minutes=30,
        now=start,
    )
    db.commit()
    planner = service.Planner(db, DAY)
    reached = {
        c.name for c in service.list_communes(db) if any(e.item.id == urgent.id for e in planner.playlist(db, c))
    }
    expected = {c.name for c in register.values() if c.district in ("Cầu Ngang", "Trà Cú")}
    assert reached == expected and len(expected) == 32
    entries = planner.playlist(db, register["Kim Hòa"])
    assert [(e.label, e.item.id, e.level) for e in entries if e.slot is not None][:2] == [
        ("06:00", urgent.id, "emergency"),
        ("06:00", routine.id, "normal"),
    ]
    repeats = [e.at.astimezone(start.tzinfo).strftime("%H:%M") for e in entries if e.slot is None]
    assert repeats == ["05:50", "06:20", "06:50", "07:20"]  # at once, then every 30 minutes until 07:50
    assert [e.item.id for e in planner.playlist(db, register["Long Đức"])] == [routine.id]


def test_expiry_and_ending_remove_the_emergency(db, register, publish):
    urgent = publish("Thông báo khẩn", "Phong tỏa.", channel="portal")
    start = local_at(DAY, 4, 0)
    service.place_emergency(db, urgent, "province", expires_at=start + timedelta(minutes=90), now=start)
    db.commit()
    assert any(e.item.id == urgent.id for e in service.daily_playlist(db, register["Kim Hòa"], DAY))
    assert not any(e.slot is not None for e in service.daily_playlist(db, register["Kim Hòa"], DAY))  # 6:00 > 5:30
    assert len(service.live_emergencies(db, start + timedelta(minutes=89))) == 1
    assert service.live_emergencies(db, start + timedelta(minutes=91)) == []
    later = local_at(DAY, 5, 0)
    service.place_emergency(db, urgent, "province", expires_at=later + timedelta(hours=3), now=later)
    service.end_emergency(db, urgent, now=later + timedelta(minutes=5))
    db.commit()
    times = [e.at for e in service.daily_playlist(db, register["Kim Hòa"], DAY) if e.item.id == urgent.id]
    assert times == []  # an ended emergency leaves the playlist


def test_airtime_overflow_is_warned_and_durations_come_from_the_audio(db, settings, people, register, publish):
    from tests.channels.test_loudspeakers import wav_bytes

    commune = register["Kim Hòa"]  # a 5-minute slot
    items = [publish(f"Bài dài {n}", "Nội dung.", channel="loudspeaker", at=local_at(DAY, 5, n)) for n in range(3)]
    for item in items:
        service.add_recording(db, settings, item, people["editor"], "doc.wav", wav_bytes(130.0, rate=8000))
    db.commit()
    entries = service.daily_playlist(db, commune, DAY, settings)
    assert [round(e.seconds) for e in entries] == [130, 130, 130] and all(e.measured for e in entries)
    assert [e.fits for e in entries] == [True, True, False]
    assert [e.item.id for e in service.overflow(entries)["06:00"]] == [items[2].id]
    m3u = service.playlist_m3u(commune, DAY, entries, "http://loa.example")
    assert m3u.count("#EXTINF:130,") == 2 and "quá thời lượng" in m3u


def test_the_commune_page_warns_of_overflow(db, settings, people, register, publish, login):
    from tests.channels.test_loudspeakers import wav_bytes

    for n in range(3):
        item = publish(f"Bài dài {n}", "Nội dung.", channel="loudspeaker", at=local_at(today_local(), 0, n))
        service.add_recording(db, settings, item, people["editor"], "doc.wav", wav_bytes(130.0, rate=8000))
    db.commit()
    page = login("viewer").get(f"/loudspeakers/communes/{register['Kim Hòa'].id}").text
    assert 'data-testid="overflow"' in page and "Bài dài 2" in page.split('data-testid="overflow"')[1][:400]


# ---- devices -------------------------------------------------------------------------------------------------


@pytest.fixture
def device(db, people):
    commune = service.create_commune(db, people["coordinator"], "Kim Hòa", "Cầu Ngang")
    service.add_slot(db, people["coordinator"], commune, "6:00", 30)
    found, key = devices.create_device(db, people["coordinator"], commune, "Cụm loa ấp Chợ", poll_seconds=10)
    db.commit()
    return found, key


def test_a_wrong_key_gets_401_and_learns_nothing(client, db, settings, people, device):
    found, key = device
    url = f"/api/v1/loudspeakers/devices/{found.id}/playlist"
    before = audit_count(settings)
    answers = [
        client.get(url, headers={"Authorization": "Bearer loa-dev-wrong"}),
        client.get(url),
        client.get("/api/v1/loudspeakers/devices/999999/playlist", headers={"Authorization": f"Bearer {key}"}),
        client.get("/api/v1/loudspeakers/devices/abc/playlist", headers={"Authorization": "Bearer x"}),
        client.post(
            f"/api/v1/loudspeakers/devices/{found.id}/plays", content=b"not json", headers={"Authorization": "Bearer x"}
        ),
    ]
    assert {r.status_code for r in answers} == {401}
    assert len({r.text for r in answers}) == 1 and "Kim" not in answers[0].text
    assert audit_count(settings) == before and db.get(DeviceBeat, found.id) is None
    assert found.key_hash != key and key not in json.dumps(found.key_hash)
    ok = client.get(url, headers={"Authorization": f"Bearer {key}"})
    assert ok.status_code == 200 and ok.json()["commune"]["name"] == "Kim Hòa"
    again = client.get(url, headers={"Authorization": f"Bearer {key}", "If-None-Match": ok.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    service.add_slot(db, people["coordinator"], found.commune, "17:00", 30)  # the playlist changes: a new ETag
    db.commit()
    changed = client.get(url, headers={"Authorization": f"Bearer {key}", "If-None-Match": ok.headers["etag"]})
    assert changed.status_code == 200 and changed.headers["etag"] != ok.headers["etag"]
    assert [s["start"] for s in changed.json()["slots"]] == ["06:00", "17:00"]


def test_a_replayed_report_counts_once_and_bad_reports_store_nothing(client, db, device, publish):
    found, key = device
    item = publish("Nhắc 5K", "Đeo khẩu trang.", channel="loudspeaker")
    url, auth = f"/api/v1/loudspeakers/devices/{found.id}/plays", {"Authorization": f"Bearer {key}"}
    report = [
        {
            "item_id": item.id,
            "started_at": "2021-09-20T06:00:00+07:00",
            "ended_at": "2021-09-20T06:01:10+07:00",
            "outcome": "complete",
        }
    ]
    assert client.post(url, json=report, headers=auth).json() == {"accepted": 1, "duplicates": 0}
    assert client.post(url, json=report + report, headers=auth).json() == {"accepted": 0, "duplicates": 2}
    for bad in (
        [{**report[0], "outcome": "maybe"}],
        [{**report[0], "started_at": "hôm qua"}],
        [{**report[0], "item_id": 999999}],
        {"item_id": 1},
        [],
    ):
        r = client.post(url, json=bad, headers=auth)
        assert r.status_code == 422, bad
    assert count(db, Play) == 1
    totals = devices.play_totals(db, local_at(DAY, 0), local_at(DAY + timedelta(days=1), 0))
    assert [(t["item"].id, t["plays"], t["seconds"]) for t in totals] == [(item.id, 1, 70.0)]


def test_the_devices_page_shows_offline_and_silent_communes(db, people, device, login, client):
    found, key = device
    service.create_commune(db, people["coordinator"], "Long Sơn", "Cầu Ngang")
    db.commit()
    page = login("viewer").get("/loudspeakers/devices").text
    assert 'data-testid="count-offline">Mất kết nối: 1' in page and 'count-none">Chưa có thiết bị: 1' in page
    client.post(
        f"/api/v1/loudspeakers/devices/{found.id}/heartbeat",
        json={"state": "idle"},
        headers={"Authorization": f"Bearer {key}"},
    )
    page = login("viewer").get("/loudspeakers/devices").text
    assert 'count-silent">Im lặng (không phát trong 24 giờ): 1' in page


def test_the_item_page_sets_level_and_targets(db, people, register, publish, login):
    item = publish("Tin ưu tiên", "Nội dung.", channel="loudspeaker", at=local_at(DAY, 5))
    editor = login("editor")
    form = {"level": "priority", "scope": "communes", "communes": [str(register["Kim Hòa"].id)]}
    assert editor.post(f"/channels/items/{item.id}/broadcast", data=form, follow_redirects=False).status_code == 303
    db.expire_all()
    b = service.broadcast_of(db, item)
    assert (b.level, b.scope, b.commune_ids) == ("priority", "communes", [register["Kim Hòa"].id])
    assert 'data-testid="broadcast">Ưu tiên · Các xã đã chọn: Kim Hòa' in editor.get(f"/channels/items/{item.id}").text
    bad = editor.post(f"/channels/items/{item.id}/broadcast", data={"level": "emergency"}, follow_redirects=False)
    assert bad.status_code == 400 and service.broadcast_of(db, item).level == "priority"
    assert login("viewer").post(f"/channels/items/{item.id}/broadcast", data=form).status_code == 403

"""Loudspeaker pages, playlist download, audio, uploads and the JSON API through the web app; permissions."""

import io
import shutil
import wave
import zipfile
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from loa.channels import service
from loa.formats import LOCAL
from tests.channels.conftest import local_at, publish_item
from tests.channels.test_loudspeakers import wav_bytes
from tests.conftest import ROLES, assert_permission, audit_count, state

needs_espeak = pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")


@state(base="channels")  # every test here that has the commune publishes too
def commune(db, people):
    c = service.create_commune(db, people["coordinator"], "Mỹ Long Nam", "Cầu Ngang", ["vi", "km"])
    service.add_slot(db, people["coordinator"], c, "6:00")
    service.add_slot(db, people["coordinator"], c, "17:00")
    db.commit()
    return c


def test_loudspeaker_pages(login, commune, publish):
    today = datetime.now(LOCAL).date()
    item = publish(
        "Thông báo tiêm chủng", "Sáng mai 7h00 tiêm tại trạm y tế xã.", channel="loudspeaker", at=local_at(today, 5)
    )
    c = login("viewer")
    home = c.get("/loudspeakers")
    assert home.status_code == 200
    assert "Mỹ Long Nam" in home.text and "Giọng miền Nam" in home.text
    assert "Không có giọng đọc tiếng Khmer ngoại tuyến" in home.text
    assert 'action="/loudspeakers/communes"' not in home.text  # a viewer gets no form
    tried = c.get("/loudspeakers", params={"text": "Gọi 115 khi SpO2 dưới 94%"})
    assert "gọi một một năm khi xờ pê ô hai dưới chín mươi tư phần trăm" in tried.text.lower()
    page = c.get(f"/loudspeakers/communes/{commune.id}")
    assert page.status_code == 200 and "Thông báo tiêm chủng" in page.text
    m3u = c.get(f"/loudspeakers/communes/{commune.id}/playlist.m3u", params={"date": today.isoformat()})
    assert m3u.status_code == 200 and m3u.headers["content-type"].startswith("audio/x-mpegurl")
    assert "attachment" in m3u.headers["content-disposition"]
    urls = [x for x in m3u.text.splitlines() if x and not x.startswith("#")]
    assert urls == [f"http://testserver/loudspeakers/audio/{item.id}.mp3"] * 2
    assert c.get(f"/loudspeakers/communes/{commune.id}", params={"date": "hôm qua"}).status_code == 422


def follow(c, response):
    """The job a web form started (303 to its page) or an API call queued (202), as the jobs API shows it."""
    if response.status_code == 303:
        assert response.headers["location"].startswith("/jobs/"), response.headers["location"]
        return c.get("/api/v1" + response.headers["location"]).json()
    assert response.status_code == 202, response.text
    return c.get(response.json()["job"]["url"]).json()


@needs_espeak
def test_audio_is_open_to_the_players_for_approved_items(client, db, people, publish):
    item = publish("Bản tin loa", "Bà con đeo khẩu trang khi ra khỏi nhà.")
    first = client.get(f"/loudspeakers/audio/{item.id}.wav")
    assert first.status_code == 503 and first.headers["retry-after"] == "30"  # the speech is made by a job
    r = client.get(f"/loudspeakers/audio/{item.id}.wav")  # the job ran (tests run jobs at once)
    assert r.status_code == 200 and r.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(r.content)) as w:
        assert 1.5 < w.getnframes() / w.getframerate() < 10
    assert client.get(f"/loudspeakers/audio/{item.id}.mp3").status_code == 503
    assert service.audio_kind(client.get(f"/loudspeakers/audio/{item.id}.mp3").content) == "mp3"
    from loa.content import service as content

    draft = content.create_item(db, kind="script", title="Nháp", body="Chưa duyệt.", author=people["editor"])
    db.commit()
    assert client.get(f"/loudspeakers/audio/{draft.id}.mp3").status_code == 404
    assert client.get("/loudspeakers/speak.wav", params={"text": "Xin chào"}, follow_redirects=False).status_code == 303


def test_a_player_asking_again_does_not_queue_the_same_speech_twice(client, db, publish):
    from loa.jobs.models import Job

    item = publish("Bản tin loa", "Bà con đeo khẩu trang.")
    running = Job(kind="channels.item_audio", params={"item_id": item.id, "formats": ["mp3"]}, status="running")
    db.add(running)
    db.commit()
    assert client.get(f"/loudspeakers/audio/{item.id}.mp3").status_code == 503
    assert client.get(f"/loudspeakers/audio/{item.id}.mp3").status_code == 503
    assert db.scalars(select(Job.id).where(Job.kind == "channels.item_audio")).all() == [running.id]


@needs_espeak
def test_try_the_voice(login):
    c = login("viewer")
    text = "Bà con thực hiện 5K"
    assert c.get("/loudspeakers/speak.ogg", params={"text": text}).status_code == 404  # not read aloud yet
    page = c.get("/loudspeakers", params={"text": text}).text
    assert 'action="/loudspeakers/speak"' in page and 'data-testid="spoken-audio"' not in page
    job = follow(
        c,
        c.post("/loudspeakers/speak", data={"csrf_token": c.csrf, "text": text, "fmt": "ogg"}, follow_redirects=False),
    )
    assert (
        job["status"] == "done"
        and job["result"]["url"] == "/loudspeakers?text=B%C3%A0+con+th%E1%BB%B1c+hi%E1%BB%87n+5K"
    )
    assert c.get(job["file_url"]).content[:4] == b"OggS"
    r = c.get("/loudspeakers/speak.ogg", params={"text": text})
    assert r.status_code == 200 and r.content[:4] == b"OggS"
    assert c.get("/loudspeakers/speak.flac", params={"text": "x"}).status_code == 404
    assert c.post("/loudspeakers/speak", data={"csrf_token": c.csrf, "text": "x", "fmt": "flac"}).status_code == 400
    assert c.post("/loudspeakers/speak", data={"csrf_token": c.csrf, "text": " "}).status_code == 400


def test_outputs_page_and_recording_upload(login, db, publish, settings):
    vi = publish("Lịch tiêm vắc xin", "Trạm y tế xã tiêm từ 7h00.")
    km = publish("Lịch tiêm (Khmer)", "Khmer", master=vi, language="km")
    c = login("editor")
    page = c.get(f"/channels/items/{vi.id}")
    assert page.status_code == 200
    for text in (
        "Facebook",
        "X (Twitter)",
        "Zalo",
        f'action="/channels/items/{vi.id}/print"',
        "Không có giọng đọc tiếng Khmer ngoại tuyến",
        "Chưa có bản ghi âm",
        "Trạm y tế xã tiêm từ bảy giờ",
    ):
        assert text in page.text, text
    job = follow(
        c,
        c.post(
            f"/channels/items/{km.id}/recording",
            data={"csrf_token": c.csrf},
            files={"file": ("khmer.wav", wav_bytes(1.5), "audio/wav")},
            follow_redirects=False,
        ),
    )
    assert job["status"] == "done" and job["result"]["url"] == f"/channels/items/{vi.id}#audio"
    page = c.get(f"/channels/items/{vi.id}")
    assert "khmer.wav" in page.text
    before = audit_count(settings)
    r = c.post(
        f"/channels/items/{km.id}/recording",
        data={"csrf_token": c.csrf},
        files={"file": ("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "audio/wav")},
    )
    assert r.status_code == 415 and "WAV, MP3 hoặc OGG" in r.text  # refused at once, no job
    assert audit_count(settings) == before
    broken = wav_bytes(1.0)[:12] + b"\x00" * 200  # a WAV header and nothing that decodes
    job = follow(
        c,
        c.post(
            f"/channels/items/{km.id}/recording",
            data={"csrf_token": c.csrf},
            files={"file": ("hong.wav", broken, "audio/wav")},
            follow_redirects=False,
        ),
    )
    assert job["status"] == "failed" and job["message"] == "Tệp âm thanh bị hỏng hoặc không đọc được."
    assert audit_count(settings) == before and "hong.wav" not in c.get(f"/channels/items/{vi.id}").text
    assert "Tệp âm thanh bị hỏng hoặc không đọc được." in c.get(job["url"]).text


@needs_espeak
def test_an_items_speech_is_made_by_a_job(login, publish, settings):
    item = publish("Lịch tiêm vắc xin", "Trạm y tế xã tiêm từ 7h00.")
    c = login("editor")
    page = c.get(f"/channels/items/{item.id}").text
    assert 'data-testid="make-speech"' in page and f'src="/loudspeakers/audio/{item.id}.mp3"' not in page
    job = follow(c, c.post(f"/channels/items/{item.id}/speech", data={"csrf_token": c.csrf}, follow_redirects=False))
    assert job["status"] == "done" and job["counts"] == {"files": 3, "total": 3}
    page = c.get(f"/channels/items/{item.id}").text
    assert 'data-testid="make-speech"' not in page and f'src="/loudspeakers/audio/{item.id}.mp3"' in page
    for fmt in ("wav", "mp3", "ogg"):
        assert service.audio_kind(c.get(f"/loudspeakers/audio/{item.id}.{fmt}").content) == fmt


def test_api(login, commune, publish):
    c = login("coordinator")
    r = c.post(
        "/api/v1/loudspeakers/communes", json={"name": "Kim Sơn", "district": "Trà Cú", "languages": ["vi", "km"]}
    )
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    r = c.post(f"/api/v1/loudspeakers/communes/{cid}/slots", json={"start": "17h30", "minutes": 20})
    assert r.status_code == 201 and r.json()["slots"][0]["start"] == "17:30"
    assert c.post(f"/api/v1/loudspeakers/communes/{cid}/slots", json={"start": "31:00"}).status_code == 400
    # "5²" passes str.isdigit() but not int(): a digit-looking number is refused with a message, never a 500
    form = c.post(f"/loudspeakers/communes/{cid}/slots", data={"start": "18:00", "minutes": "5²"})
    assert form.status_code == 400 and "số phút" in form.text
    assert {x["name"] for x in c.get("/api/v1/loudspeakers/communes").json()} == {"Mỹ Long Nam", "Kim Sơn"}
    day = date(2021, 9, 20)
    item = publish("Loa sáng", "Nội dung.", channel="loudspeaker", at=local_at(day, 5))
    playlist = c.get(f"/api/v1/loudspeakers/communes/{commune.id}/playlist", params={"date": "2021-09-20"}).json()
    assert [(e["slot"], e["item_id"], e["source"]) for e in playlist["entries"]] == [
        ("06:00", item.id, "speech"),
        ("17:00", item.id, "speech"),
    ]
    assert c.post("/api/v1/speech/normalize", json={"text": "BHYT 80%"}).json() == {
        "spoken": "bảo hiểm y tế tám mươi phần trăm",
        "voice": "vi-vn-x-south",
    }
    social = c.get(f"/api/v1/channels/items/{item.id}/social").json()
    assert {s["platform"] for s in social} == {"facebook", "zalo", "x", "instagram"}
    slot_id = c.get("/api/v1/loudspeakers/communes").json()[0]["slots"][0]["id"]
    assert c.delete(f"/api/v1/loudspeakers/slots/{slot_id}").status_code == 204


def test_portal_api(client, publish):
    item = publish("Tin công khai", "Nội dung.")
    assert [x["url"] for x in client.get("/api/v1/portal/items").json()] == [
        "http://testserver" + service.article_path(item)
    ]


@state(base="commune")
def targets(db, people, channels, commune):
    item = publish_item(db, people, channels, "Bài có ghi âm", "Nội dung.")
    slot = commune.slots[0]
    return {"item": item.id, "commune": commune.id, "slot": slot.id}


ENDPOINTS = [
    # (method, path template, kind, payload, roles allowed)
    ("POST", "/loudspeakers/communes", "form", lambda r, t: {"name": f"Xã {r}", "district": "Trà Cú"}, {"coordinator"}),
    (
        "POST",
        "/loudspeakers/communes/{commune}/slots",
        "form",
        lambda r, t: {"start": f"{ROLES.index(r) + 8}:15"},
        {"coordinator"},
    ),
    ("POST", "/loudspeakers/slots/{slot}/delete", "form", lambda r, t: {}, {"coordinator"}),
    ("POST", "/channels/items/{item}/recording", "file", lambda r, t: {}, {"editor", "coordinator"}),
    ("POST", "/api/v1/loudspeakers/communes", "json", lambda r, t: {"name": f"Xã API {r}"}, {"coordinator"}),
    (
        "POST",
        "/api/v1/loudspeakers/communes/{commune}/slots",
        "json",
        lambda r, t: {"start": f"{ROLES.index(r) + 8}:45"},
        {"coordinator"},
    ),
    ("DELETE", "/api/v1/loudspeakers/slots/{slot}", "json", None, {"coordinator"}),
    ("POST", "/api/v1/channels/items/{item}/recordings", "file", lambda r, t: {}, {"editor", "coordinator"}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,path,kind,payload,allowed", ENDPOINTS, ids=[f"{e[0]} {e[1]}" for e in ENDPOINTS])
def test_permission_matrix(login, settings, targets, role, method, path, kind, payload, allowed):
    c = login(role)
    url = path.format(**targets)
    before = audit_count(settings)
    if kind == "json":
        r = c.request(method, url, json=payload(role, targets) if payload else None)
    elif kind == "form":
        r = c.request(method, url, data={**payload(role, targets), "csrf_token": c.csrf}, follow_redirects=False)
    else:
        r = c.request(
            method,
            url,
            data={"csrf_token": c.csrf},
            files={"file": ("a.wav", wav_bytes(1.0), "audio/wav")},
            follow_redirects=False,
        )
    assert_permission(settings, before, r, role in allowed or role == "admin", ok=(200, 201, 202, 204, 303))


def test_anonymous_cannot_write(client, targets, settings):
    before = audit_count(settings)
    assert client.post("/api/v1/loudspeakers/communes", json={"name": "X"}).status_code == 401
    assert client.post("/loudspeakers/communes", data={"name": "X"}, follow_redirects=False).status_code == 303
    assert audit_count(settings) == before


def _decoded_seconds(tmp_path, name: str, data: bytes) -> float:
    path = tmp_path / name
    path.write_bytes(data)
    return service.audio_seconds(path)  # decodes for real (lame for MP3)


@needs_espeak
def test_offline_bundle(login, settings, people, commune, publish, db, tmp_path):
    day = date(2021, 9, 20)
    vi = publish("Loa sáng", "Bà con đi tiêm vắc xin.", channel="loudspeaker", at=local_at(day, 5))
    km = publish("Loa sáng (Khmer)", "Khmer", master=vi, language="km")
    c = login("viewer")
    job = follow(
        c,
        c.post(
            f"/loudspeakers/communes/{commune.id}/bundle",
            data={"csrf_token": c.csrf, "date": "2021-09-20"},
            follow_redirects=False,
        ),
    )
    assert job["status"] == "done" and job["counts"] == {"files": 1, "total": 1}
    assert job["result"]["url"] == f"/loudspeakers/communes/{commune.id}?date=2021-09-20"
    r = c.get(job["file_url"])
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert 'filename="loa-my-long-nam-2021-09-20.zip"' in r.headers["content-disposition"]
    z = zipfile.ZipFile(io.BytesIO(r.content))
    m3u = z.read("playlist.m3u").decode().splitlines()
    files = [x for x in m3u if x and not x.startswith("#")]
    assert files == ["01-loa-sang.mp3", "01-loa-sang.mp3"]
    assert sum("chưa có bản ghi âm" in x for x in m3u) == 2
    assert service.audio_kind(z.read("01-loa-sang.mp3")) == "mp3"
    assert 1.0 < _decoded_seconds(tmp_path, "a.mp3", z.read("01-loa-sang.mp3")) < 10
    service.add_recording(db, settings, km, people["editor"], "km.wav", wav_bytes(1.0))
    db.commit()
    r = c.post(f"/api/v1/loudspeakers/communes/{commune.id}/bundle", params={"date": "2021-09-20"})
    job = follow(c, r)
    assert job["status"] == "done" and job["counts"] == {"files": 2, "total": 2}
    z = zipfile.ZipFile(io.BytesIO(c.get(job["file_url"]).content))
    assert sorted(z.namelist()) == ["01-loa-sang.mp3", "02-loa-sang-khmer.wav", "playlist.m3u"]
    with wave.open(io.BytesIO(z.read("02-loa-sang-khmer.wav"))) as w:
        assert w.getnframes() / w.getframerate() == pytest.approx(1.0)


@needs_espeak
def test_playlist_audio_is_prepared_by_a_job(login, commune, publish):
    today = datetime.now(LOCAL).date()
    item = publish(
        "Thông báo tiêm chủng", "Sáng mai 7h00 tiêm tại trạm y tế xã.", channel="loudspeaker", at=local_at(today, 5)
    )
    c = login("viewer")
    page = c.get(f"/loudspeakers/communes/{commune.id}").text
    assert page.count('data-testid="not-ready"') == 2 and 'data-testid="prepare-audio"' in page
    job = follow(
        c, c.post(f"/loudspeakers/communes/{commune.id}/audio", data={"csrf_token": c.csrf}, follow_redirects=False)
    )
    assert job["status"] == "done" and job["result"]["made"] == 1 and job["counts"]["files"] == 1
    page = c.get(f"/loudspeakers/communes/{commune.id}").text
    assert 'data-testid="not-ready"' not in page and 'data-testid="prepare-audio"' not in page
    assert page.count(f'src="/loudspeakers/audio/{item.id}.mp3"') == 2
    assert c.get(f"/loudspeakers/audio/{item.id}.mp3").status_code == 200
    again = follow(c, c.post(f"/api/v1/loudspeakers/communes/{commune.id}/audio"))
    assert again["status"] == "done" and again["result"]["made"] == 0


@needs_espeak
def test_the_worker_prepares_the_coming_broadcasts(db, settings, commune, publish):
    from loa import modules
    from loa.jobs import service as jobs

    today = datetime.now(LOCAL).date()
    tomorrow = publish(
        "Lịch tiêm ngày mai",
        "Bà con đến trạm y tế xã.",
        channel="loudspeaker",
        at=local_at(today + timedelta(days=1), 5),
    )
    article = publish("Tin trên cổng thông tin", "Nội dung bài viết.")
    later = publish("Tuần sau", "Chưa cần.", channel="loudspeaker", at=local_at(today + timedelta(days=7), 5))
    modules.load_jobs()
    run = jobs.run_now(settings, "channels.prepare_audio")
    assert run["outcome"] == "ok" and run["message"] == "2 bài cần âm thanh, 2 tệp mới tạo."
    assert service.has_ready_audio(settings, tomorrow) and service.has_ready_audio(settings, article)
    assert not service.has_ready_audio(settings, later)


def test_a_missed_loudspeaker_slot_is_not_played(db, people, commune, publish):
    from loa.content import service as content

    day = date(2021, 9, 20)
    item = publish("Loa sáng", "Nội dung.", channel="loudspeaker", at=local_at(day, 5))
    assert len(service.daily_playlist(db, commune, day)) == 2
    content.publish_due(db)  # years late: a broadcast is missed, not aired late
    assert item.schedules[0].status == "missed"
    assert service.daily_playlist(db, commune, day) == []


def test_pages_in_english(login, commune, publish):
    item = publish("Bài", "Nội dung.")
    c = login("coordinator")
    c.get("/lang/en")
    page = c.get("/loudspeakers").text
    for text in ("Commune loudspeakers", "Southern voice", "There is no offline Khmer voice", "Add a commune"):
        assert text in page, text
    outputs = c.get(f"/channels/items/{item.id}").text
    assert "Social-media posts" in outputs and "Published" in outputs and "Vietnamese" in outputs


def test_dashboard_panel(login, commune, publish):
    today = datetime.now(LOCAL).date()
    vi = publish("Loa hôm nay", "Nội dung.", channel="loudspeaker", at=local_at(today, 5))
    publish("Loa hôm nay (Khmer)", "Khmer", master=vi, language="km")
    home = login("viewer").get("/").text
    assert "Loa truyền thanh cơ sở" in home
    assert 'data-testid="panel-loudspeaker-items">1<' in home
    assert "Bản tiếng Khmer chưa có bản ghi âm: 1" in home

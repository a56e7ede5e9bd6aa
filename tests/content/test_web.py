"""Content pages and API: forms, workflow through the web, escaping, diff, attachments, calendar."""

import re
import struct
import wave
from datetime import UTC, datetime
from io import BytesIO

from loa.content import service
from loa.content.models import ContentItem


def seed(db, people):
    ch = service.create_channel(db, "Báo Trà Vinh", "newspaper")
    radio = service.create_channel(db, "Đài PT-TH Trà Vinh", "radio_tv")
    db.commit()
    return ch, radio


def test_pages_render_for_every_role(login, db, people):
    ch, _radio = seed(db, people)
    item = service.create_item(
        db, kind="script", title="Loa xã: rửa tay", body="Nội dung", author=people["editor"], channels=[ch]
    )
    db.commit()
    for role in ("viewer", "editor", "reviewer", "coordinator"):
        c = login(role)
        for url in (
            "/content",
            f"/content/{item.id}",
            "/calendar",
            "/calendar?view=month",
            "/content/balance",
            "/content/channels",
            f"/content/{item.id}/diff",
            "/",
        ):
            r = c.get(url)
            assert r.status_code == 200, (role, url, r.text[:300])
    assert "Viết bài mới" in login("editor").get("/content").text
    assert "Viết bài mới" not in login("viewer").get("/content").text
    english = login("reviewer")
    english.get("/lang/en")
    page = english.get(f"/content/{item.id}").text
    assert "Radio/loudspeaker script" in page and "Draft" in page and "Version history" in page
    assert "<h1>Calendar</h1>" in english.get("/calendar").text


def test_write_submit_approve_schedule_through_forms(login, db, people):
    ch, _radio = seed(db, people)
    editor = login("editor")
    r = editor.post(
        "/content",
        data={
            "csrf_token": editor.csrf,
            "title": "Tiêm vắc xin cho trẻ 12-17 tuổi",
            "kind": "article",
            "body": "Bản đầu.\n\n<script>alert(1)</script>",
            "audiences": ["students", "public"],
            "channels": [str(ch.id)],
            "new_themes": "Tiêm chủng, Trường học",
            "tone": "hopeful",
            "epidemic_related": "1",
            "states_health_facts": "1",
            "language": "vi",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    item_id = int(r.headers["location"].rsplit("/", 1)[1])
    page = editor.get(f"/content/{item_id}").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    editor.post(
        f"/content/{item_id}/edit",
        data={
            "csrf_token": editor.csrf,
            "title": "Tiêm vắc xin cho trẻ 12-17 tuổi",
            "kind": "article",
            "body": "Bản hai.\n\nThêm đoạn.",
            "audiences": ["students"],
            "channels": [str(ch.id)],
            "themes": ["Tiêm chủng"],
            "tone": "hopeful",
            "epidemic_related": "1",
            "states_health_facts": "1",
            "note": "Sửa câu mở đầu",
        },
    )
    diff = editor.get(f"/content/{item_id}/diff?a=1&b=2").text
    assert re.search(r'class="ddel">- Bản đầu\.', diff) and re.search(r'class="dadd">\+ Bản hai\.', diff)
    assert editor.post(f"/content/{item_id}/submit").status_code == 200
    reviewer = login("reviewer")
    assert reviewer.post(f"/content/{item_id}/approve", data={"note": "Đúng số liệu"}).status_code == 200
    r = editor.post(f"/content/{item_id}/schedule", data={"channel_id": str(ch.id), "at": "2021-11-15T06:00"})
    assert r.status_code == 200
    db.expire_all()
    item = db.get(ContentItem, item_id)
    assert item.state == "scheduled" and item.version == 2 and item.approved_by.username == "reviewer"
    slot = item.schedules[0]
    assert slot.planned_at == datetime(2021, 11, 14, 23, 0, tzinfo=UTC)  # 06:00 in Trà Vinh
    cal = editor.get("/calendar?day=2021-11-17").text
    assert "Tiêm vắc xin cho trẻ 12-17 tuổi" in cal and "06:00" in cal
    r = editor.post(
        f"/content/schedules/{slot.id}/move",
        data={"at": "2021-11-16T17:30", "next": "/calendar?day=2021-11-16"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/calendar?day=2021-11-16"
    assert editor.post(f"/content/schedules/{slot.id}/move", data={"at": "hôm qua"}).status_code == 422
    db.expire_all()
    assert db.get(ContentItem, item_id).schedules[0].planned_at == datetime(2021, 11, 16, 10, 30, tzinfo=UTC)


def test_web_refusals_leave_nothing_written(login, db, people, settings):
    from tests.conftest import audit_count

    ch, _radio = seed(db, people)
    item = service.create_item(db, kind="article", title="Tự duyệt?", body="x", author=people["editor"])
    service.submit(db, item, people["editor"])
    db.commit()
    editor = login("editor")
    before = audit_count(settings)
    r = editor.post(f"/content/{item.id}/schedule", data={"channel_id": str(ch.id), "at": "2021-11-15T06:00"})
    assert r.status_code == 409 and "chưa được duyệt" in r.text
    assert editor.post("/content", data={"title": "", "kind": "article", "body": "x"}).status_code == 400
    assert editor.post("/content", data={"title": "x", "kind": "poem", "body": "x"}).status_code == 400
    assert audit_count(settings) == before


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def _wav() -> bytes:
    buf = BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(8000)
        w.writeframes(struct.pack("<800h", *([0] * 800)))
    return buf.getvalue()


def test_attachments_are_checked_and_stored(login, db, people, settings):
    item = service.create_item(db, kind="script", title="Bản tin loa", body="x", author=people["editor"], language="km")
    db.commit()
    c = login("editor")
    r = c.post(f"/content/{item.id}/attachments", files={"file": ("doc-tieng-khmer.wav", _wav(), "audio/wav")})
    assert r.status_code == 200 and "doc-tieng-khmer.wav" in r.text and "giọng đọc tiếng Khmer" in r.text
    r = c.post(f"/content/{item.id}/attachments", files={"file": ("anh.png", _png(), "image/png")})
    assert r.status_code == 200
    r = c.post(f"/content/{item.id}/attachments", files={"file": ("virus.exe", b"MZ\x90\x00" * 10, "image/png")})
    assert r.status_code == 415
    big = _png() + b"\x00" * (5 * 1024 * 1024)
    assert c.post(f"/content/{item.id}/attachments", files={"file": ("to.png", big, "image/png")}).status_code == 413
    db.expire_all()
    atts = db.get(ContentItem, item.id).attachments
    assert [a.media_type for a in atts] == ["audio/wav", "image/png"]
    assert service.attachment_path(settings, atts[0]).read_bytes() == _wav()
    got = login("viewer").get(f"/content/attachments/{atts[0].id}")
    assert got.status_code == 200 and got.content == _wav()


def test_api_round_trip(login, db, people):
    ch, _radio = seed(db, people)
    editor, reviewer = login("editor"), login("reviewer")
    r = editor.post(
        "/api/v1/content/items",
        json={
            "kind": "social",
            "title": "5K mùa lễ hội",
            "body": "Đeo khẩu trang",
            "channels": ["bao-tra-vinh"],
            "audiences": ["khmer"],
        },
    )
    assert r.status_code == 201, r.text
    item = r.json()
    assert item["state"] == "draft" and item["channels"][0]["slug"] == "bao-tra-vinh"
    r = editor.patch(f"/api/v1/content/items/{item['id']}", json={"body": "Đeo khẩu trang, rửa tay", "note": "thêm"})
    assert r.json()["version"] == 2
    assert editor.post(f"/api/v1/content/items/{item['id']}/submit").json()["state"] == "review"
    assert editor.post(f"/api/v1/content/items/{item['id']}/approve", json={}).status_code == 403
    assert (
        reviewer.post(f"/api/v1/content/items/{item['id']}/approve", json={"note": "ok"}).json()["state"] == "approved"
    )
    r = editor.post(
        f"/api/v1/content/items/{item['id']}/schedules", json={"channel": ch.id, "at": "2021-11-18T19:00:00+07:00"}
    )
    assert r.status_code == 201
    slot = r.json()
    r = editor.patch(f"/api/v1/calendar/schedules/{slot['id']}", json={"at": "2021-11-19T19:00:00+07:00"})
    assert r.json()["planned_at"].startswith("2021-11-19T12:00")
    cal = editor.get("/api/v1/calendar?start=2021-11-15&end=2021-11-22").json()
    assert [s["title"] for s in cal] == ["5K mùa lễ hội"]
    diff = editor.get(f"/api/v1/content/items/{item['id']}/diff?a=1&b=2").json()
    assert {"mark": "+", "line": "Đeo khẩu trang, rửa tay"} in diff
    assert len(editor.get(f"/api/v1/content/items/{item['id']}/versions").json()) == 2
    assert editor.get("/api/v1/content/items?state=scheduled").json()[0]["id"] == item["id"]
    service.ensure_theme(db, "Tiêm chủng vắc xin", source="Kế hoạch 12/KH-UBND")
    db.commit()
    assert {"name": "Tiêm chủng vắc xin", "source": "Kế hoạch 12/KH-UBND"}.items() <= editor.get(
        "/api/v1/content/themes"
    ).json()[0].items()

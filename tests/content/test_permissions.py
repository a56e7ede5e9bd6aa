"""Every role × every mutating content endpoint: allowed, or 403 with nothing written."""

from datetime import datetime

import pytest

from loa.content import service
from loa.formats import LOCAL
from tests.conftest import ROLES, audit_count

WRITE = {"admin", "editor", "coordinator"}
REVIEW = {"admin", "reviewer"}
COORD = {"admin", "coordinator"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

ITEM = {"title": "Bài thử", "kind": "article", "body": "Nội dung", "tone": "neutral"}
ENDPOINTS = [
    # (method, path, payload, kind, roles allowed)
    ("POST", "/content", ITEM, "form", WRITE),
    ("POST", "/content/{draft}/edit", {**ITEM, "body": "Sửa"}, "form", WRITE),
    ("POST", "/content/{draft}/submit", {}, "form", WRITE),
    ("POST", "/content/{review}/approve", {"note": "ok"}, "form", REVIEW),
    ("POST", "/content/{review}/reject", {"note": "Thiếu nguồn"}, "form", REVIEW),
    ("POST", "/content/{review}/return", {}, "form", WRITE),
    ("POST", "/content/{approved}/schedule", {"channel_id": "{channel}", "at": "2021-11-20T06:00"}, "form", WRITE),
    ("POST", "/content/{approved}/publish", {"channels": "{channel}"}, "form", WRITE),
    ("POST", "/content/{draft}/archive", {}, "form", WRITE),
    ("POST", "/content/{draft}/comments", {"body": "Góp ý"}, "form", WRITE | REVIEW),
    ("POST", "/content/{draft}/variants", {"language": "km", "title": "Khmer", "body": "…"}, "form", WRITE),
    ("POST", "/content/{draft}/attachments", {}, "file", WRITE),
    ("POST", "/content/schedules/{slot}/move", {"at": "2021-11-21T17:00"}, "form", WRITE),
    ("POST", "/content/schedules/{slot}/cancel", {}, "form", WRITE),
    ("POST", "/content/schedules/{slot}/publish", {}, "form", WRITE),
    ("POST", "/calendar/feeds", {"channel_id": "{channel}"}, "form", WRITE),
    ("POST", "/content/channels", {"name": "Fanpage Sở Y tế", "kind": "social"}, "form", COORD),
    (
        "POST",
        "/content/channels/{channel}/targets",
        {"epidemic_min_pct": "10", "epidemic_max_pct": "90", "hopeful_min_pct": "20"},
        "form",
        COORD,
    ),
    ("POST", "/api/v1/content/items", ITEM, "json", WRITE),
    ("PATCH", "/api/v1/content/items/{draft}", {"body": "Sửa qua API"}, "json", WRITE),
    ("POST", "/api/v1/content/items/{draft}/submit", None, "json", WRITE),
    ("POST", "/api/v1/content/items/{review}/approve", {"note": ""}, "json", REVIEW),
    ("POST", "/api/v1/content/items/{review}/reject", {"note": "Sai số liệu"}, "json", REVIEW),
    ("POST", "/api/v1/content/items/{review}/return", None, "json", WRITE),
    ("POST", "/api/v1/content/items/{approved}/publish", None, "json", WRITE),
    ("POST", "/api/v1/content/items/{draft}/archive", None, "json", WRITE),
    ("POST", "/api/v1/content/items/{draft}/comments", {"body": "Góp ý"}, "json", WRITE | REVIEW),
    ("POST", "/api/v1/content/items/{draft}/variants", {"language": "en", "title": "EN", "body": "…"}, "json", WRITE),
    (
        "POST",
        "/api/v1/content/items/{approved}/schedules",
        {"channel": "{channel}", "at": "2021-11-20T06:00:00+07:00"},
        "json",
        WRITE,
    ),
    ("PATCH", "/api/v1/calendar/schedules/{slot}", {"at": "2021-11-22T06:00:00+07:00"}, "json", WRITE),
    ("POST", "/api/v1/content/channels", {"name": "Zalo OA tỉnh", "kind": "social"}, "json", COORD),
    (
        "PUT",
        "/api/v1/content/channels/{channel}/targets",
        {"epidemic_min_pct": 10, "epidemic_max_pct": 90, "hopeful_min_pct": 20},
        "json",
        COORD,
    ),
]


@pytest.fixture
def make_objects(db, people, settings):
    """Returns a maker of a fresh set of objects: a channel and items in draft, review, approved and scheduled
    states, written by a separate author (so every allowed role acts on objects of its own)."""
    from loa.auth import service as auth

    author = auth.create_user(
        db, settings, "tac-gia", "long-enough-pw", roles=["editor"], agency=people["agencies"]["other"]
    )

    def make(tag: str) -> dict:
        ch = service.create_channel(db, f"Cổng thông tin {tag}", "portal")

        def item(title, state):
            it = service.create_item(
                db, kind="article", title=f"{title} {tag}", body="Nội dung", author=author, channels=[ch]
            )
            if state != "draft":
                service.submit(db, it, author)
            if state in ("approved", "scheduled"):
                service.approve(db, it, people["reviewer"])
            return it

        draft, review, approved, scheduled = (
            item(t, s) for t, s in [("Nháp", "draft"), ("Chờ", "review"), ("Duyệt", "approved"), ("Lịch", "scheduled")]
        )
        slot = service.schedule(db, scheduled, author, ch, datetime(2021, 11, 19, 6, tzinfo=LOCAL))
        db.commit()
        return {
            "draft": draft.id,
            "review": review.id,
            "approved": approved.id,
            "slot": slot.id,
            "channel": ch.id,
            "tag": tag,
        }

    return make


def _fill(value, ids):
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, str) and value in ("Fanpage Sở Y tế", "Zalo OA tỉnh"):
        return f"{value} {ids['tag']}"
    return value


@pytest.mark.parametrize("method,path,payload,kind,allowed", ENDPOINTS, ids=[f"{e[0]} {e[1]}" for e in ENDPOINTS])
def test_permission_matrix(login, settings, make_objects, method, path, payload, kind, allowed):
    shared = make_objects("chung")
    clients = {role: login(role) for role in ROLES}
    for role in ROLES:
        ids = make_objects(role) if role in allowed else shared
        url = path.format(**ids)
        body = _fill(payload, ids)
        before = audit_count(settings)
        c = clients[role]
        if kind == "json":
            r = c.request(method, url, json=body, follow_redirects=False)
        elif kind == "file":
            r = c.request(method, url, files={"file": ("anh.png", PNG, "image/png")}, follow_redirects=False)
        else:
            r = c.request(method, url, data={k: str(v) for k, v in body.items()}, follow_redirects=False)
        if role in allowed:
            assert r.status_code in (200, 201, 303), (role, r.text)
            assert audit_count(settings) > before, role
        else:
            assert r.status_code == 403, (role, r.text)
            assert audit_count(settings) == before, role


def test_anonymous_cannot_read_or_write(client, make_objects, settings):
    make_objects("an-danh")
    before = audit_count(settings)
    assert client.post("/api/v1/content/items", json=ITEM).status_code == 401
    assert client.get("/api/v1/content/items").status_code == 401
    assert client.get("/content", follow_redirects=False).status_code == 303
    assert audit_count(settings) == before

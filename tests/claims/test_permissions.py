"""Every role × every mutating claims endpoint: allowed, or 403 with nothing written."""

import json

import pytest
from sqlalchemy import func, select

from loa.claims import service
from loa.claims.schemas import ClaimChanges
from loa.jobs.models import Job
from tests.conftest import ROLES, assert_permission, audit_count, state

WORK = {"admin", "coordinator", "editor", "reviewer"}


SMALL = json.dumps(
    {
        "claims": [
            {
                "key": "an-toi",
                "text": "Ăn tỏi giúp phòng ngừa nhiễm virus corona",
                "verdict": "misleading",
                "explanation": "Không có bằng chứng tỏi phòng được COVID-19.",
                "sources": [{"publisher": "WHO", "url": "https://www.who.int"}],
            }
        ]
    }
)


@state()
def world(db, people):
    """A small registry (imported from the command line, concluded by the reviewer) and triage items for every
    endpoint; the investigating claim is the editor's own."""
    service.import_claims(db, SMALL)
    starter = {c.key: c for c in service.list_claims(db)}
    service.transition(db, starter["an-toi"], "concluded", people["reviewer"])
    own = service.create_claim(db, people["editor"], text="Uống nước lá tía tô chữa khỏi COVID-19")
    service.transition(db, own, "investigating", people["editor"])
    service.update_claim(db, own, people["editor"], ClaimChanges(verdict="false", explanation="Không có bằng chứng."))
    service.add_source(db, own, people["editor"], publisher="WHO", url="https://www.who.int")
    items = [
        service.check_text(db, text, reach=3)["triage_id"]
        for text in (
            "Vắc xin làm rụng tóc ở 20% người tiêm",
            "Uống nước đậu đen rang chữa được sốt xuất huyết",
            "Ngâm chân nước muối nóng diệt được virus trong phổi",
            "Uống nước dừa tươi mỗi sáng phòng được covid",
        )
    ]
    linked = service.triage_link(db, items.pop(), starter["an-toi"].id, people["coordinator"])
    appearance = service.appearances(db, linked)[0]
    db.commit()
    return {"own": own.id, "concluded": starter["an-toi"].id, "items": items, "appearance": appearance.id}


ENDPOINTS = [
    # (method, path builder, json/form payload builder, kind, roles allowed)
    ("POST", lambda w: "/api/v1/claims", lambda w: {"text": "Ăn hành tây sống phòng được COVID-19"}, "json", WORK),
    ("PATCH", lambda w: f"/api/v1/claims/{w['own']}", lambda w: {"tags": ["thử"]}, "json", WORK),
    (
        "POST",
        lambda w: f"/api/v1/claims/{w['own']}/sources",
        lambda w: {"publisher": "Bộ Y tế", "url": "https://moh.gov.vn"},
        "json",
        WORK,
    ),
    (
        "POST",
        lambda w: f"/api/v1/claims/{w['own']}/transition",
        lambda w: {"to": "concluded"},
        "json",
        {"admin", "reviewer"},
    ),
    ("POST", lambda w: f"/api/v1/claims/{w['concluded']}/transition", lambda w: {"to": "published"}, "json", WORK),
    (
        "POST",
        lambda w: f"/api/v1/claims/{w['concluded']}/transition",
        lambda w: {"to": "paused"},
        "json",
        {"admin", "coordinator", "reviewer"},
    ),
    (
        "POST",
        lambda w: "/api/v1/claims/check",
        lambda w: {"text": "Ăn mít non chữa khỏi covid", "reach": 2},
        "json",
        WORK,
    ),
    (
        "POST",
        lambda w: f"/api/v1/claims/triage/{w['items'][0]}/link",
        lambda w: {"claim_id": w["concluded"]},
        "json",
        WORK,
    ),
    ("POST", lambda w: f"/api/v1/claims/triage/{w['items'][1]}/open", lambda w: {}, "json", WORK),
    (
        "POST",
        lambda w: f"/api/v1/claims/triage/{w['items'][2]}/dismiss",
        lambda w: {"reason": "trùng lặp"},
        "json",
        WORK,
    ),
    (
        "POST",
        lambda w: f"/api/v1/claims/{w['concluded']}/appearances/{w['appearance']}/unlink",
        lambda w: {},
        "json",
        WORK,
    ),
    ("POST", lambda w: f"/claims/{w['concluded']}/appearances/{w['appearance']}/unlink", lambda w: {}, "form", WORK),
    ("POST", lambda w: "/claims/new", lambda w: {"text": "Ngậm gừng chữa khỏi covid"}, "form", WORK),
    ("POST", lambda w: f"/claims/{w['own']}", lambda w: {"tags": "a, b"}, "form", WORK),
    ("POST", lambda w: f"/claims/{w['own']}/status", lambda w: {"to": "concluded"}, "form", {"admin", "reviewer"}),
    ("POST", lambda w: f"/claims/triage/{w['items'][2]}/dismiss", lambda w: {"reason": "trùng"}, "form", WORK),
    ("POST", lambda w: "/claims/import", lambda w: {"starter": "1"}, "form", {"admin", "coordinator"}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "method,path,payload,kind,allowed", ENDPOINTS, ids=[f"{e[0]}-{i}" for i, e in enumerate(ENDPOINTS)]
)
def test_permission_matrix(login, settings, world, db, role, method, path, payload, kind, allowed):
    c = login(role)
    before, queued = audit_count(settings), db.scalar(select(func.count()).select_from(Job))
    body = {"json": payload(world)} if kind == "json" else {"data": {**payload(world), "csrf_token": c.csrf}}
    r = c.request(method, path(world), follow_redirects=False, **body)
    assert_permission(settings, before, r, role in allowed)
    if path(world).endswith("/import"):  # a job, run as the request ends; a refused person queues none
        assert db.scalar(select(func.count()).select_from(Job)) == queued + (role in allowed)


@pytest.mark.parametrize("role", ROLES)
def test_the_desk_check_tool_is_for_the_desk_and_writes_nothing(login, settings, world, role):
    c = login(role)
    before = audit_count(settings)
    r = c.post("/claims/check", data={"text": "Ăn vải thiều chữa khỏi covid", "csrf_token": c.csrf})
    assert r.status_code == (200 if role in WORK else 403)
    assert audit_count(settings) == before


def test_the_author_may_not_publish_even_with_the_right_role(login, settings, world, db, people):
    reviewer = login("reviewer")
    assert reviewer.post(f"/api/v1/claims/{world['own']}/transition", json={"to": "concluded"}).status_code == 200
    editor = login("editor")
    before = audit_count(settings)
    r = editor.post(f"/api/v1/claims/{world['own']}/transition", json={"to": "published"})
    assert r.status_code == 403 and "khác người viết" in r.json()["detail"]
    assert audit_count(settings) == before
    assert (
        login("coordinator").post(f"/api/v1/claims/{world['own']}/transition", json={"to": "published"}).status_code
        == 200
    )


def test_anonymous_reads_public_pages_only(client, world, settings):
    before = audit_count(settings)
    assert client.post("/api/v1/claims", json={"text": "Tin thử nghiệm ẩn danh"}).status_code == 401
    assert client.post("/api/v1/claims/check", json={"text": "ăn tỏi phòng covid"}).status_code == 401
    assert client.get("/claims", follow_redirects=False).status_code == 303
    assert client.get("/kiem-chung").status_code == 200
    assert audit_count(settings) == before

"""Every role × every mutating core endpoint: allowed, or 403 with nothing written."""

import pytest

from tests.conftest import ROLES, assert_permission, audit_count

ENDPOINTS = [
    # (method, path, payload builder, kind, roles allowed)
    ("POST", "/api/v1/users", lambda role: {"username": f"u-{role}", "password": "long-enough-pw"}, "json", {"admin"}),
    (
        "POST",
        "/api/v1/agencies",
        lambda role: {"name": f"Cơ quan {role}", "kind": "government"},
        "json",
        {"admin", "coordinator"},
    ),
    (
        "POST",
        "/admin/users",
        lambda role: {"username": f"f-{role}", "password": "long-enough-pw", "roles": "viewer"},
        "form",
        {"admin"},
    ),
    (
        "POST",
        "/admin/agencies",
        lambda role: {"name": f"Đơn vị {role}", "kind": "other"},
        "form",
        {"admin", "coordinator"},
    ),
    ("POST", "/api/v1/tokens", lambda role: {"name": "t"}, "json", set(ROLES)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,path,payload,kind,allowed", ENDPOINTS, ids=[e[1] for e in ENDPOINTS])
def test_permission_matrix(login, settings, role, method, path, payload, kind, allowed):
    c = login(role)
    before = audit_count(settings)
    body = {"json": payload(role)} if kind == "json" else {"data": {**payload(role), "csrf_token": c.csrf}}
    r = c.request(method, path, follow_redirects=False, **body)
    assert_permission(settings, before, r, role in allowed)


def test_anonymous_cannot_write(client, people, settings):
    before = audit_count(settings)
    assert client.post("/api/v1/agencies", json={"name": "X", "kind": "other"}).status_code == 401
    assert audit_count(settings) == before

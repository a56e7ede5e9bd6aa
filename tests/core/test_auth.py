import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from loa.auth import service as auth
from loa.auth.models import User
from tests.conftest import PASSWORD, audit_count, csrf_of, login_client


def test_login_and_logout(app, people):
    c = login_client(app, "coordinator")
    home = c.get("/")
    assert home.status_code == 200
    assert "Bảng điều hành" in home.text
    r = c.post("/logout", data={"csrf_token": c.csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert c.get("/", follow_redirects=False).status_code == 303


def test_wrong_password_is_refused_and_nothing_but_the_attempt_is_written(app, people, settings):
    c = TestClient(app)
    page = c.get("/login")
    before = audit_count(settings)
    r = c.post(
        "/login", data={"username": "coordinator", "password": "wrong-password", "csrf_token": csrf_of(page.text)}
    )
    assert r.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in r.text
    assert audit_count(settings) == before
    assert c.get("/api/v1/me").status_code == 401


def test_login_is_rate_limited(app, people, settings):
    c = TestClient(app)
    token = csrf_of(c.get("/login").text)
    for _ in range(settings.login_max_failures):
        assert (
            c.post("/login", data={"username": "viewer", "password": "nope-nope-nope", "csrf_token": token}).status_code
            == 401
        )
    r = c.post("/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 429
    assert "quá nhiều lần" in r.text


def test_login_without_csrf_token_is_refused(app, people):
    c = TestClient(app)
    c.get("/login")
    r = c.post("/login", data={"username": "coordinator", "password": PASSWORD})
    assert r.status_code == 403
    assert c.get("/api/v1/me").status_code == 401


def test_missing_csrf_on_a_form_writes_nothing(app, people, settings):
    c = login_client(app, "admin")
    del c.headers["X-CSRF-Token"]
    before = audit_count(settings)
    r = c.post("/admin/agencies", data={"name": "Sở Tư pháp", "kind": "government"})
    assert r.status_code == 403
    assert "CSRF" in r.text
    assert audit_count(settings) == before
    r = c.post("/admin/agencies", data={"name": "Sở Tư pháp", "kind": "government", "csrf_token": "forged"})
    assert r.status_code == 403
    assert audit_count(settings) == before


def test_expired_session_requires_login(app, people, settings):
    c = login_client(app, "coordinator")
    assert c.get("/api/v1/me").status_code == 200
    real = time.time
    try:
        time.time = lambda: real() + settings.session_hours * 3600 + 60
        assert c.get("/api/v1/me").status_code == 401
        r = c.get("/", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
    finally:
        time.time = real


def test_password_change_ends_other_sessions(app, people, db):
    first = login_client(app, "editor")
    second = login_client(app, "editor")
    r = first.post(
        "/account/password",
        data={"old_password": PASSWORD, "new_password": "a-new-password-2", "confirm": "a-new-password-2"},
    )
    assert r.status_code == 200 and "Đã đổi mật khẩu" in r.text
    assert first.get("/api/v1/me").status_code == 200
    assert second.get("/api/v1/me").status_code == 401
    login_client(app, "editor", "a-new-password-2")


def test_password_change_with_wrong_old_password(app, people):
    c = login_client(app, "editor")
    r = c.post(
        "/account/password",
        data={"old_password": "not-my-password", "new_password": "a-new-password-2", "confirm": "a-new-password-2"},
    )
    assert r.status_code == 400
    assert "Mật khẩu hiện tại không đúng" in r.text


def test_passwords_are_argon2_hashed(db, people):
    user = db.scalar(select(User).where(User.username == "viewer"))
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_api_token_authenticates_without_csrf(app, people, settings):
    c = login_client(app, "admin")
    token = c.post("/api/v1/tokens", json={"name": "script"}).json()["token"]
    bare = TestClient(app)
    me = bare.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["username"] == "admin"
    r = bare.post(
        "/api/v1/agencies",
        json={"name": "Sở Giáo dục và Đào tạo", "kind": "government"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 201
    assert bare.get("/api/v1/me", headers={"Authorization": "Bearer loa_wrong"}).status_code == 401


def test_malformed_json_body_gets_a_clear_422(app, people, settings):
    c = login_client(app, "admin")
    before = audit_count(settings)
    r = c.post("/api/v1/agencies", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["detail"] == "Dữ liệu gửi lên không hợp lệ."
    r = c.post("/api/v1/users", json={"username": "x"})
    assert r.status_code == 422 and any(e["field"].endswith("password") for e in r.json()["errors"])
    assert audit_count(settings) == before


def test_short_password_and_duplicate_username_are_refused(db, settings, people):
    with pytest.raises(auth.AuthError, match="ít nhất"):
        auth.create_user(db, settings, "newbie", "short")
    with pytest.raises(auth.AuthError, match="đã tồn tại"):
        auth.create_user(db, settings, "viewer", PASSWORD)


def test_healthz_and_openapi(client):
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["database"] == "ok" and health["jobs"]["stale"] is False
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/me" in schema["paths"]

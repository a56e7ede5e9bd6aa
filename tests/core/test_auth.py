import time
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from loa import clock
from loa.audit.models import AuditEvent
from loa.auth import service as auth
from loa.auth.models import LoginAttempt, User
from loa.config import Settings
from tests.conftest import PASSWORD, audit_count, csrf_of, login_client


def test_login_and_logout(app, people):
    c = login_client(app, "coordinator")
    home = c.get("/")
    assert home.status_code == 200
    assert "Bảng điều hành" in home.text
    r = c.post("/logout", data={"csrf_token": c.csrf}, follow_redirects=False)
    assert r.status_code == 303
    public = c.get("/", follow_redirects=False)  # the citizens' home page again
    assert public.status_code == 200 and "Bảng điều hành" not in public.text and 'href="/login"' in public.text
    assert c.get("/account", follow_redirects=False).status_code == 303


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


def _try(c: TestClient, username: str, password: str) -> int:
    token = csrf_of(c.get("/login").text)
    return c.post("/login", data={"username": username, "password": password, "csrf_token": token}).status_code


def test_failed_logins_slow_the_pair_down_without_locking_the_account(app, people, settings):
    """Past the free failures each wrong password doubles the pause for this user from this address; the right
    password from another address still works at once, and from here once the pause is over."""
    attacker, owner = TestClient(app, client=("203.0.113.9", 1)), TestClient(app, client=("198.51.100.4", 1))
    start = datetime.now(UTC)
    with clock.frozen(start):
        for _ in range(settings.login_max_failures):
            assert _try(attacker, "admin", "nope-nope-nope") == 401
        r = attacker.post(
            "/login",
            data={"username": "admin", "password": PASSWORD, "csrf_token": csrf_of(attacker.get("/login").text)},
        )
        assert r.status_code == 429 and "1 giây" in r.text
        assert _try(owner, "admin", PASSWORD) == 200  # the account is not locked
    with clock.frozen(start + timedelta(seconds=1)):
        assert _try(attacker, "admin", "nope-nope-nope") == 401  # the sixth failure: a 2-second pause
    with clock.frozen(start + timedelta(seconds=2)):
        assert _try(attacker, "admin", PASSWORD) == 429
    with clock.frozen(start + timedelta(seconds=3)):
        assert _try(attacker, "admin", PASSWORD) == 200


def test_one_address_failing_across_accounts_is_slowed_then_refused_as_spraying(app, people, settings, db):
    """Password spraying: one address trying a password on many accounts is refused for the window, however right
    the next password is, and leaves one audit event; other addresses are not affected."""
    sprayer, other = TestClient(app, client=("203.0.113.50", 1)), TestClient(app, client=("198.51.100.7", 1))
    names = [f"nguoi-{i}" for i in range(settings.login_spray_users - 1)]
    with clock.frozen(datetime.now(UTC)):
        for name in names:
            assert _try(sprayer, name, "Mua-he-2026") == 401
        assert _try(sprayer, "viewer", "Mua-he-2026") == 401  # the last one that is tried
        token = csrf_of(sprayer.get("/login").text)
        r = sprayer.post("/login", data={"username": "editor", "password": PASSWORD, "csrf_token": token})
        assert r.status_code == 429 and "quá nhiều tài khoản" in r.text
        assert _try(other, "editor", PASSWORD) == 200
    alerts = db.scalars(select(AuditEvent).where(AuditEvent.action == "alert")).all()
    assert len(alerts) == 1 and alerts[0].entity_id == "203.0.113.50" and "Dò mật khẩu" in alerts[0].summary


def test_per_address_failures_grow_a_pause_for_every_user(app, people, settings):
    """Fewer users than spraying takes, each with fewer failures than a pair's pause needs, but many in all."""
    c = TestClient(app, client=("203.0.113.77", 1))
    users = [f"nguoi-{i}" for i in range(settings.login_spray_users - 1)]
    with clock.frozen(datetime.now(UTC)):
        for n in range(settings.login_address_max_failures):
            assert _try(c, users[n % len(users)], f"sai-{n}") == 401
        assert _try(c, "reviewer", PASSWORD) == 429  # another user from the same address waits too


def test_forwarded_for_is_believed_only_from_configured_proxies(app, people, settings, db):
    """Without LOA_TRUSTED_PROXIES, X-Forwarded-For changes nothing: the limits see the connecting address."""
    c = TestClient(app, client=("203.0.113.9", 1))
    with clock.frozen(datetime.now(UTC)):
        for n in range(settings.login_max_failures + 1):
            r = c.post(
                "/login",
                headers={"X-Forwarded-For": f"10.9.{n}.1"},
                data={"username": "admin", "password": "nope-nope-nope", "csrf_token": csrf_of(c.get("/login").text)},
            )
        assert r.status_code == 429
    assert set(db.scalars(select(LoginAttempt.address))) == {"203.0.113.9"}


def test_a_configured_proxy_forwards_the_client_address(people, settings, db):
    from loa.web.app import create_app

    settings.trusted_proxies = "10.0.0.0/8"
    app = create_app(settings, migrate=False)
    proxied = TestClient(app, client=("10.1.2.3", 1))
    direct = TestClient(app, client=("203.0.113.9", 1))
    for c, forwarded in ((proxied, "198.51.100.23"), (direct, "198.51.100.99")):
        c.post(
            "/login",
            headers={"X-Forwarded-For": forwarded},
            data={"username": "admin", "password": "nope-nope-nope", "csrf_token": csrf_of(c.get("/login").text)},
        )
    assert set(db.scalars(select(LoginAttempt.address))) == {"198.51.100.23", "203.0.113.9"}
    with pytest.raises(ValueError, match="LOA_TRUSTED_PROXIES"):
        Settings(trusted_proxies="proxy.example, 10.0.0.1")


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
        r = c.get("/account", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
        assert "Bảng điều hành" not in c.get("/").text
    finally:
        time.time = real


def test_logout_ends_the_session_on_the_server(app, people):
    c = login_client(app, "coordinator")
    saved = c.cookies["loa_session"]
    assert c.post("/logout", data={"csrf_token": c.csrf}, follow_redirects=False).status_code == 303
    replay = TestClient(app, cookies={"loa_session": saved})  # a copy of the cookie kept before logging out
    assert replay.get("/api/v1/me").status_code == 401
    assert replay.get("/account", follow_redirects=False).status_code == 303


def test_password_change_ends_other_sessions_and_may_revoke_tokens(app, people, db):
    first = login_client(app, "editor")
    second = login_client(app, "editor")
    token = first.post("/api/v1/tokens", json={"name": "script"}).json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert 'data-testid="revoke-tokens"' in first.get("/account").text
    r = first.post(
        "/account/password",
        data={"old_password": PASSWORD, "new_password": "a-new-password-2", "confirm": "a-new-password-2"},
    )
    assert r.status_code == 200 and "Đã đổi mật khẩu" in r.text
    assert first.get("/api/v1/me").status_code == 200
    assert second.get("/api/v1/me").status_code == 401
    assert TestClient(app).get("/api/v1/me", headers=bearer).status_code == 200  # tokens kept unless asked
    r = first.post(
        "/account/password",
        data={
            "old_password": "a-new-password-2",
            "new_password": "a-new-password-3",
            "confirm": "a-new-password-3",
            "revoke_tokens": "true",
        },
    )
    assert r.status_code == 200 and first.get("/api/v1/me").status_code == 200
    assert TestClient(app).get("/api/v1/me", headers=bearer).status_code == 401
    login_client(app, "editor", "a-new-password-3")


def test_an_administrators_password_reset_ends_every_session(db, settings, people, app):
    c = login_client(app, "viewer")
    auth.set_password(db, settings, db.get(User, people["viewer"].id), "a-new-password-4")
    db.commit()
    assert c.get("/api/v1/me").status_code == 401


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

"""Plain functions for people and access: hashing, login with throttling, sessions, tokens, roles.

Failed logins slow down, never lock an account: each (user, address) pair and each address get a few free
failures, then every further one doubles the pause before the next try (capped at the counting window). A right
password from another address is never held back. One address failing for many different users (password
spraying) is refused for the window and leaves an audit event.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from loa.audit.models import AuditEvent
from loa.auth.models import ROLES, Agency, ApiToken, LoginAttempt, Province, User, UserRole, UserSession
from loa.clock import utcnow
from loa.config import Settings
from loa.errors import UserError
from loa.text import sort_by

MIN_PASSWORD = 10


class AuthError(UserError):
    """A refused login or account change."""


def hasher(settings: Settings) -> PasswordHasher:
    return PasswordHasher(time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AuthError(
            f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.",
            f"The password must have at least {MIN_PASSWORD} characters.",
        )


def set_roles(user: User, roles: list[str] | set[str]) -> None:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise AuthError(
            f"Vai trò không hợp lệ: {', '.join(sorted(unknown))}", f"Unknown role: {', '.join(sorted(unknown))}"
        )
    keep = set(roles)
    user.role_rows = [r for r in user.role_rows if r.role in keep]
    for role in sorted(keep - user.roles):
        user.role_rows.append(UserRole(role=role))


def create_user(
    db: Session,
    settings: Settings,
    username: str,
    password: str,
    *,
    full_name: str = "",
    roles: list[str] | set[str] = ("viewer",),
    agency: Agency | None = None,
    email: str = "",
) -> User:
    username = username.strip().lower()
    if not username or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise AuthError(
            "Tên đăng nhập chỉ gồm chữ, số, dấu chấm, gạch dưới.",
            "A username may hold only letters, digits, dots, dashes and underscores.",
        )
    if db.scalar(select(User).where(User.username == username)):
        raise AuthError(f"Tên đăng nhập “{username}” đã tồn tại.", f"The username “{username}” is taken.", 409)
    check_password_strength(password)
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        agency=agency,
        password_hash=hasher(settings).hash(password),
    )
    set_roles(user, roles)
    db.add(user)
    db.flush()
    return user


def _pause(failures: int, free: int, cap_s: float) -> float:
    """Seconds to wait after the last failure: none for the first ``free`` failures, then 1, 2, 4… (capped)."""
    return 0.0 if failures < free else min(cap_s, 2.0 ** (failures - free))


def _wait_s(db: Session, settings: Settings, username: str, address: str) -> tuple[float, bool]:
    """How long this (user, address) must still wait before a try, and whether the address is spraying."""
    now = utcnow()
    window = timedelta(minutes=settings.login_window_minutes)
    failed = select(LoginAttempt).where(LoginAttempt.at >= now - window, LoginAttempt.success.is_(False))
    by_addr = failed.where(LoginAttempt.address == address).subquery()
    users, addr_n, addr_last = db.execute(
        select(func.count(func.distinct(by_addr.c.username)), func.count(), func.max(by_addr.c.at))
    ).one()
    if users >= settings.login_spray_users:
        return window.total_seconds(), True
    last_ok = db.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username, LoginAttempt.address == address, LoginAttempt.success.is_(True)
        )
    )
    pair = select(by_addr).where(by_addr.c.username == username)
    if last_ok is not None:
        pair = pair.where(by_addr.c.at > last_ok)
    pair = pair.subquery()
    pair_n, pair_last = db.execute(select(func.count(), func.max(pair.c.at)).select_from(pair)).one()
    cap = window.total_seconds()
    waits = [0.0]
    if pair_n:
        waits.append(_pause(pair_n, settings.login_max_failures, cap) - (now - pair_last).total_seconds())
    if addr_n:
        waits.append(_pause(addr_n, settings.login_address_max_failures, cap) - (now - addr_last).total_seconds())
    return max(waits), False


def _spray_alert(db: Session, settings: Settings, username: str, address: str) -> None:
    """Record in the audit log that ``address`` has just failed for as many users as spraying takes."""
    since = utcnow() - timedelta(minutes=settings.login_window_minutes)
    users = db.scalar(
        select(func.count(func.distinct(LoginAttempt.username))).where(
            LoginAttempt.address == address, LoginAttempt.at >= since, LoginAttempt.success.is_(False)
        )
    )
    if users == settings.login_spray_users:
        db.add(
            AuditEvent(
                actor=username[:60],
                source=str(db.info.get("source", ""))[:10],
                action="alert",
                entity="login_attempts",
                entity_id=address[:40],
                summary=f"Dò mật khẩu: địa chỉ {address} đăng nhập sai cho {users} tài khoản trong "
                f"{settings.login_window_minutes} phút; địa chỉ bị tạm chặn.",
            )
        )


def authenticate(db: Session, settings: Settings, username: str, password: str, address: str = "") -> User:
    """The user for these credentials, or AuthError (401 wrong, 429 wait before trying again from here)."""
    username = (username or "").strip().lower()
    db.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - timedelta(days=1)))
    wait, spraying = _wait_s(db, settings, username, address)
    if spraying:
        raise AuthError(
            f"Địa chỉ này đăng nhập sai cho quá nhiều tài khoản và bị tạm chặn. Vui lòng thử lại sau "
            f"{settings.login_window_minutes} phút.",
            f"This address failed to log in to too many accounts and is blocked for now. Please try again in "
            f"{settings.login_window_minutes} minutes.",
            429,
        )
    if wait > 0:
        seconds = max(1, round(wait + 0.49))
        raise AuthError(
            f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {seconds} giây.",
            f"Too many failed logins. Please try again in {seconds} seconds.",
            429,
        )
    user = db.scalar(select(User).where(User.username == username))
    ok = False
    if user is not None and user.active:
        try:
            ok = hasher(settings).verify(user.password_hash, password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
    db.add(LoginAttempt(username=username[:60], address=address[:64], success=ok))
    if not ok:
        db.flush()
        _spray_alert(db, settings, username, address)
        raise AuthError("Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong username or password.", 401)
    if hasher(settings).check_needs_rehash(user.password_hash):
        user.password_hash = hasher(settings).hash(password)
    user.last_login_at = utcnow()
    return user


def start_session(db: Session, settings: Settings, user: User) -> str:
    """A new login session for ``user``; returns its token (for the session cookie; only its hash is stored).
    Expired sessions of everyone are cleared on the way."""
    now = utcnow()
    db.execute(delete(UserSession).where(UserSession.expires_at <= now))
    token = secrets.token_urlsafe(32)
    db.add(
        UserSession(
            user_id=user.id,
            token_hash=_token_hash(token),
            created_at=now,
            expires_at=now + timedelta(hours=settings.session_hours),
        )
    )
    db.flush()
    return token


def user_for_session(db: Session, token: str) -> User | None:
    """The active user of a live session token, or None (logged out, expired, revoked, deactivated)."""
    return db.scalar(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == _token_hash(token), UserSession.expires_at > utcnow(), User.active)
    )


def end_session(db: Session, token: str) -> None:
    """Log out: the session's token stops working at once."""
    db.execute(delete(UserSession).where(UserSession.token_hash == _token_hash(token)))


def end_sessions(db: Session, user: User, *, keep: str = "", tokens: bool = False) -> None:
    """End every session of ``user`` but the one of token ``keep``; with ``tokens`` revoke their API tokens too."""
    stmt = delete(UserSession).where(UserSession.user_id == user.id)
    if keep:
        stmt = stmt.where(UserSession.token_hash != _token_hash(keep))
    db.execute(stmt)
    if tokens:
        for row in db.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))):
            row.revoked_at = utcnow()


def change_password(
    db: Session, settings: Settings, user: User, old: str, new: str, *, keep: str = "", revoke_tokens: bool = False
) -> None:
    """Change a password after checking the old one; every other session of the user ends (the one of token
    ``keep`` stays), and with ``revoke_tokens`` the user's API tokens are revoked too."""
    try:
        hasher(settings).verify(user.password_hash, old or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise AuthError("Mật khẩu hiện tại không đúng.", "The current password is wrong.", 400) from None
    set_password(db, settings, user, new, keep=keep, revoke_tokens=revoke_tokens)


def set_password(
    db: Session, settings: Settings, user: User, new: str, *, keep: str = "", revoke_tokens: bool = False
) -> None:
    """Set a password; the user's sessions end (but the one of token ``keep``)."""
    check_password_strength(new)
    user.password_hash = hasher(settings).hash(new)
    end_sessions(db, user, keep=keep, tokens=revoke_tokens)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db: Session, user: User, name: str) -> str:
    """A new personal API token; the clear text is returned once and only its hash is stored."""
    token = "loa_" + secrets.token_urlsafe(32)
    db.add(ApiToken(user=user, name=name.strip() or "token", prefix=token[:10], token_hash=_token_hash(token)))
    db.flush()
    return token


def user_for_token(db: Session, token: str) -> User | None:
    row = db.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token), ApiToken.revoked_at.is_(None)))
    if row is None or not row.user.active:
        return None
    return row.user


def revoke_token(db: Session, user: User, token_id: int) -> None:
    row = db.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise AuthError("Không tìm thấy mã truy cập.", "Token not found.", 404)
    row.revoked_at = utcnow()


def get_or_create_province(db: Session, name: str, code: str = "") -> Province:
    province = db.scalar(select(Province).where(Province.name == name))
    if province is None:
        province = Province(name=name, code=code)
        db.add(province)
        db.flush()
    return province


def create_agency(
    db: Session,
    province: Province,
    name: str,
    *,
    short_name: str = "",
    kind: str = "other",
    is_health: bool = False,
    email: str = "",
) -> Agency:
    name = " ".join(name.split())
    if not name:
        raise AuthError("Tên cơ quan không được để trống.", "The agency name is required.")
    if db.scalar(select(Agency).where(Agency.province_id == province.id, Agency.name == name)):
        raise AuthError(f"Cơ quan “{name}” đã có.", f"The agency “{name}” already exists.", 409)
    agency = Agency(province=province, name=name, short_name=short_name, kind=kind, is_health=is_health, email=email)
    db.add(agency)
    db.flush()
    return agency


def list_users(db: Session) -> list[User]:
    return list(db.scalars(select(User).order_by(User.username)))


def list_agencies(db: Session) -> list[Agency]:
    return sort_by(db.scalars(select(Agency)), lambda a: a.name)

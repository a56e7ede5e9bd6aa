"""Plain functions for people and access: hashing, login with rate limiting, tokens, roles."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from loa.auth.models import ROLES, Agency, ApiToken, LoginAttempt, Province, User, UserRole
from loa.clock import utcnow
from loa.config import Settings
from loa.errors import UserError

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


def _too_many_failures(db: Session, settings: Settings, username: str, address: str) -> bool:
    since = utcnow() - timedelta(minutes=settings.login_window_minutes)
    failures = (
        select(func.count()).select_from(LoginAttempt).where(LoginAttempt.at >= since, LoginAttempt.success.is_(False))
    )
    by_user = db.scalar(failures.where(LoginAttempt.username == username))
    by_addr = db.scalar(failures.where(LoginAttempt.address == address))
    return max(by_user, by_addr) >= settings.login_max_failures


def authenticate(db: Session, settings: Settings, username: str, password: str, address: str = "") -> User:
    """The user for these credentials, or AuthError (401 wrong, 429 too many failures)."""
    username = (username or "").strip().lower()
    db.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - timedelta(days=1)))
    if _too_many_failures(db, settings, username, address):
        raise AuthError(
            f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {settings.login_window_minutes} phút.",
            f"Too many failed logins. Please try again in {settings.login_window_minutes} minutes.",
            429,
        )
    user = db.scalar(select(User).where(User.username == username))
    ok = False
    if user is not None and user.active:
        try:
            ok = hasher(settings).verify(user.password_hash, password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
    db.add(LoginAttempt(username=username, address=address, success=ok))
    if not ok:
        raise AuthError("Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong username or password.", 401)
    if hasher(settings).check_needs_rehash(user.password_hash):
        user.password_hash = hasher(settings).hash(password)
    user.last_login_at = utcnow()
    return user


def change_password(db: Session, settings: Settings, user: User, old: str, new: str) -> None:
    """Change a password after checking the old one; every other session of the user ends."""
    try:
        hasher(settings).verify(user.password_hash, old or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise AuthError("Mật khẩu hiện tại không đúng.", "The current password is wrong.", 400) from None
    set_password(settings, user, new)


def set_password(settings: Settings, user: User, new: str) -> None:
    check_password_strength(new)
    user.password_hash = hasher(settings).hash(new)
    user.session_epoch = (user.session_epoch or 0) + 1


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
    return list(db.scalars(select(Agency).order_by(Agency.name)))

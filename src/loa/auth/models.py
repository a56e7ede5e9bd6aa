"""Province, agencies, users and their roles, API tokens, login sessions and attempts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loa.clock import utcnow
from loa.db import Base, IdMixin, TimestampMixin, UTCDateTime

ROLES = {
    "admin": ("Quản trị hệ thống", "Administrator"),
    "coordinator": ("Điều phối", "Coordinator"),
    "agency_member": ("Thành viên cơ quan", "Agency member"),
    "editor": ("Biên tập viên", "Editor"),
    "reviewer": ("Người duyệt", "Reviewer"),
    "leader": ("Lãnh đạo", "Leadership"),
    "viewer": ("Người xem", "Viewer"),
}

AGENCY_KINDS = {
    "party": ("Cơ quan Đảng", "Party body"),
    "mass_org": ("Mặt trận, đoàn thể", "Front and mass organisation"),
    "government": ("Sở, ban, ngành", "Government department"),
    "health": ("Ngành y tế", "Health sector"),
    "media": ("Cơ quan báo chí", "Press and broadcaster"),
    "district": ("Cấp huyện", "District level"),
    "other": ("Khác", "Other"),
}


class Province(IdMixin, TimestampMixin, Base):
    __tablename__ = "provinces"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    code: Mapped[str] = mapped_column(String(10), default="")
    agencies: Mapped[list[Agency]] = relationship(back_populates="province")


class Agency(IdMixin, TimestampMixin, Base):
    __tablename__ = "agencies"
    __table_args__ = (UniqueConstraint("province_id", "name"),)

    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    name: Mapped[str] = mapped_column(String(255))
    short_name: Mapped[str] = mapped_column(String(60), default="")
    kind: Mapped[str] = mapped_column(String(20), default="other")
    is_health: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    province: Mapped[Province] = relationship(back_populates="agencies")
    users: Mapped[list[User]] = relationship(back_populates="agency")


class User(IdMixin, TimestampMixin, Base):
    __tablename__ = "users"
    __audit_redact__ = {"password_hash"}

    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(255), default="")
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    password_hash: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(5), default="")
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    agency: Mapped[Agency | None] = relationship(back_populates="users")
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        """True for an administrator, or when the user holds any of ``roles``."""
        mine = self.roles
        return "admin" in mine or bool(mine.intersection(roles))


class UserRole(IdMixin, Base):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    user: Mapped[User] = relationship(back_populates="role_rows")


class ApiToken(IdMixin, Base):
    __tablename__ = "api_tokens"
    __audit_redact__ = {"token_hash"}

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    user: Mapped[User] = relationship()


class UserSession(IdMixin, Base):
    """A login in a browser: the session cookie carries its token, the server keeps only its hash. Logging out
    deletes the row, so a saved cookie stops working at once (not audited: one per login)."""

    __tablename__ = "user_sessions"
    __audit__ = False

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    user: Mapped[User] = relationship()


class LoginAttempt(IdMixin, Base):
    """Recent login attempts, for rate limiting only (not audited, pruned)."""

    __tablename__ = "login_attempts"
    __audit__ = False

    username: Mapped[str] = mapped_column(String(60), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    success: Mapped[bool] = mapped_column(Boolean, default=False)

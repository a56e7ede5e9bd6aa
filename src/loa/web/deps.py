"""Request dependencies shared by every router: settings, database session, user, roles, CSRF, rendering."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from loa import formats, hooks
from loa.auth.models import ROLES, User
from loa.auth.service import user_for_session, user_for_token
from loa.config import LANGUAGES, Settings
from loa.db import session_factory
from loa.i18n import translator

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class LoginRequired(Exception):
    """Raised when a page needs a logged-in user; HTML gets a redirect, the API a 401."""


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the handler succeeds, rolled back otherwise.

    Always use it as ``db: Session = DB``, i.e. ``Depends(get_db, scope="function")``: the commit then happens
    before the response is sent (with the default request scope FastAPI would commit after a redirect has
    already been followed)."""
    session = session_factory(request.app.state.settings.db_url)()
    session.info.update(source="api" if request.url.path.startswith("/api/") else "web")
    try:
        yield session
        session.commit()
    except BaseException:
        session.expunge_all()  # keep loaded objects readable for the error page; nothing is written
        session.rollback()
        raise
    finally:
        session.close()


DB = Depends(get_db, scope="function")  # the request's session, committed before the response


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else ""


def optional_user(request: Request, db: Session = DB) -> User | None:
    """The user of this request (API token or session cookie), or None. Sets the audit actor."""
    token = bearer_token(request)
    if token:
        user = user_for_token(db, token)
        if user is None:
            raise HTTPException(401, translator(lang(request))("Mã truy cập không hợp lệ hoặc đã bị thu hồi."))
    else:
        user = session_user(request, db)
    request.state.user = user
    if user is not None:
        db.info.update(actor_id=user.id, actor_name=user.username)
    return user


def session_user(request: Request, db: Session) -> User | None:
    """The user of the login session the cookie names (one indexed look-up); a session ended on the server
    (logout, password change, expiry, deactivated user) is dropped from the cookie."""
    sid = request.session.get("sid")
    if not sid:
        return None
    user = user_for_session(db, sid)
    if user is None:
        request.session.pop("sid", None)
    return user


def current_user(user: User | None = Depends(optional_user)) -> User:
    if user is None:
        raise LoginRequired()
    return user


current_user.error_statuses = (401, 403)  # for the API schema (loa.web.schema); 403: another agency's object


def require(*roles: str):
    """Dependency: a logged-in user holding one of ``roles`` (administrators always pass), else 403."""

    def check(request: Request, user: User = Depends(current_user)) -> User:
        if not user.has_role(*roles):
            _ = translator(lang(request))
            raise HTTPException(403, _("Bạn không có quyền thực hiện thao tác này."))
        return user

    check.error_statuses = (401, 403)
    return check


def lang(request: Request) -> str:
    chosen = request.session.get("lang") if "session" in request.scope else None
    if chosen in LANGUAGES:
        return chosen
    return request.app.state.settings.default_language


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


async def csrf_protect(request: Request) -> None:
    """Every state-changing request made with the session cookie must carry the session's CSRF token,
    as the form field ``csrf_token`` or the ``X-CSRF-Token`` header. API-token requests need none."""
    if request.method in SAFE_METHODS or bearer_token(request):
        return
    if not request.session.get("sid") and request.url.path != "/login":
        return  # anonymous public forms (e.g. citizens' questions) carry no credentials to abuse
    sent = request.headers.get("x-csrf-token", "")
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        sent = str(form.get("csrf_token", ""))
    expected = request.session.get("csrf", "")
    if not expected or not secrets.compare_digest(sent, expected):
        _ = translator(lang(request))
        raise HTTPException(
            403, _("Phiên làm việc không hợp lệ hoặc đã hết hạn (thiếu mã CSRF). Vui lòng tải lại trang.")
        )


csrf_protect.unsafe_error_statuses = (403,)


async def form_data(request: Request) -> FormData:
    """The parsed form (cached on the request, so the CSRF check's parse is reused). Only awaits the parsing:
    handlers stay plain ``def`` and do their blocking work in FastAPI's thread pool; read uploads there
    with ``upload.file.read()``."""
    return await request.form()


FORM = Depends(form_data)  # the request's parsed form, for plain ``def`` handlers


async def request_body(request: Request) -> bytes:
    """The raw request body; like ``form_data``, it only awaits the reading."""
    return await request.body()


BODY = Depends(request_body)  # the request's raw body, for plain ``def`` handlers


def emergency_notices(request: Request) -> list[dict]:
    """The emergency notices in force, for the banner on every page (hook ``current_emergency_notices``)."""
    with session_factory(request.app.state.settings.db_url)() as db:
        return [n for found in hooks.call().current_emergency_notices(db=db) for n in found or []]


def render(request: Request, template: str, context: dict | None = None, status: int = 200) -> HTMLResponse:
    """Render a page with the common context: user, language, ``_``, CSRF token, formats, navigation."""
    language = lang(request)
    ctx = {
        "request": request,
        "user": getattr(request.state, "user", None),
        "lang": language,
        "_": translator(language),
        "csrf_token": csrf_token(request),
        "fmt": formats.ForLanguage(language),
        "roles": ROLES,
        "nav": request.app.state.nav,
        "public_nav": request.app.state.public_nav,
        "province": request.app.state.settings.province,
        "emergency_notices": emergency_notices(request),
    }
    ctx.update(context or {})
    return request.app.state.templates.TemplateResponse(request, template, ctx, status_code=status)


def content_security_policy(
    frame_ancestors: str = "'none'", script_src: str = "'self'", style_src: str = "'self'"
) -> str:
    """The pages' Content-Security-Policy: scripts and styles from Loa's own files only (no inline script, no
    inline style), no plug-ins, forms posting back to Loa, framing as ``frame_ancestors`` allows."""
    return (
        f"default-src 'self'; script-src {script_src}; style-src {style_src}; img-src 'self' data:; "
        f"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors {frame_ancestors}"
    )


def embeddable(response):
    """Let any website show ``response`` in a frame (the answers widget); every other page refuses framing."""
    response.headers["Content-Security-Policy"] = content_security_policy(frame_ancestors="*")
    return response

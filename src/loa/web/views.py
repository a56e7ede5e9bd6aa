"""Core pages (login, dashboard, people, agencies, audit log) and the core JSON API."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from loa import clock, documents, hooks
from loa.audit import labels as audit_labels
from loa.audit import service as audit
from loa.auth import service as auth
from loa.auth.models import AGENCY_KINDS, Agency, ApiToken, Province, User
from loa.config import LANGUAGES, Settings
from loa.errors import UserError
from loa.jobs import service as jobs
from loa.web.deps import DB, FORM, current_user, get_settings, lang, optional_user, render, require

router = APIRouter()
api = APIRouter(tags=["core"])


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/"


def client_address(request: Request) -> str:
    """The client's address: the connecting one, or as a configured proxy forwarded it (LOA_TRUSTED_PROXIES)."""
    return request.client.host if request.client else ""


def start_session(request: Request, db: Session, settings: Settings, user: User) -> None:
    """A fresh login session for ``user`` (new server-side session and CSRF token; the cookie's previous contents
    are dropped, and a session it named ends)."""
    chosen = request.session.get("lang")
    if request.session.get("sid"):
        auth.end_session(db, request.session["sid"])
    request.session.clear()
    request.session.update(sid=auth.start_session(db, settings, user), csrf=secrets.token_urlsafe(32))
    if chosen:
        request.session["lang"] = chosen


@router.get("/healthz")
def healthz(db: Session = DB, settings: Settings = Depends(get_settings)):
    """Readiness for monitoring: the database answers; the queue, its depth, the last worker heartbeat and
    overdue periodic jobs are reported (``jobs.stale`` warns without failing the check)."""
    db.execute(text("SELECT 1"))
    return {"status": "ok", "database": "ok", "jobs": jobs.health(db, settings)}


@router.get("/fonts/khmer.ttf")
def khmer_font():
    """The Khmer font of the machine's Debian package (fonts-khmeros or fonts-noto-core), served for browsers that
    have none (``loa.css`` names it in ``@font-face`` after any installed copy)."""
    path = documents.script_font("Khmer")
    if path is None:
        raise UserError("Máy chủ chưa cài phông chữ Khmer.", "No Khmer font is installed on the server.", 404)
    return FileResponse(path, media_type="font/ttf", headers={"Cache-Control": "public, max-age=604800"})


@router.get("/login")
def login_page(request: Request, next: str = "/"):
    return render(request, "login.html", {"next": _safe_next(next)})


@router.post("/login")
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    next: str = Form("/"),
    db: Session = DB,
    settings: Settings = Depends(get_settings),
):
    try:
        user = auth.authenticate(db, settings, username, password, client_address(request))
    except auth.AuthError as exc:  # answered, not raised: the request commits the failed attempt (rate limiting)
        return render(
            request,
            "login.html",
            {"error": exc.text(lang(request)), "username": username, "next": _safe_next(next)},
            exc.status,
        )
    start_session(request, db, settings, user)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, db: Session = DB):
    """End the login session on the server (a saved copy of the cookie stops working too)."""
    if request.session.get("sid"):
        auth.end_session(db, request.session["sid"])
    chosen = request.session.get("lang")
    request.session.clear()
    if chosen:
        request.session["lang"] = chosen
    return RedirectResponse("/login", status_code=303)


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str = "/"):
    if code not in LANGUAGES:
        raise HTTPException(404)
    request.session["lang"] = code
    return RedirectResponse(_safe_next(next), status_code=303)


@router.get("/")
def home(
    request: Request,
    db: Session = DB,
    settings: Settings = Depends(get_settings),
    user: User | None = Depends(optional_user),
):
    """Staff see their dashboard; anyone else the citizens' home page."""
    if user is None:
        return render(request, "public_home.html", public_home(db))
    panels = sorted(filter(None, hooks.call().dashboard_panel(db=db, user=user)), key=lambda p: p.get("order", 100))
    health = jobs.health(db, settings) if user.has_role("coordinator") else None
    return render(request, "home.html", {"panels": panels, "jobs_stale": bool(health and health["stale"])})


def public_home(db: Session) -> dict:
    """What the citizens' home page shows: the emergency notices in force and the province's latest bulletin."""
    notices = [n for found in hooks.call().current_emergency_notices(db=db) for n in found or ()]
    code = db.scalar(select(Province.code).order_by(Province.id).limit(1))
    bulletin = hooks.call().latest_bulletin(db=db, district=code) if code else None
    if bulletin:
        bulletin = {**bulletin, "day": date.fromisoformat(bulletin["day"])}
    # the notices head the page in their own section, so the banner every other page carries is left out here
    return {"notices": notices, "emergency_notices": [], "bulletin": bulletin}


@router.get("/reports")
def reports_page(request: Request, db: Session = DB, user: User = Depends(current_user)):
    """Báo cáo: every report the modules can produce, in one place for leaders and coordinators."""
    sections = [offered for offered in hooks.call().reports_offered(db=db, user=user) if offered]
    return render(request, "reports.html", {"sections": sections})


@router.get("/account")
def account_page(request: Request, user: User = Depends(current_user), db: Session = DB):
    return render(request, "account.html", {"tokens": list(_tokens(db, user))})


def _tokens(db: Session, user: User):
    return db.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)))


@router.post("/account/password")
def password_change(
    request: Request,
    old_password: str = Form(""),
    new_password: str = Form(""),
    confirm: str = Form(""),
    revoke_tokens: bool = Form(False),
    user: User = Depends(current_user),
    db: Session = DB,
    settings: Settings = Depends(get_settings),
):
    """Change one's password: the other sessions end; with ``revoke_tokens`` the API tokens are revoked too."""
    if new_password != confirm:
        raise UserError("Mật khẩu nhập lại không khớp.", "The two new passwords differ.")
    auth.change_password(
        db, settings, user, old_password, new_password, keep=request.session.get("sid", ""), revoke_tokens=revoke_tokens
    )
    return render(request, "account.html", {"tokens": list(_tokens(db, user)), "saved": True})


@router.post("/account/tokens")
def token_create(request: Request, name: str = Form(""), user: User = Depends(current_user), db: Session = DB):
    token = auth.create_token(db, user, name)
    return render(request, "account.html", {"tokens": list(_tokens(db, user)), "new_token": token})


@router.post("/account/tokens/{token_id}/revoke")
def token_revoke(token_id: int, user: User = Depends(current_user), db: Session = DB):
    auth.revoke_token(db, user, token_id)
    return RedirectResponse("/account", status_code=303)


@router.get("/admin/users")
def users_page(request: Request, db: Session = DB, user: User = Depends(require("admin"))):
    return render(request, "users.html", {"users": auth.list_users(db), "agencies": auth.list_agencies(db)})


@router.post("/admin/users")
def users_create(
    form: FormData = FORM,
    db: Session = DB,
    settings: Settings = Depends(get_settings),
    user: User = Depends(require("admin")),
):
    agency = db.get(Agency, int(form["agency_id"])) if str(form.get("agency_id", "")).isdecimal() else None
    auth.create_user(
        db,
        settings,
        str(form.get("username", "")),
        str(form.get("password", "")),
        full_name=str(form.get("full_name", "")),
        roles=form.getlist("roles") or ["viewer"],
        agency=agency,
        email=str(form.get("email", "")),
    )
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/agencies")
def agencies_page(request: Request, db: Session = DB, user: User = Depends(require("admin", "coordinator"))):
    return render(request, "agencies.html", {"agencies": auth.list_agencies(db), "kinds": AGENCY_KINDS})


@router.post("/admin/agencies")
def agencies_create(
    name: str = Form(""),
    short_name: str = Form(""),
    kind: str = Form("other"),
    db: Session = DB,
    user: User = Depends(require("admin", "coordinator")),
):
    province = auth.get_or_create_province(db, _province(db))
    auth.create_agency(
        db,
        province,
        name,
        short_name=short_name,
        kind=kind if kind in AGENCY_KINDS else "other",
        is_health=kind == "health",
    )
    return RedirectResponse("/admin/agencies", status_code=303)


def _province(db: Session) -> str:
    return db.scalar(select(Province.name).order_by(Province.id)) or "Trà Vinh"


@router.get("/admin/audit")
def audit_page(
    request: Request,
    entity: str = "",
    action: str = "",
    actor: str = "",
    since: str = "",
    until: str = "",
    db: Session = DB,
    user: User = Depends(require("admin")),
):
    events = audit.list_events(
        db, entity=entity, action=action, actor=actor, since=_parse_day(since), until=_parse_day(until, end=True)
    )
    return render(
        request,
        "audit.html",
        {
            "events": events,
            "entities": audit.entities(db),
            "labels": audit_labels,
            "filters": {"entity": entity, "action": action, "actor": actor, "since": since, "until": until},
        },
    )


def _parse_day(value: str, end: bool = False) -> datetime | None:
    """The audit filter's bound: the start of the local day (of the next day for ``until``)."""
    if not value:
        return None
    day = clock.parse_day(value)
    return clock.local_day_start(day + timedelta(days=1) if end else day)


# ---- JSON API ---------------------------------------------------------------------------------------


class UserOut(BaseModel):
    id: int
    username: str
    full_name: str
    email: str
    agency_id: int | None
    roles: list[str]
    active: bool


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=60)
    password: str
    full_name: str = ""
    email: str = ""
    agency_id: int | None = None
    roles: list[str] = ["viewer"]


class AgencyOut(BaseModel):
    id: int
    name: str
    short_name: str
    kind: str
    is_health: bool


class AgencyIn(BaseModel):
    name: str = Field(min_length=1, max_length=255)
    short_name: str = ""
    kind: str = "other"


class TokenIn(BaseModel):
    name: str = Field(default="token", max_length=100)


def user_out(u: User) -> UserOut:
    return UserOut(
        id=u.id,
        username=u.username,
        full_name=u.full_name,
        email=u.email,
        agency_id=u.agency_id,
        roles=sorted(u.roles),
        active=u.active,
    )


def agency_out(a: Agency) -> AgencyOut:
    return AgencyOut(id=a.id, name=a.name, short_name=a.short_name, kind=a.kind, is_health=a.is_health)


@api.get("/me", response_model=UserOut)
def api_me(user: User = Depends(current_user)):
    return user_out(user)


@api.get("/users", response_model=list[UserOut])
def api_users(db: Session = DB, user: User = Depends(require("admin", "coordinator"))):
    return [user_out(u) for u in auth.list_users(db)]


@api.post("/users", response_model=UserOut, status_code=201)
def api_user_create(
    body: UserIn, db: Session = DB, settings: Settings = Depends(get_settings), user: User = Depends(require("admin"))
):
    agency = db.get(Agency, body.agency_id) if body.agency_id else None
    if body.agency_id and agency is None:
        raise UserError("Không có cơ quan này.", "No such agency.", 404)
    return user_out(
        auth.create_user(
            db,
            settings,
            body.username,
            body.password,
            full_name=body.full_name,
            roles=body.roles,
            agency=agency,
            email=body.email,
        )
    )


@api.get("/agencies", response_model=list[AgencyOut])
def api_agencies(db: Session = DB, user: User = Depends(current_user)):
    return [agency_out(a) for a in auth.list_agencies(db)]


@api.post("/agencies", response_model=AgencyOut, status_code=201)
def api_agency_create(body: AgencyIn, db: Session = DB, user: User = Depends(require("admin", "coordinator"))):
    if body.kind not in AGENCY_KINDS:
        raise UserError(f"Loại cơ quan không hợp lệ: {body.kind}", f"Unknown agency kind: {body.kind}", 422)
    province = auth.get_or_create_province(db, _province(db))
    return agency_out(
        auth.create_agency(
            db, province, body.name, short_name=body.short_name, kind=body.kind, is_health=body.kind == "health"
        )
    )


@api.post("/tokens", status_code=201)
def api_token_create(body: TokenIn, db: Session = DB, user: User = Depends(current_user)):
    return {"token": auth.create_token(db, user, body.name)}


@api.get("/audit")
def api_audit(
    entity: str = "",
    action: str = "",
    actor: str = "",
    limit: int = 200,
    db: Session = DB,
    user: User = Depends(require("admin")),
):
    return [
        {
            "id": e.id,
            "at": e.at.isoformat(),
            "actor": e.actor,
            "source": e.source,
            "action": e.action,
            "entity": e.entity,
            "entity_id": e.entity_id,
            "before": e.before,
            "after": e.after,
        }
        for e in audit.list_events(db, entity=entity, action=action, actor=actor, limit=limit)
    ]

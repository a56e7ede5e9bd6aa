"""The emergency notice screen (/emergency), one-click approval links (/emergency/a/...), the public notice page
(/khan-cap/{id}) and the JSON API."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from loa import clock
from loa.auth.models import User
from loa.channels import devices
from loa.channels import service as channels
from loa.channels.models import SCOPES
from loa.config import Settings
from loa.content import service as content
from loa.emergency import service
from loa.emergency.models import STATES
from loa.errors import UserError
from loa.jobs import service as jobs
from loa.web.deps import DB, FORM, current_user, get_settings, optional_user, render, require

router = APIRouter()
api = APIRouter(tags=["emergency"])


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _submit(db: Session, settings: Settings, request: Request, user: User, kind: str, notice, doing: str):
    """A job of ``kind`` for ``notice`` (it needs the site's address for the links it sends)."""
    params = {"notice_id": notice.id, "base_url": base_url(request)}
    return jobs.submit(db, settings, kind, params=params, user=user, title=f"{doing}: {notice.item.title}"[:200])


def _approve(db: Session, settings: Settings, notice, user: User, request: Request, via: str = "web", link=None):
    """Record ``user``'s approval; the second one starts the dispatch job."""
    if not service.approve(db, notice, user, via, link):
        return
    notice.job_id = _submit(db, settings, request, user, "emergency.dispatch", notice, "Phát thông báo khẩn").id


@router.get("/emergency")
def notices_page(request: Request, db: Session = DB, user: User = Depends(current_user)):
    return render(
        request,
        "emergency/index.html",
        {
            "notices": service.list_notices(db),
            "states": STATES,
            "writer": user.has_role(*service.WRITERS),
            "items": [i for i in content.list_items(db) if i.state in channels.LIVE_STATES][:100],
            "districts": channels.districts(db),
            "communes": channels.list_communes(db),
            "scopes": SCOPES,
            "target": None,
            "default_expiry": (clock.now_local() + timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M"),
        },
    )


@router.post("/emergency")
def notice_create(
    request: Request,
    form: FormData = FORM,
    db: Session = DB,
    user: User = Depends(require(*service.WRITERS)),
    settings: Settings = Depends(get_settings),
):
    item_ref = str(form.get("item_id", "")).strip()
    repeat = str(form.get("repeat_minutes", "30")).strip()
    if not repeat.isdecimal():
        raise UserError("Khoảng lặp lại phải là số phút.", "The repeat interval must be a number of minutes.")
    notice = service.create_notice(
        db,
        user,
        item_id=int(item_ref) if item_ref.isdecimal() else None,
        title=str(form.get("title", "")),
        body=str(form.get("body", "")),
        scope=str(form.get("scope", "province")),
        districts=[str(x) for x in form.getlist("districts")],
        commune_ids=[str(x) for x in form.getlist("communes")],
        expires_at=clock.parse_local(str(form.get("expires_at", ""))),
        repeat_minutes=int(repeat),
    )
    if settings.smtp_host:  # each approver gets their own link by e-mail at once
        _submit(db, settings, request, user, "emergency.ask_approval", notice, "Xin duyệt thông báo khẩn")
    return RedirectResponse(f"/emergency/{notice.id}", status_code=303)


@router.get("/emergency/{notice_id}")
def notice_page(
    notice_id: int,
    request: Request,
    db: Session = DB,
    user: User = Depends(current_user),
):
    notice = service.get_notice(db, notice_id)
    confirmed = devices.confirmations(db, notice.item, notice.approved_at) if notice.approved_at else []
    return render(
        request,
        "emergency/notice.html",
        {
            "notice": notice,
            "states": STATES,
            "scopes": SCOPES,
            "why_not": service.why_not(notice, user),
            "approvers": service.approvers(db, notice) if notice.state == "pending" else [],
            "communes": service.target_communes(db, notice),
            "confirmed": confirmed,
            "confirmed_count": sum(1 for c in confirmed if c["confirmed_at"]),
            "can_end": user.has_role(*service.WRITERS, "leader") and notice.state != "ended",
            "writer": user.has_role(*service.WRITERS),
            "local": devices.local,
        },
    )


@router.post("/emergency/{notice_id}/links")
def notice_links(
    notice_id: int,
    request: Request,
    db: Session = DB,
    user: User = Depends(require(*service.WRITERS)),
    settings: Settings = Depends(get_settings),
):
    """New one-click approval links, one per approver, to send them (Zalo, SMS, e-mail)."""
    notice = service.get_notice(db, notice_id)
    if notice.state != "pending":
        raise UserError("Thông báo này không còn chờ duyệt.", "This notice is no longer awaiting approval.", 409)
    links = [
        (u, base_url(request) + service.approval_link(db, settings, notice, u)) for u in service.approvers(db, notice)
    ]
    return render(request, "emergency/links.html", {"notice": notice, "links": links})


@router.post("/emergency/{notice_id}/approve")
def notice_approve(
    notice_id: int,
    request: Request,
    db: Session = DB,
    user: User = Depends(current_user),
    settings: Settings = Depends(get_settings),
):
    notice = service.get_notice(db, notice_id)
    _approve(db, settings, notice, user, request)
    return RedirectResponse(f"/emergency/{notice.id}", status_code=303)


@router.get("/emergency/a/{token}")
def link_page(
    token: str,
    request: Request,
    db: Session = DB,
    user: User = Depends(current_user),
    settings: Settings = Depends(get_settings),
):
    """The one-click approval page on a phone: the notice and one button (a link preview, which has no login,
    approves nothing)."""
    notice, _link = service.link_for(db, settings, token, user)
    return render(
        request,
        "emergency/approve.html",
        {
            "notice": notice,
            "token": token,
            "why_not": service.why_not(notice, user),
            "scopes": SCOPES,
            "communes": service.target_communes(db, notice),
        },
    )


@router.post("/emergency/a/{token}")
def link_approve(
    token: str,
    request: Request,
    db: Session = DB,
    user: User = Depends(current_user),
    settings: Settings = Depends(get_settings),
):
    notice, link = service.link_for(db, settings, token, user)
    _approve(db, settings, notice, user, request, "link", link)
    return RedirectResponse(f"/emergency/{notice.id}", status_code=303)


@router.post("/emergency/{notice_id}/end")
def notice_end(notice_id: int, db: Session = DB, user: User = Depends(require(*service.WRITERS, "leader"))):
    service.end_notice(db, service.get_notice(db, notice_id), user)
    return RedirectResponse(f"/emergency/{notice_id}", status_code=303)


@router.get("/emergency/{notice_id}/report.{fmt}")
def notice_report(notice_id: int, fmt: str, db: Session = DB, user: User = Depends(current_user)):
    found = service.report_file(db, service.get_notice(db, notice_id), fmt)
    return Response(
        found.data, media_type=found.media_type, headers={"Content-Disposition": f'attachment; filename="{found.name}"'}
    )


@router.get("/khan-cap/{notice_id}")
def public_page(notice_id: int, request: Request, db: Session = DB, user: User | None = Depends(optional_user)):
    notice = service.public_notice(db, notice_id)
    return render(
        request,
        "emergency/public.html",
        {"notice": notice, "in_force": notice.in_force(), "body_html": content.body_html, "local": devices.local},
    )


# ---- JSON API ---------------------------------------------------------------------------------------------


def notice_dict(db: Session, notice) -> dict:
    confirmed = devices.confirmations(db, notice.item, notice.approved_at) if notice.approved_at else []
    return {
        "id": notice.id,
        "title": notice.item.title,
        "state": notice.state,
        "scope": notice.scope,
        "districts": notice.districts,
        "commune_ids": notice.commune_ids,
        "expires_at": notice.expires_at.isoformat(),
        "approvals": [
            {"user": a.user.username, "via": a.via, "at": a.created_at.isoformat()} for a in notice.approvals
        ],
        "approved_at": notice.approved_at.isoformat() if notice.approved_at else None,
        "placed_at": notice.placed_at.isoformat() if notice.placed_at else None,
        "ended_at": notice.ended_at.isoformat() if notice.ended_at else None,
        "job_id": notice.job_id,
        "confirmations": [
            {
                "commune_id": c["commune"].id,
                "commune": c["commune"].name,
                "confirmed_at": c["confirmed_at"].isoformat() if c["confirmed_at"] else None,
                "seconds": c["seconds"],
            }
            for c in confirmed
        ],
    }


@api.get("/emergency/notices/{notice_id}")
def api_notice(notice_id: int, db: Session = DB, user: User = Depends(current_user)):
    """A notice, its approvals and which targeted communes confirmed playing it (seconds after approval)."""
    return notice_dict(db, service.get_notice(db, notice_id))


@api.post("/emergency/notices/{notice_id}/approve")
def api_approve(
    notice_id: int,
    request: Request,
    db: Session = DB,
    user: User = Depends(current_user),
    settings: Settings = Depends(get_settings),
):
    notice = service.get_notice(db, notice_id)
    _approve(db, settings, notice, user, request)
    return notice_dict(db, notice)

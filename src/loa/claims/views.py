"""The misinformation desk (/claims, staff), the public fact-checks (/kiem-chung, anonymous) and the JSON API."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as StarletteUpload

from loa.auth.models import User
from loa.claims import publishing, service
from loa.claims.models import STATUSES, TRIAGE_STATUSES, VERDICTS, Claim
from loa.claims.schemas import (
    CheckIn,
    ClaimChanges,
    ClaimIn,
    ClaimPatch,
    DismissIn,
    LinkIn,
    OpenIn,
    SourceIn,
    TransitionIn,
)
from loa.config import Settings
from loa.errors import UserError
from loa.jobs import service as jobs
from loa.jobs.models import Job
from loa.web.deps import BODY, DB, FORM, current_user, get_settings, lang, render, require

router = APIRouter()
api = APIRouter(tags=["claims"])


def organisation(settings: Settings) -> str:
    return f"Sở Y tế {settings.province}"


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


# Where a text the desk saw came from (an appearance's or a triage item's ``origin``), in words.
ORIGINS = {
    "answers": ("Câu hỏi của người dân", "Citizens' questions"),
    "listening": ("Lắng nghe mạng xã hội", "Social listening"),
    "zalo": ("Tin nhắn Zalo", "Zalo messages"),
    "telegram": ("Tin nhắn Telegram", "Telegram messages"),
    "messenger": ("Tin nhắn Messenger", "Messenger messages"),
    "sms": ("Tin nhắn SMS", "SMS messages"),
    "api": ("Hệ thống khác (API)", "Another system (API)"),
}


def page(request: Request, template: str, ctx: dict | None = None, status: int = 200):
    language = lang(request)
    ctx = {
        "verdicts": VERDICTS,
        "statuses": STATUSES,
        "triage_statuses": TRIAGE_STATUSES,
        "origins": ORIGINS,
        **(ctx or {}),
    }
    ctx["lbl"] = lambda mapping, key: mapping[key][0 if language == "vi" else 1] if key in mapping else key or ""
    return render(request, template, ctx, status)


def _form_id(value) -> int:
    value = str(value or "").strip()
    if not value.isdecimal():
        raise UserError("Cần chọn một tin trong danh mục.", "Choose a claim from the registry.", 422)
    return int(value)


# ---- public pages ------------------------------------------------------------------------------------


@router.get("/kiem-chung")
def public_index(request: Request, q: str = "", db: Session = DB):
    return page(request, "claims/public_index.html", {"claims": service.search_published(db, q), "q": q})


@router.get("/kiem-chung/rss.xml")
def public_rss(request: Request, db: Session = DB, settings: Settings = Depends(get_settings)):
    body = publishing.rss(service.published(db), base_url(request), organisation(settings))
    return Response(body, media_type="application/rss+xml; charset=utf-8")


@router.get("/kiem-chung/{key}")
def public_page(request: Request, key: str, db: Session = DB, settings: Settings = Depends(get_settings)):
    claim = service.published_claim(db, key)
    review = publishing.claim_review(
        claim, base_url(request), organisation(settings), service.appearances(db, claim, 5)
    )
    return page(
        request, "claims/public_page.html", {"claim": claim, "review": review, "organisation": organisation(settings)}
    )


# ---- the desk ----------------------------------------------------------------------------------------


@router.get("/claims")
def desk(request: Request, status: str = "", q: str = "", db: Session = DB, user: User = Depends(current_user)):
    claims = service.list_claims(db, status or None, q)
    counts = {s: len(service.list_claims(db, s)) for s in STATUSES}
    return page(
        request,
        "claims/desk.html",
        {
            "claims": claims,
            "status": status,
            "q": q,
            "counts": counts,
            "triage_open": service.triage_count(db),
            "can_work": user.has_role(*service.WORK_ROLES),
            "can_import": user.has_role(*service.IMPORT_ROLES),
        },
    )


def submit_import(db: Session, settings: Settings, user: User, name: str = "", data: bytes | None = None) -> Job:
    """Queue the import of a claims file, or of the starter registry when there is no file."""
    if data is None:
        return jobs.submit(db, settings, "claims.import", params={"starter": True}, user=user)
    return jobs.submit(db, settings, "claims.import", user=user, file=(name, "application/json", data))


@router.post("/claims/import")
def desk_import(
    form: FormData = FORM,
    db: Session = DB,
    settings: Settings = Depends(get_settings),
    user: User = Depends(require(*service.IMPORT_ROLES)),
):
    upload = form.get("file")
    if form.get("starter"):
        job = submit_import(db, settings, user)
    else:
        if not isinstance(upload, StarletteUpload) or not upload.filename:
            raise UserError("Hãy chọn tệp cần nhập.", "Choose a file to import.", 422)
        job = submit_import(db, settings, user, upload.filename, upload.file.read())
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/claims/new")
def claim_new_page(request: Request, user: User = Depends(current_user)):
    return page(request, "claims/new.html", {})


@router.post("/claims/new")
def claim_new(form: FormData = FORM, db: Session = DB, user: User = Depends(current_user)):
    claim = service.create_claim(
        db,
        user,
        text=form.get("text", ""),
        tags=str(form.get("tags", "")),
        original_text=form.get("original_text", ""),
        original_language=form.get("original_language", "vi"),
    )
    return RedirectResponse(f"/claims/{claim.id}", status_code=303)


@router.get("/claims/check")
def check_page(request: Request, user: User = Depends(current_user)):
    return page(request, "claims/check.html", {})


@router.post("/claims/check")
def check_submit(request: Request, form: FormData = FORM, db: Session = DB, user: User = Depends(current_user)):
    service.require_work(user)
    result = service.check_text(db, str(form.get("text", "")), record=False)  # trying a text is no sighting
    return page(
        request,
        "claims/check.html",
        {
            "result": result,
            "text": form.get("text", ""),
            "claim": db.get(Claim, result["claim_id"]) if result["claim_id"] else None,
        },
    )


@router.get("/claims/triage")
def triage_page(request: Request, db: Session = DB, user: User = Depends(current_user)):
    claims = service.list_claims(db)
    items = service.triage_queue(db)
    return page(
        request,
        "claims/triage.html",
        {
            "items": items,
            "channels": service.triage_channels(db, items),
            "claims": claims,
            "claims_by_id": {c.id: c for c in claims},
            "can_work": user.has_role(*service.WORK_ROLES),
        },
    )


@router.post("/claims/triage/{item_id}/link")
def triage_link(item_id: int, form: FormData = FORM, db: Session = DB, user: User = Depends(current_user)):
    service.triage_link(db, item_id, _form_id(form.get("claim_id")), user)
    return RedirectResponse("/claims/triage", status_code=303)


@router.post("/claims/triage/{item_id}/open")
def triage_open(item_id: int, form: FormData = FORM, db: Session = DB, user: User = Depends(current_user)):
    claim = service.triage_open(db, item_id, user, str(form.get("text", "")))
    return RedirectResponse(f"/claims/{claim.id}", status_code=303)


@router.post("/claims/triage/{item_id}/dismiss")
def triage_dismiss(item_id: int, form: FormData = FORM, db: Session = DB, user: User = Depends(current_user)):
    service.triage_dismiss(db, item_id, user, str(form.get("reason", "")))
    return RedirectResponse("/claims/triage", status_code=303)


@router.get("/claims/{claim_id}")
def claim_page(request: Request, claim_id: int, db: Session = DB, user: User = Depends(current_user)):
    claim = service.get_claim(db, claim_id)
    return page(
        request,
        "claims/claim.html",
        {
            "claim": claim,
            "appearances": service.appearances(db, claim),
            "transitions": service.allowed_transitions(claim, user),
            "can_work": user.has_role(*service.WORK_ROLES),
            "public_url": publishing.url(base_url(request), claim),
            "frozen": claim.status in ("concluded", "published"),
            "spoken_draft": claim.spoken_text or publishing.spoken_version(claim),
            "social_draft": claim.social_text or publishing.social_version(claim, base_url(request)),
        },
    )


@router.post("/claims/{claim_id}")
def claim_edit(claim_id: int, form: FormData = FORM, db: Session = DB, user: User = Depends(current_user)):
    changes = ClaimChanges(**{k: str(form.get(k)) for k in ClaimChanges.model_fields if k in form})
    service.update_claim(db, service.get_claim(db, claim_id), user, changes)
    return RedirectResponse(f"/claims/{claim_id}", status_code=303)


@router.post("/claims/{claim_id}/sources")
def claim_source(claim_id: int, form: FormData = FORM, db: Session = DB, user: User = Depends(current_user)):
    service.add_source(
        db,
        service.get_claim(db, claim_id),
        user,
        publisher=str(form.get("publisher", "")),
        url=str(form.get("url", "")),
        title=str(form.get("title", "")),
        date_=str(form.get("date", "")),
    )
    return RedirectResponse(f"/claims/{claim_id}#sources", status_code=303)


@router.post("/claims/{claim_id}/sources/{source_id}/delete")
def claim_source_delete(claim_id: int, source_id: int, db: Session = DB, user: User = Depends(current_user)):
    service.remove_source(db, service.get_claim(db, claim_id), user, source_id)
    return RedirectResponse(f"/claims/{claim_id}#sources", status_code=303)


@router.post("/claims/{claim_id}/appearances/{appearance_id}/unlink")
def claim_unlink(claim_id: int, appearance_id: int, db: Session = DB, user: User = Depends(current_user)):
    service.unlink_appearance(db, service.get_claim(db, claim_id), appearance_id, user)
    return RedirectResponse("/claims/triage", status_code=303)


@router.post("/claims/{claim_id}/status")
def claim_status(claim_id: int, form: FormData = FORM, db: Session = DB, user: User = Depends(current_user)):
    service.transition(db, service.get_claim(db, claim_id), str(form.get("to", "")), user, str(form.get("note", "")))
    return RedirectResponse(f"/claims/{claim_id}", status_code=303)


# ---- JSON API ----------------------------------------------------------------------------------------


def claim_json(claim: Claim) -> dict:
    return {
        "id": claim.id,
        "key": claim.key,
        "text": claim.text,
        "verdict": claim.verdict,
        "verdict_label": service.verdict_label(claim.verdict),
        "status": claim.status,
        "explanation": claim.explanation,
        "tags": claim.tags,
        "phrasings": claim.phrasings,
        "original_text": claim.original_text,
        "original_language": claim.original_language,
        "sources": [
            {
                "id": s.id,
                "publisher": s.publisher,
                "title": s.title,
                "url": s.url,
                "date": s.date.isoformat() if s.date else None,
            }
            for s in claim.sources
        ],
        "times_seen": claim.times_seen,
        "reach": claim.reach,
        "first_seen_at": claim.first_seen_at,
        "last_seen_at": claim.last_seen_at,
        "author_id": claim.author_id,
        "concluded_by_id": claim.concluded_by_id,
        "concluded_at": claim.concluded_at,
        "published_by_id": claim.published_by_id,
        "published_at": claim.published_at,
        "spoken_text": claim.spoken_text,
        "social_text": claim.social_text,
        "content_item_id": claim.content_item_id,
    }


def triage_json(item, channels: dict[str, int] | None = None) -> dict:
    return {
        "id": item.id,
        "text": item.text,
        "origin": item.origin,
        "channels": channels or {},
        "reach": item.reach,
        "times_seen": item.times_seen,
        "checkworthiness": item.checkworthiness,
        "priority": item.priority,
        "status": item.status,
        "claim_id": item.claim_id,
        "reason": item.reason,
        "suggested_claim_id": item.suggested_claim_id,
        "suggested_score": item.suggested_score,
    }


@api.get("/claims")
def api_list(status: str | None = None, q: str = "", db: Session = DB, user: User = Depends(current_user)):
    return [claim_json(c) for c in service.list_claims(db, status, q)]


@api.post("/claims", status_code=201)
def api_create(body: ClaimIn, db: Session = DB, user: User = Depends(current_user)):
    data = body.model_dump(exclude={"sources"})
    claim = service.create_claim(db, user, **data)
    for s in body.sources:
        service.add_source(db, claim, user, publisher=s.publisher, url=s.url, title=s.title, date_=s.date)
    return claim_json(claim)


@api.post("/claims/import", status_code=202)
def api_import(
    body: bytes = BODY,
    db: Session = DB,
    settings: Settings = Depends(get_settings),
    user: User = Depends(require(*service.IMPORT_ROLES)),
):
    """Queue the import of a claims file (the JSON body), all or nothing. Follow the job at
    ``GET /api/v1/jobs/{id}``: its result holds ``created``, ``updated`` and ``unchanged``; a bad file fails it
    with each bad entry's line."""
    job = submit_import(db, settings, user, "claims.json", body)
    return {"job": {"id": job.id, "status": job.status, "url": f"/api/v1/jobs/{job.id}"}}


@api.post("/claims/match")
def api_match(body: CheckIn, db: Session = DB, user: User = Depends(current_user)):
    """Look only: the decision for a text, nothing recorded."""
    return service.check_text(db, body.text, record=False)


@api.post("/claims/check")
def api_check(body: CheckIn, db: Session = DB, user: User = Depends(current_user)):
    """Check and record: link a match, offer a suggestion, or queue a check-worthy text for triage."""
    service.require_work(user)
    return service.check_text(db, body.text, reach=body.reach, origin=body.origin[:20], ref=body.ref)


@api.get("/claims/triage")
def api_triage(db: Session = DB, user: User = Depends(current_user)):
    items = service.triage_queue(db)
    channels = service.triage_channels(db, items)
    return [triage_json(i, channels.get(i.id)) for i in items]


@api.post("/claims/triage/{item_id}/link")
def api_triage_link(item_id: int, body: LinkIn, db: Session = DB, user: User = Depends(current_user)):
    return claim_json(service.triage_link(db, item_id, body.claim_id, user))


@api.post("/claims/triage/{item_id}/open", status_code=201)
def api_triage_open(item_id: int, body: OpenIn, db: Session = DB, user: User = Depends(current_user)):
    return claim_json(service.triage_open(db, item_id, user, body.text))


@api.post("/claims/triage/{item_id}/dismiss")
def api_triage_dismiss(item_id: int, body: DismissIn, db: Session = DB, user: User = Depends(current_user)):
    return triage_json(service.triage_dismiss(db, item_id, user, body.reason))


@api.get("/claims/{claim_id}")
def api_get(claim_id: int, db: Session = DB, user: User = Depends(current_user)):
    return claim_json(service.get_claim(db, claim_id))


@api.patch("/claims/{claim_id}")
def api_patch(claim_id: int, body: ClaimPatch, db: Session = DB, user: User = Depends(current_user)):
    return claim_json(service.update_claim(db, service.get_claim(db, claim_id), user, body))


@api.post("/claims/{claim_id}/sources", status_code=201)
def api_source(claim_id: int, body: SourceIn, db: Session = DB, user: User = Depends(current_user)):
    claim = service.get_claim(db, claim_id)
    service.add_source(db, claim, user, publisher=body.publisher, url=body.url, title=body.title, date_=body.date)
    return claim_json(claim)


@api.post("/claims/{claim_id}/appearances/{appearance_id}/unlink")
def api_unlink(claim_id: int, appearance_id: int, db: Session = DB, user: User = Depends(current_user)):
    return triage_json(service.unlink_appearance(db, service.get_claim(db, claim_id), appearance_id, user))


@api.post("/claims/{claim_id}/transition")
def api_transition(claim_id: int, body: TransitionIn, db: Session = DB, user: User = Depends(current_user)):
    return claim_json(service.transition(db, service.get_claim(db, claim_id), body.to, user, body.note))


@api.get("/claims/{claim_id}/claimreview")
def api_claimreview(request: Request, claim_id: int, db: Session = DB, settings: Settings = Depends(get_settings)):
    claim = service.get_claim(db, claim_id)
    if claim.status != "published":
        raise UserError("Tin chưa được đăng.", "The claim is not published.", 404)
    return publishing.claim_review(claim, base_url(request), organisation(settings), service.appearances(db, claim, 5))

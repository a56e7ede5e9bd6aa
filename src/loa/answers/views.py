"""Public question page and widget, staff pages (entries, queue, import/export) and the answers JSON API."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from loa import ratelimit
from loa.answers import service, transfer
from loa.answers.models import GROUP_STATUSES, STATUSES
from loa.answers.schemas import AskIn, EntryIn, GroupAnswerIn
from loa.auth.models import User
from loa.config import Settings
from loa.errors import UserError
from loa.jobs import service as jobs
from loa.jobs.models import Job
from loa.web.deps import DB, current_user, embeddable, get_settings, render, require

router = APIRouter()
api = APIRouter(prefix="/answers", tags=["answers"])

WRITERS = ("editor", "coordinator")
REVIEWERS = ("reviewer",)


def index_dir(settings: Settings):
    return settings.data_dir / "indexes"


def entry_json(entry) -> dict:
    return {
        "id": entry.id,
        "question": entry.question,
        "alternatives": entry.alternatives,
        "answer": entry.answer,
        "source": entry.source,
        "source_url": entry.source_url,
        "source_date": entry.source_date.isoformat() if entry.source_date else None,
        "tags": entry.tags,
        "status": entry.status,
        "reviewed_at": entry.reviewed_at.isoformat() if entry.reviewed_at else None,
    }


def group_json(group, channels: dict[str, int] | None = None) -> dict:
    return {
        "id": group.id,
        "text": group.text,
        "count": group.count,
        "status": group.status,
        "entry_id": group.entry_id,
        "questions": [q.text for q in group.questions],
        "channels": channels or {},
    }


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _tags(value: str) -> list[str]:
    return [t.strip() for t in value.split(",") if t.strip()]


# ---- public: ask page and embeddable widget
def client_of(request: Request) -> str:
    """The asker's address (as the configured proxies forward it), the key of the anonymous rate limit."""
    return request.client.host if request.client else ""


@router.get("/hoi-dap")
def ask_page(request: Request):
    return render(request, "answers/ask.html", {"result": None, "question": ""})


@router.post("/hoi-dap")
def ask_form(request: Request, question: str = Form(""), db: Session = DB, settings: Settings = Depends(get_settings)):
    widget = request.query_params.get("widget") == "1"
    try:
        ratelimit.allow(settings, "ask", client_of(request))
        result = service.ask(db, question, index_dir=index_dir(settings), channel="widget" if widget else "web")
        error = None
    except UserError as exc:
        result, error = None, exc
    ctx = {"result": result, "question": question, "error": error, "widget": widget}
    status = error.status if error else 200
    if request.headers.get("hx-request"):
        response = render(request, "answers/_result.html", ctx, status)
    else:
        response = render(request, "answers/widget.html" if widget else "answers/ask.html", ctx, status)
    return embeddable(response) if widget else response


@router.get("/hoi-dap/cau-hoi/{entry_id}")
def public_entry(request: Request, entry_id: int, db: Session = DB):
    """One approved answer, as the page's "Có thể bạn muốn hỏi" suggestions link to it."""
    return render(request, "answers/public_entry.html", {"entry": service.public_entry(db, entry_id)})


@router.get("/hoi-dap/widget")
def widget(request: Request):
    """A small page meant for an <iframe> on the province's and districts' websites."""
    return embeddable(render(request, "answers/widget.html", {"result": None, "question": "", "widget": True}))


# ---- staff pages
@router.get("/answers")
def staff_home(request: Request, status: str = "", db: Session = DB, user: User = Depends(current_user)):
    groups = service.list_groups(db, "open") + service.list_groups(db, "drafted")
    return render(
        request,
        "answers/index.html",
        {
            "entries": service.list_entries(db, status if status in STATUSES else None),
            "status": status,
            "groups": groups,
            "channels": service.channel_counts(db, [g.id for g in groups]),
            "channel_labels": service.CHANNELS,
            "statuses": STATUSES,
            "can_write": user.has_role(*WRITERS),
            "can_review": user.has_role(*REVIEWERS),
        },
    )


@router.get("/answers/entries/new")
def new_entry_page(request: Request, user: User = Depends(require(*WRITERS))):
    return render(request, "answers/entry_form.html", {})


@router.post("/answers/entries")
def new_entry(
    request: Request,
    question: str = Form(""),
    alternatives: str = Form(""),
    answer: str = Form(""),
    source: str = Form(""),
    source_url: str = Form(""),
    source_date: str = Form(""),
    tags: str = Form(""),
    db: Session = DB,
    user: User = Depends(require(*WRITERS)),
):
    entry = service.create_entry(
        db,
        {
            "question": question,
            "alternatives": _lines(alternatives),
            "answer": answer,
            "source": source,
            "source_url": source_url,
            "source_date": source_date,
            "tags": _tags(tags),
        },
        author=user,
    )
    return RedirectResponse(f"/answers/entries/{entry.id}", status_code=303)


@router.get("/answers/entries/{entry_id}")
def entry_page(request: Request, entry_id: int, db: Session = DB, user: User = Depends(current_user)):
    entry = service.get_entry(db, entry_id)
    return render(
        request,
        "answers/entry.html",
        {
            "entry": entry,
            "can_review": user.has_role(*REVIEWERS),
            "can_approve": service.may_approve(entry, user),
            "offered": [g for g in service.offered_groups(db, entry) if g.status in ("open", "drafted")],
        },
    )


@router.post("/answers/entries/{entry_id}/approve")
def approve_form(entry_id: int, db: Session = DB, user: User = Depends(require(*REVIEWERS))):
    service.approve(db, service.get_entry(db, entry_id), user)
    return RedirectResponse(f"/answers/entries/{entry_id}", status_code=303)


@router.post("/answers/entries/{entry_id}/retire")
def retire_form(entry_id: int, db: Session = DB, user: User = Depends(require(*REVIEWERS))):
    service.retire(db, service.get_entry(db, entry_id))
    return RedirectResponse(f"/answers/entries/{entry_id}", status_code=303)


@router.get("/answers/queue/{group_id}")
def group_page(request: Request, group_id: int, db: Session = DB, user: User = Depends(current_user)):
    return render(
        request, "answers/group.html", {"group": service.get_group(db, group_id), "can_write": user.has_role(*WRITERS)}
    )


@router.post("/answers/queue/{group_id}/answer")
def group_answer_form(
    group_id: int,
    question: str = Form(""),
    answer: str = Form(""),
    source: str = Form(""),
    source_url: str = Form(""),
    source_date: str = Form(""),
    tags: str = Form(""),
    db: Session = DB,
    user: User = Depends(require(*WRITERS)),
):
    entry = service.answer_group(
        db,
        service.get_group(db, group_id),
        {
            "question": question,
            "answer": answer,
            "source": source,
            "source_url": source_url,
            "source_date": source_date,
            "tags": _tags(tags),
        },
        user,
    )
    return RedirectResponse(f"/answers/entries/{entry.id}", status_code=303)


@router.post("/answers/queue/{group_id}/offer/confirm")
def group_offer_confirm(group_id: int, db: Session = DB, user: User = Depends(require(*WRITERS))):
    service.confirm_offer(db, service.get_group(db, group_id))
    return RedirectResponse(f"/answers/queue/{group_id}", status_code=303)


@router.post("/answers/queue/{group_id}/offer/decline")
def group_offer_decline(group_id: int, db: Session = DB, user: User = Depends(require(*WRITERS))):
    service.decline_offer(db, service.get_group(db, group_id))
    return RedirectResponse(f"/answers/queue/{group_id}", status_code=303)


@router.post("/answers/queue/{group_id}/dismiss")
def group_dismiss_form(group_id: int, db: Session = DB, user: User = Depends(require(*WRITERS))):
    service.dismiss_group(db, service.get_group(db, group_id))
    return RedirectResponse("/answers", status_code=303)


def submit_import(db: Session, settings: Settings, user: User, file: UploadFile, status: str) -> Job:
    """Queue the import of an uploaded file (its entries arrive unapproved, whatever ``status`` says)."""
    if status not in STATUSES:
        raise UserError(f"Trạng thái không hợp lệ: {status}.", f"Invalid status: {status}.", 422)
    name = Path(file.filename or "hoi-dap.csv").name
    return jobs.submit(
        db,
        settings,
        "answers.import",
        user=user,
        params={"filename": name, "status": status},
        file=(name, file.content_type or "text/csv", file.file.read()),
    )


@router.get("/answers/import")
def import_page(request: Request, user: User = Depends(require(*WRITERS))):
    return render(request, "answers/import.html", {})


@router.post("/answers/import")
def import_form(
    file: UploadFile = File(...),
    db: Session = DB,
    settings: Settings = Depends(get_settings),
    user: User = Depends(require(*WRITERS)),
):
    job = submit_import(db, settings, user, file, "draft")
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/answers/export.{fmt}")
def export(fmt: str, status: str = "", db: Session = DB, user: User = Depends(current_user)):
    entries = service.list_entries(db, status if status in STATUSES else None)
    if fmt == "csv":
        return Response(
            transfer.export_csv(entries),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="hoi-dap.csv"'},
        )
    if fmt == "xlsx":
        return Response(
            transfer.export_xlsx(entries),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": 'attachment; filename="hoi-dap.xlsx"'},
        )
    raise UserError("Định dạng không hỗ trợ (csv hoặc xlsx).", "Unsupported format (csv or xlsx).", 404)


# ---- JSON API
@api.post("/ask")
def api_ask(request: Request, body: AskIn, db: Session = DB, settings: Settings = Depends(get_settings)):
    """Ask a question (anonymous). Unanswered questions are queued PII-scrubbed, with nothing about the asker.
    Each address may ask ``LOA_ANONYMOUS_RATE`` questions, everyone together ``LOA_ANONYMOUS_TOTAL_RATE``; beyond
    them the answer is 429."""
    ratelimit.allow(settings, "ask", client_of(request))
    return service.ask(db, body.question, index_dir=index_dir(settings), channel="api")


@api.get("/entries")
def api_entries(status: str = "", db: Session = DB, user: User = Depends(current_user)):
    return [entry_json(e) for e in service.list_entries(db, status if status in STATUSES else None)]


@api.post("/entries", status_code=201)
def api_create(body: EntryIn, db: Session = DB, user: User = Depends(require(*WRITERS))):
    return entry_json(service.create_entry(db, body.model_dump(), author=user))


@api.post("/entries/{entry_id}/approve")
def api_approve(entry_id: int, db: Session = DB, user: User = Depends(require(*REVIEWERS))):
    return entry_json(service.approve(db, service.get_entry(db, entry_id), user))


@api.post("/entries/{entry_id}/retire")
def api_retire(entry_id: int, db: Session = DB, user: User = Depends(require(*REVIEWERS))):
    return entry_json(service.retire(db, service.get_entry(db, entry_id)))


@api.get("/unanswered")
def api_unanswered(status: str = "open", db: Session = DB, user: User = Depends(current_user)):
    groups = service.list_groups(db, status if status in GROUP_STATUSES else None)
    channels = service.channel_counts(db, [g.id for g in groups])
    return [group_json(g, channels.get(g.id)) for g in groups]


@api.post("/unanswered/{group_id}/answer", status_code=201)
def api_answer_group(group_id: int, body: GroupAnswerIn, db: Session = DB, user: User = Depends(require(*WRITERS))):
    return entry_json(service.answer_group(db, service.get_group(db, group_id), body.model_dump(), user))


@api.post("/unanswered/{group_id}/dismiss")
def api_dismiss_group(group_id: int, db: Session = DB, user: User = Depends(require(*WRITERS))):
    return group_json(service.dismiss_group(db, service.get_group(db, group_id)))


@api.post("/import", status_code=202)
def api_import(
    file: UploadFile = File(...),
    status: str = Form("draft"),
    db: Session = DB,
    settings: Settings = Depends(get_settings),
    user: User = Depends(require(*WRITERS)),
):
    """Queue the import of a CSV, XLSX or UIT-ViCoV19QA pipe-format file; all-or-nothing, a fault fails the job
    with its line. Follow the job at ``GET /api/v1/jobs/{id}``; its result holds ``created`` and ``skipped``."""
    job = submit_import(db, settings, user, file, status)
    return {"job": {"id": job.id, "status": job.status, "url": f"/api/v1/jobs/{job.id}"}}

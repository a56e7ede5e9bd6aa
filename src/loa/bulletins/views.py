"""Pages: statistics import (a checking job, its validation preview, an import job), a unit's epidemic page,
bulletin drafts; the JSON API."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup, escape
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from loa.auth.models import User
from loa.bulletins import charts, service
from loa.bulletins.gazetteer import gazetteer
from loa.bulletins.importer import check_options
from loa.bulletins.jobs import chosen_mode
from loa.bulletins.models import METRICS
from loa.bulletins.schemas import DraftIn
from loa.clock import parse_date
from loa.config import Settings
from loa.errors import UserError
from loa.jobs import service as jobs
from loa.jobs.models import Job
from loa.text import sort_by
from loa.web.deps import DB, FORM, current_user, get_settings, lang, render, require

IMPORTERS = ("coordinator", "agency_member")  # the people who receive the health sector's figures
WRITERS = ("coordinator", "editor")  # the people who turn figures into a bulletin for review

router = APIRouter()
api = APIRouter(prefix="/bulletins", tags=["bulletins"])


def _day(value: str | None, unit_code: str, db: Session) -> date:
    """The asked day, or the unit's latest day with data."""
    if value:
        parsed = parse_date(value)
        if parsed is None:
            raise UserError(f"Ngày không hợp lệ: {value}", f"Invalid date: {value}")
        return parsed
    latest = service.latest_day(db, unit_code)
    if latest is None:
        raise UserError("Đơn vị này chưa có số liệu.", "This unit has no data yet.", 404)
    return latest


def markdown_html(text: str) -> Markup:
    """The draft's small Markdown (headings, bold, italics, paragraphs) as safe HTML."""
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        html = str(escape(block.strip()))
        html = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html)
        html = re.sub(r"(?<!\w)\*([^*]+)\*(?!\w)", r"<em>\1</em>", html)
        heading = re.match(r"^(#{1,3}) (.*)$", html)
        if heading:
            level = len(heading.group(1)) + 1
            out.append(f"<h{level}>{heading.group(2)}</h{level}>")
        elif html == "---":
            out.append("<hr>")
        else:
            out.append(f"<p>{html}</p>")
    return Markup("\n".join(out))


def _upload(file: UploadFile, mode: str, metric: str, settings: Settings) -> tuple[dict, tuple[str, str, bytes]]:
    """The job parameters and input file of an upload, refused at once when too large or badly asked for."""
    content = file.file.read()
    service.check_size(content, settings.max_upload_mb)
    check_options(chosen_mode(mode), metric)
    filename = Path(file.filename or "upload.csv").name
    return {"filename": filename, "mode": mode, "metric": metric}, (filename, file.content_type or "text/csv", content)


def _checked(db: Session, job_id: int, user: User) -> Job:
    """A finished check of a file this person uploaded (administrators: anyone's)."""
    job = jobs.get_job(db, job_id)
    if not jobs.visible(job, user) or job.kind != "bulletins.check":
        raise UserError("Không tìm thấy tệp đã kiểm tra.", "Checked file not found.", 404)
    if job.status != "done":
        raise UserError(
            "Tệp chưa được kiểm tra xong: xem trang công việc.",
            "The file check has not finished: see its job page.",
            409,
        )
    return job


def _preview(job: Job, **extra) -> dict:
    report = job.result["report"]
    return {
        "a": report,
        "job_id": job.id,
        "filename": job.params["filename"],
        "metrics": METRICS,
        "errors": [p for p in report["problems"] if p["severity"] == "error"],
        "warnings": [p for p in report["problems"] if p["severity"] == "warning"],
        "first_day": date.fromisoformat(report["first_day"]) if report["first_day"] else None,
        "last_day": date.fromisoformat(report["last_day"]) if report["last_day"] else None,
        "earlier": job.result["already_imported"],
        **extra,
    }


def job_ref(job: Job) -> dict:
    return {"id": job.id, "status": job.status, "url": f"/api/v1/jobs/{job.id}"}


# ---- pages ------------------------------------------------------------------------------------------------


@router.get("/bulletins")
def index(
    request: Request, db: Session = DB, user: User = Depends(current_user), settings: Settings = Depends(get_settings)
):
    home = service.home_unit(settings.province)
    return render(
        request,
        "bulletins/index.html",
        {
            "units": service.units_with_data(db),
            "imports": service.list_imports(db),
            "home": home,
            "provinces": sort_by(gazetteer().provinces(), lambda u: u.name),
            "metrics": METRICS,
            "can_import": user.has_role(*IMPORTERS),
            "can_write": user.has_role(*WRITERS),
            "imported": request.query_params.get("imported"),
        },
    )


@router.post("/bulletins/import")
def import_upload(
    file: UploadFile = File(...),
    mode: str = Form("auto"),
    metric: str = Form("cases"),
    db: Session = DB,
    user: User = Depends(require(*IMPORTERS)),
    settings: Settings = Depends(get_settings),
):
    """Keep the file in a checking job; its job page leads to the preview."""
    params, upload = _upload(file, mode, metric, settings)
    job = jobs.submit(db, settings, "bulletins.check", params=params, user=user, file=upload)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/bulletins/import/{job_id}")
def import_preview(request: Request, job_id: int, db: Session = DB, user: User = Depends(require(*IMPORTERS))):
    return render(request, "bulletins/preview.html", _preview(_checked(db, job_id, user)))


@router.post("/bulletins/import/{job_id}/confirm")
def import_confirm(
    request: Request,
    job_id: int,
    form: FormData = FORM,
    db: Session = DB,
    user: User = Depends(require(*IMPORTERS)),
    settings: Settings = Depends(get_settings),
):
    """Queue the import of a checked file once it has no error and every warning is accepted."""
    check = _checked(db, job_id, user)
    accepted = {str(v) for v in form.getlist("accept")}
    refused = service.refusal(check.result["report"]["problems"], accepted)
    if refused:
        return render(
            request,
            "bulletins/preview.html",
            _preview(check, error=refused.text(lang(request)), accepted=accepted),
            422,
        )
    source = jobs.input_file(db, check)
    job = jobs.submit(
        db,
        settings,
        "bulletins.import",
        params={**check.params, "accept": sorted(accepted)},
        user=user,
        file=(source.name, source.media_type, source.data),
    )
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/bulletins/units/{code}")
def unit_page(
    request: Request, code: str, day: str | None = None, db: Session = DB, user: User = Depends(current_user)
):
    unit = service.unit_or_404(code)
    when = _day(day, unit.code, db)
    return render(
        request,
        "bulletins/unit.html",
        {
            "unit": unit,
            "day": when,
            "f": service.figures(db, unit, when),
            "charts": charts.CHARTS,
            "can_write": user.has_role(*WRITERS),
        },
    )


@router.get("/bulletins/units/{code}/charts/{chart}.{fmt}")
def chart_image(
    code: str, chart: str, fmt: str, day: str | None = None, db: Session = DB, user: User = Depends(current_user)
):
    unit = service.unit_or_404(code)
    when = _day(day, unit.code, db)
    return Response(
        charts.render(db, unit, when, chart, fmt),
        media_type=charts.FORMATS[fmt],
        headers={"Cache-Control": "private, max-age=300"},
    )


@router.get("/bulletins/units/{code}/draft")
def draft_page(
    request: Request, code: str, day: str | None = None, db: Session = DB, user: User = Depends(current_user)
):
    unit = service.unit_or_404(code)
    when = _day(day, unit.code, db)
    _f, text = service.draft(db, unit, when)
    return render(
        request,
        "bulletins/draft.html",
        {
            "unit": unit,
            "day": when,
            "html": markdown_html(text),
            "text": text,
            "charts": charts.TITLES,
            "can_write": user.has_role(*WRITERS),
        },
    )


@router.post("/bulletins/units/{code}/draft")
def draft_save(
    code: str,
    day: str = Form(...),
    db: Session = DB,
    user: User = Depends(require(*WRITERS)),
    settings: Settings = Depends(get_settings),
):
    unit = service.unit_or_404(code)
    bulletin = service.save_bulletin(db, unit, _day(day, unit.code, db), user, settings=settings)
    target = f"/content/{bulletin.content_item_id}" if bulletin.content_item_id else f"/bulletins/units/{unit.code}"
    return RedirectResponse(target, status_code=303)


@router.get("/bulletins/go")
def go(unit: str, day: str = "", db: Session = DB, user: User = Depends(current_user)):
    """The bulletin form on the index page: any unit name or code → that unit's draft."""
    found = service.unit_or_404(unit)
    return RedirectResponse(f"/bulletins/units/{found.code}/draft" + (f"?day={day}" if day else ""), status_code=303)


# ---- JSON API ---------------------------------------------------------------------------------------------


@api.post("/imports", status_code=202)
def api_import(
    file: UploadFile = File(...),
    mode: str = Form("auto"),
    metric: str = Form("cases"),
    accept: str = Form("", description="Comma-separated problem ids to accept, or 'all'"),
    dry_run: bool = Form(False),
    db: Session = DB,
    user: User = Depends(require(*IMPORTERS)),
    settings: Settings = Depends(get_settings),
):
    """Queue the check of a CSV/XLSX file (``dry_run``) or its import, stored once it has no error and every
    warning is accepted. Follow the job at ``GET /api/v1/jobs/{id}``: its result holds the report
    (``report``, ``already_imported``) and, for an import, ``import_id``, ``created`` and ``points``; a refused
    file fails the job with the problems in ``errors``."""
    params, upload = _upload(file, mode, metric, settings)
    if dry_run:
        job = jobs.submit(db, settings, "bulletins.check", params=params, user=user, file=upload)
    else:
        ids = "all" if accept.strip() == "all" else sorted({a.strip() for a in accept.split(",") if a.strip()})
        job = jobs.submit(db, settings, "bulletins.import", params={**params, "accept": ids}, user=user, file=upload)
    return {"job": job_ref(job)}


@api.get("/units")
def api_units(db: Session = DB, user: User = Depends(current_user)):
    return [
        {
            "code": r["unit"].code,
            "name": r["unit"].name,
            "day": r["day"],
            "new_cases": r["daily"],
            "total_cases": r["total"],
        }
        for r in service.units_with_data(db)
    ]


@api.get("/units/{code}/figures")
def api_figures(code: str, day: str | None = None, db: Session = DB, user: User = Depends(current_user)):
    unit = service.unit_or_404(code)
    f = service.figures(db, unit, _day(day, unit.code, db))
    data = {k: v for k, v in vars(f).items() if k != "unit"}
    return {"unit": {"code": unit.code, "name": unit.name, "population": unit.population}, **data}


@api.post("/drafts", status_code=201)
def api_draft(
    body: DraftIn,
    db: Session = DB,
    user: User = Depends(require(*WRITERS)),
    settings: Settings = Depends(get_settings),
):
    """Draft the bulletin for a unit and day and hand it to the content workflow (awaiting review), its charts
    attached as images."""
    unit = service.unit_or_404(body.unit)
    bulletin = service.save_bulletin(db, unit, body.day, user, settings=settings)
    return {
        "id": bulletin.id,
        "title": bulletin.title,
        "body": bulletin.body,
        "content_item_id": bulletin.content_item_id,
    }

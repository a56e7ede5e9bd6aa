"""Pages: statistics import with its validation preview, a unit's epidemic page, bulletin drafts; the JSON API."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup, escape
from pydantic import BaseModel
from sqlalchemy.orm import Session

from loa.auth.models import User
from loa.bulletins import charts, service
from loa.bulletins.gazetteer import gazetteer
from loa.bulletins.importer import parse_date
from loa.bulletins.models import METRICS
from loa.config import Settings
from loa.errors import UserError
from loa.web.deps import DB, current_user, get_settings, lang, render, require

IMPORTERS = ("coordinator", "agency_member")  # the people who receive the health sector's figures
WRITERS = ("coordinator", "editor")  # the people who turn figures into a bulletin for review

router = APIRouter()
api = APIRouter(prefix="/bulletins", tags=["bulletins"])


def _within(settings: Settings) -> str | None:
    home = service.home_unit(settings.province)
    return home.code if home else None


def _day(value: str | None, unit_code: str, db: Session) -> date:
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


def _pending_dir(settings: Settings) -> Path:
    path = settings.files_dir / "bulletins" / "pending"
    path.mkdir(parents=True, exist_ok=True)
    return path


# ---- pages ------------------------------------------------------------------------------------------------

@router.get("/bulletins")
def index(request: Request, db: Session = DB, user: User = Depends(current_user),
          settings: Settings = Depends(get_settings)):
    home = service.home_unit(settings.province)
    return render(request, "bulletins/index.html", {
        "units": service.units_with_data(db), "imports": service.list_imports(db), "home": home,
        "provinces": sorted(gazetteer().provinces(), key=lambda u: u.name), "metrics": METRICS,
        "can_import": user.has_role(*IMPORTERS), "can_write": user.has_role(*WRITERS),
        "imported": request.query_params.get("imported")})


@router.post("/bulletins/import")
async def import_preview(request: Request, file: UploadFile = File(...), mode: str = Form("auto"),
                         metric: str = Form("cases"), db: Session = DB,
                         user: User = Depends(require(*IMPORTERS)), settings: Settings = Depends(get_settings)):
    content = await file.read()
    service.check_size(content, settings.max_upload_mb)
    filename = Path(file.filename or "upload.csv").name
    analysis, earlier = service.preview(db, content, filename, None if mode == "auto" else mode, metric,
                                        _within(settings))
    token = analysis.content_hash
    (_pending_dir(settings) / token).write_bytes(content)
    return render(request, "bulletins/preview.html", {"a": analysis, "earlier": earlier, "token": token,
                                                      "filename": filename, "mode": mode, "metric": metric,
                                                      "metrics": METRICS})


@router.post("/bulletins/import/confirm")
async def import_confirm(request: Request, db: Session = DB, user: User = Depends(require(*IMPORTERS)),
                         settings: Settings = Depends(get_settings)):
    form = await request.form()
    token = str(form.get("token", ""))
    path = _pending_dir(settings) / token
    if not re.fullmatch(r"[0-9a-f]{64}", token) or not path.exists():
        raise UserError("Không còn tệp đang chờ nhập; hãy tải tệp lên lại.", "No pending file; upload it again.", 404)
    mode, metric = str(form.get("mode", "auto")), str(form.get("metric", "cases"))
    filename = str(form.get("filename", "upload.csv"))
    accepted = {str(v) for v in form.getlist("accept")}
    content = path.read_bytes()
    try:
        record, _created = service.import_stats(db, content, filename, mode=None if mode == "auto" else mode,
                                                metric=metric, accepted=accepted, user=user,
                                                within=_within(settings))
    except UserError as exc:
        if not exc.details:
            raise
        analysis, earlier = service.preview(db, content, filename, None if mode == "auto" else mode, metric,
                                            _within(settings))
        return render(request, "bulletins/preview.html", {
            "a": analysis, "earlier": earlier, "token": token, "filename": filename, "mode": mode,
            "metric": metric, "metrics": METRICS, "error": exc.text(lang(request)), "accepted": accepted}, 422)
    path.unlink(missing_ok=True)
    return RedirectResponse(f"/bulletins?imported={record.id}", status_code=303)


@router.get("/bulletins/units/{code}")
def unit_page(request: Request, code: str, day: str | None = None, db: Session = DB,
              user: User = Depends(current_user)):
    unit = service.unit_or_404(code)
    when = _day(day, unit.code, db)
    return render(request, "bulletins/unit.html", {
        "unit": unit, "day": when, "f": service.figures(db, unit, when), "charts": charts.CHARTS,
        "can_write": user.has_role(*WRITERS)})


@router.get("/bulletins/units/{code}/charts/{chart}.{fmt}")
def chart_image(code: str, chart: str, fmt: str, day: str | None = None, db: Session = DB,
                user: User = Depends(current_user)):
    unit = service.unit_or_404(code)
    when = _day(day, unit.code, db)
    return Response(charts.render(db, unit, when, chart, fmt), media_type=charts.FORMATS[fmt],
                    headers={"Cache-Control": "private, max-age=300"})


@router.get("/bulletins/units/{code}/draft")
def draft_page(request: Request, code: str, day: str | None = None, db: Session = DB,
               user: User = Depends(current_user)):
    unit = service.unit_or_404(code)
    when = _day(day, unit.code, db)
    _f, text = service.draft(db, unit, when)
    return render(request, "bulletins/draft.html", {"unit": unit, "day": when, "html": markdown_html(text),
                                                    "text": text, "can_write": user.has_role(*WRITERS)})


@router.post("/bulletins/units/{code}/draft")
def draft_save(code: str, day: str = Form(...), db: Session = DB, user: User = Depends(require(*WRITERS))):
    unit = service.unit_or_404(code)
    bulletin = service.save_bulletin(db, unit, _day(day, unit.code, db), user)
    target = f"/content/{bulletin.content_item_id}" if bulletin.content_item_id else f"/bulletins/units/{unit.code}"
    return RedirectResponse(target, status_code=303)


@router.get("/bulletins/go")
def go(unit: str, day: str = "", db: Session = DB, user: User = Depends(current_user)):
    """The bulletin form on the index page: any unit name or code → that unit's draft."""
    found = service.unit_or_404(unit)
    return RedirectResponse(f"/bulletins/units/{found.code}/draft" + (f"?day={day}" if day else ""), status_code=303)


# ---- JSON API ---------------------------------------------------------------------------------------------

@api.post("/imports", status_code=201)
async def api_import(file: UploadFile = File(...), mode: str = Form("auto"), metric: str = Form("cases"),
                     accept: str = Form("", description="Comma-separated problem ids to accept, or 'all'"),
                     dry_run: bool = Form(False), db: Session = DB,
                     user: User = Depends(require(*IMPORTERS)), settings: Settings = Depends(get_settings)):
    """Validate a CSV/XLSX file; unless ``dry_run``, store it once every warning is accepted."""
    content = await file.read()
    service.check_size(content, settings.max_upload_mb)
    filename = Path(file.filename or "upload.csv").name
    chosen = None if mode == "auto" else mode
    analysis, earlier = service.preview(db, content, filename, chosen, metric, _within(settings))
    report = analysis.summary()
    if dry_run:
        return {"report": report, "already_imported": earlier.id if earlier else None}
    accepted = True if accept.strip() == "all" else {a.strip() for a in accept.split(",") if a.strip()}
    record, created = service.import_stats(db, content, filename, mode=chosen, metric=metric, accepted=accepted,
                                           user=user, within=_within(settings))
    return {"import_id": record.id, "created": created, "points": record.points, "report": report}


@api.get("/units")
def api_units(db: Session = DB, user: User = Depends(current_user)):
    return [{"code": r["unit"].code, "name": r["unit"].name, "day": r["day"], "new_cases": r["daily"],
             "total_cases": r["total"]} for r in service.units_with_data(db)]


@api.get("/units/{code}/figures")
def api_figures(code: str, day: str | None = None, db: Session = DB, user: User = Depends(current_user)):
    unit = service.unit_or_404(code)
    f = service.figures(db, unit, _day(day, unit.code, db))
    data = {k: v for k, v in vars(f).items() if k != "unit"}
    return {"unit": {"code": unit.code, "name": unit.name, "population": unit.population}, **data}


class DraftIn(BaseModel):
    unit: str
    day: date


@api.post("/drafts", status_code=201)
def api_draft(body: DraftIn, db: Session = DB, user: User = Depends(require(*WRITERS))):
    """Draft the bulletin for a unit and day and hand it to the content workflow (awaiting review)."""
    unit = service.unit_or_404(body.unit)
    bulletin = service.save_bulletin(db, unit, body.day, user)
    return {"id": bulletin.id, "title": bulletin.title, "body": bulletin.body,
            "content_item_id": bulletin.content_item_id}

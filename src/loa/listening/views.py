"""Listening pages (/listening) and JSON API (/api/v1/listening). Thin: parse, call the service, render."""

from __future__ import annotations

import json
from datetime import date, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from loa import formats, modules
from loa.auth.models import User
from loa.clock import parse_day, today_local, utcnow
from loa.config import Settings
from loa.errors import UserError
from loa.i18n import translator
from loa.jobs import service as jobs
from loa.jobs.models import STATUSES as JOB_STATUSES
from loa.jobs.models import Job
from loa.listening import exports, places, report, service
from loa.listening.classify import classify
from loa.listening.models import CIVIL_UNREST, DailyCount
from loa.listening.schemas import ClassifyIn, SourceIn
from loa.listening.taxonomy import CATEGORY_NAMES
from loa.web.deps import DB, FORM, current_user, get_settings, render, require

router = APIRouter()
api = APIRouter(tags=["listening"])
WORK = ("coordinator", "agency_member")  # may add sources, upload, poll, close alerts (administrators always)


def latest_day(db: Session) -> date:
    found = db.scalar(select(func.max(DailyCount.day)))
    return found or today_local()


def period(db: Session, start: str | None, end: str | None) -> tuple[date, date]:
    last = parse_day(end, latest_day(db))
    return parse_day(start, last - timedelta(days=6)), last


def filter_context(
    db: Session, district: str, language: str, start: date | None = None, end: date | None = None
) -> dict:
    """The district and language filters' choices and values, for a page's form; with a period, the query of its
    trends download (``listening/_downloads.html``)."""
    out = {
        "district": district,
        "language": language,
        "district_options": [(d, d) for d in places.known_districts(db)],
        "language_options": [(code, names[0]) for code, names in places.LANGUAGES.items()],
    }
    if start is not None and end is not None:
        query = {"start": start.isoformat(), "end": end.isoformat(), "district": district, "language": language}
        out |= {
            "export_start": start,
            "export_end": end,
            "export_query": urlencode({k: v for k, v in query.items() if v}),
        }
    return out


# ---- pages ------------------------------------------------------------------------------------------------


@router.get("/listening")
def dashboard(request: Request, day: str = "", db: Session = DB, user: User = Depends(current_user)):
    chosen = parse_day(day, latest_day(db))
    counts = service.daily_counts(db, chosen, chosen, [0])
    total = counts.get((chosen, 0))
    return render(
        request,
        "listening/index.html",
        {
            "day": chosen,
            "languages": service.language_totals(db, chosen, chosen),
            "language_names": places.LANGUAGES,
            "rows": service.overview(db, chosen),
            "total": total,
            "alerts": service.alerts(db, "open", 10),
            "topics": service.topics(db),
            "sources": service.list_sources(db),
            "can_work": user.has_role(*WORK),
            "categories": CATEGORY_NAMES,
            "civil_unrest": CIVIL_UNREST,
        },
    )


@router.get("/listening/topics/{number}")
def topic_page(
    request: Request,
    number: int,
    day: str = "",
    district: str = "",
    language: str = "",
    db: Session = DB,
    user: User = Depends(current_user),
):
    """A topic's 28 days up to the chosen day (the latest day with data by default) and its stories until then,
    in the province or one district, in all languages or one."""
    topics = service.topics(db)
    if number not in topics:
        raise UserError("Không có nhóm chủ đề này.", "No such topic.", 404)
    district, language = places.check_filters(db, district, language)
    end = parse_day(day, latest_day(db))
    days = service.days_between(end - timedelta(days=27), end)
    counts = service.daily_counts(db, days[0], end, [number], district, language)
    series = {number: [counts[(d, number)].items if (d, number) in counts else 0 for d in days]}
    return render(
        request,
        "listening/topic.html",
        {
            "topic": topics[number],
            "chart": report.svg_lines(days, series, {number: topics[number].name_vi}),
            "rows": [(d, counts.get((d, number))) for d in reversed(days)],
            "items": service.recent_items(db, number, 20, until=end, district=district, language=language),
            "day": end,
            "civil_unrest": number == CIVIL_UNREST,
            **filter_context(db, district, language, days[0], end),
        },
    )


@router.get("/listening/districts")
def districts_page(
    request: Request,
    start: str = "",
    end: str = "",
    topic: int = 0,
    language: str = "",
    db: Session = DB,
    user: User = Depends(current_user),
):
    """Stories per district over a period (28 days by default): a table, one small chart per district on the same
    scale, and the districts' open alerts. Counts only."""
    topics = service.topics(db)
    if topic and (topic not in topics or topic == CIVIL_UNREST):
        raise UserError("Không có nhóm chủ đề này.", "No such topic.", 404)
    _, language = places.check_filters(db, "", language)
    last = parse_day(end, latest_day(db))
    first = parse_day(start, last - timedelta(days=27))
    report.check_period(first, last)
    days = service.days_between(first, last)
    rows = service.district_table(db, first, last, places.load(db).districts, topic, language)
    return render(
        request,
        "listening/districts.html",
        {
            "start": first,
            "end": last,
            "topic": topic,
            "topic_options": [(n, f"{n}. {t.label('vi')}") for n, t in topics.items() if n != CIVIL_UNREST],
            "rows": rows,
            "charts": report.small_multiples(days, rows) if len(days) > 1 else [],
            "alerts": [a for a in service.alerts(db, "open", 200) if a.district],
            "topics": topics,
            **filter_context(db, "", language, first, last),
        },
    )


@router.get("/listening/khmer")
def khmer_page(request: Request, day: str = "", db: Session = DB, user: User = Depends(current_user)):
    """Stories in Khmer: kept (scrubbed), counted, never classified by topic; listed for a Khmer-reading officer."""
    end = parse_day(day, latest_day(db))
    start = end - timedelta(days=27)
    return render(
        request,
        "listening/khmer.html",
        {
            "start": start,
            "end": end,
            "languages": service.language_totals(db, start, end),
            "language_names": places.LANGUAGES,
            "items": service.recent_items(db, None, 50, until=end, language="km"),
        },
    )


@router.get("/listening/trends.{fmt}")
def trends_download(
    fmt: str,
    start: str = "",
    end: str = "",
    district: str = "",
    language: str = "",
    db: Session = DB,
    user: User = Depends(current_user),
):
    """The daily trends of a period per topic (in a district, a language) as CSV or XLSX."""
    return trends_response(db, fmt, start, end, district, language)


def trends_response(db: Session, fmt: str, start: str, end: str, district: str, language: str) -> Response:
    exports.check_format(fmt)
    district, language = places.check_filters(db, district, language)
    first, last = exports.export_period(start, end, latest_day(db))
    body = exports.trends_file(db, first, last, fmt, district, language)
    name = exports.filename(first, last, fmt, district, language)
    return Response(
        body, media_type=exports.FORMATS[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get("/listening/alerts/{alert_id}")
def alert_page(request: Request, alert_id: int, db: Session = DB, user: User = Depends(current_user)):
    alert = service.get_alert(db, alert_id)
    return render(
        request,
        "listening/alert.html",
        {
            "alert": alert,
            "topic": service.topics(db)[alert.topic],
            "one_in": next((n for n in (1_000_000, 100_000, 10_000, 1000, 100, 10) if alert.p_value < 1 / n), None),
            "can_work": user.has_role(*WORK),
            "examples": service.example_items(db, alert.evidence.get("examples", [])),
        },
    )


@router.post("/listening/alerts/{alert_id}/close")
def alert_close(alert_id: int, db: Session = DB, user: User = Depends(require(*WORK))):
    service.close_alert(db, service.get_alert(db, alert_id))
    return RedirectResponse("/listening", status_code=303)


@router.get("/listening/sources")
def sources_page(request: Request, db: Session = DB, user: User = Depends(current_user)):
    return render(
        request,
        "listening/sources.html",
        {
            "sources": service.list_sources(db),
            "imports": service.list_imports(db),
            "import_statuses": JOB_STATUSES,
            "can_work": user.has_role(*WORK),
            "now": utcnow(),
        },
    )


@router.post("/listening/sources")
def sources_add(
    name: str = Form(""),
    url: str = Form(""),
    kind: str = Form("feed"),
    platform: str = Form(""),
    poll_minutes: int = Form(60),
    db: Session = DB,
    user: User = Depends(require(*WORK)),
):
    service.create_source(db, name=name, url=url, kind=kind, platform=platform, poll_minutes=poll_minutes)
    return RedirectResponse("/listening/sources", status_code=303)


@router.post("/listening/sources/{source_id}/poll")
def sources_poll(
    source_id: int, db: Session = DB, settings: Settings = Depends(get_settings), user: User = Depends(require(*WORK))
):
    source = service.get_source(db, source_id)
    job = jobs.submit(
        db, settings, "listening.poll", params={"source_id": source.id}, user=user, title=f"Lấy tin: {source.name}"
    )
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.post("/listening/sources/{source_id}/toggle")
def sources_toggle(source_id: int, db: Session = DB, user: User = Depends(require(*WORK))):
    source = service.get_source(db, source_id)
    service.set_source_active(db, source, not source.active)
    return RedirectResponse("/listening/sources", status_code=303)


def _waiting_upload(db: Session, job_id: int, user: User) -> tuple[Job, bytes]:
    job = jobs.get_job(db, job_id)
    found = jobs.input_file(db, job)
    if not jobs.visible(job, user) or job.kind != "listening.import" or found is None:
        raise UserError("Không tìm thấy tệp tải lên.", "Upload not found.", 404)
    if job.status != "waiting":
        raise UserError(
            "Tệp này đã được gửi nhập hoặc đã hết hạn; hãy tải lại.",
            "This upload was already submitted or has expired; upload it again.",
            404,
        )
    return job, found.data


@router.get("/listening/upload")
def upload_page(request: Request, user: User = Depends(require(*WORK))):
    return render(request, "listening/upload.html", {"fields": service.FIELDS})


@router.post("/listening/upload")
def upload(
    request: Request,
    file: UploadFile,
    db: Session = DB,
    settings: Settings = Depends(get_settings),
    user: User = Depends(require(*WORK)),
):
    """Keep the upload (minus author-like columns) in a job waiting for the column mapping."""
    data = file.file.read()
    fmt = service.file_format(file.filename or "", data)
    if fmt == "feed":
        raise UserError(
            "Tệp RSS/Atom: hãy thêm nguồn tin hoặc dùng lệnh loa listening import.",
            "RSS/Atom file: add it as a feed or use `loa listening import`.",
            422,
        )
    data = service.strip_identity(data, fmt)  # refuses non-UTF-8 and broken JSON; keeps no author column
    name = (file.filename or "tep").replace("/", "_")[:200]
    job = jobs.submit(
        db,
        settings,
        "listening.import",
        params={"filename": name},
        user=user,
        file=(name, file.content_type or "text/csv", data),
        hold=True,
    )
    return RedirectResponse(f"/listening/upload/{job.id}", status_code=303)


@router.get("/listening/upload/{job_id}")
def mapping_page(request: Request, job_id: int, db: Session = DB, user: User = Depends(require(*WORK))):
    job, data = _waiting_upload(db, job_id, user)
    name = job.params["filename"]
    fmt = service.file_format(name, data)
    cols = service.columns(data, fmt)
    preview = [row for _, row in zip(range(3), service.read_rows(data, fmt))]
    return render(
        request,
        "listening/mapping.html",
        {
            "key": job.id,
            "name": name,
            "columns": cols,
            "guess": service.guess_mapping(cols),
            "fields": service.FIELDS,
            "labels": service.FIELD_LABELS,
            "required": service.REQUIRED_FIELDS,
            "preview": preview,
        },
    )


@router.post("/listening/upload/{job_id}")
def mapping_submit(
    job_id: int,
    form: FormData = FORM,
    db: Session = DB,
    settings: Settings = Depends(get_settings),
    user: User = Depends(require(*WORK)),
):
    """Check the mapping against the file's columns, then queue the import and show its progress."""
    job, data = _waiting_upload(db, job_id, user)
    mapping = {f: str(form.get(f"map_{f}", "")) for f in service.FIELDS if form.get(f"map_{f}")}
    service.check_mapping(mapping, service.columns(data, service.file_format(job.params["filename"], data)))
    jobs.release(db, settings, job, {"mapping": mapping, "platform": str(form.get("platform", ""))})
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/listening/taxonomy")
def taxonomy_page(request: Request, db: Session = DB, user: User = Depends(current_user)):
    return render(
        request,
        "listening/taxonomy.html",
        {"topics": service.topics(db), "categories": CATEGORY_NAMES, "can_edit": user.has_role("admin")},
    )


@router.post("/listening/taxonomy/{number}")
def taxonomy_edit(
    number: int,
    name_vi: str = Form(""),
    name_en: str = Form(""),
    description: str = Form(""),
    alerts: str = Form(""),
    db: Session = DB,
    user: User = Depends(require("admin")),
):
    service.update_topic(db, number, name_vi=name_vi, name_en=name_en, description=description, alerts=bool(alerts))
    return RedirectResponse("/listening/taxonomy", status_code=303)


@router.post("/listening/retention")
def retention_run(db: Session = DB, user: User = Depends(require("admin"))):
    result = service.apply_retention(db)
    return RedirectResponse(f"/listening/sources?deleted={result['items_deleted']}", status_code=303)


@router.get("/listening/report")
def report_page(
    request: Request,
    start: str = "",
    end: str = "",
    district: str = "",
    language: str = "",
    db: Session = DB,
    user: User = Depends(current_user),
):
    district, language = places.check_filters(db, district, language)
    first, last = period(db, start, end)
    data = report.build(db, first, last, district=district, language=language)
    return render(
        request,
        "listening/report.html",
        {**report_context(data), **filter_context(db, district, language, first, last)},
    )


def report_context(data: dict) -> dict:
    return {
        "r": data,
        "bars": report.svg_bars(data["topics"]),
        "lines": report.svg_lines(data["days"], data["series"], data["names"]),
        "levels": report.LEVEL_VI,
    }


@router.post("/listening/report.{fmt}")
def report_file(
    fmt: str,
    form: FormData = FORM,
    db: Session = DB,
    settings: Settings = Depends(get_settings),
    user: User = Depends(current_user),
):
    """Queue the report as PDF or DOCX for the period shown; its job page offers the file."""
    job = submit_report(
        db,
        settings,
        user,
        fmt,
        str(form.get("start", "")),
        str(form.get("end", "")),
        str(form.get("district", "")),
        str(form.get("language", "")),
    )
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def submit_report(
    db: Session, settings: Settings, user: User, fmt: str, start: str, end: str, district: str = "", language: str = ""
) -> Job:
    if fmt not in report.MEDIA:
        raise UserError("Định dạng phải là pdf hoặc docx.", "Format must be pdf or docx.", 404)
    district, language = places.check_filters(db, district, language)
    first, last = period(db, start, end)
    report.check_period(first, last)
    params = {"start": first.isoformat(), "end": last.isoformat(), "format": fmt}
    params.update({k: v for k, v in (("district", district), ("language", language)) if v})
    return jobs.submit(db, settings, "listening.report", user=user, params=params)


@router.get("/listening/classify")
def classify_page(request: Request, q: str = "", user: User = Depends(current_user)):
    return render(request, "listening/classify.html", {"q": q, "result": classify(q) if q.strip() else None})


# ---- JSON API ---------------------------------------------------------------------------------------------


@api.post("/listening/classify")
def api_classify(body: ClassifyIn, user: User = Depends(current_user)):
    """Classify one text (``text``) or several (``texts``, answers in order). Nothing is stored."""
    if body.texts is not None:
        return {"results": [classify(t) for t in body.texts]}
    if not (body.text or "").strip():
        raise UserError("Cần có nội dung để phân loại.", "A text is required.", 422)
    return classify(body.text)


@api.get("/listening/trends", response_model=None)
def api_trends(
    day: str = "",
    start: str = Query("", alias="from"),
    end: str = Query("", alias="to"),
    district: str = "",
    language: str = "",
    format: str = "json",
    db: Session = DB,
    user: User = Depends(current_user),
) -> dict | Response:
    """Per subcategory on a day: count, % change on the previous day, share of the day, questions, concerns; in
    the province or one ``district`` (official name, e.g. "Huyện Cầu Kè"), in all languages or one (``vi``,
    ``km``, ``other``). ``format=csv|xlsx`` (or ``from``/``to`` with JSON, as ``rows``): the daily counts per
    topic over ``from``..``to`` (default: the 28 days up to the latest day with data)."""
    if format != "json":
        return trends_response(db, format, start, end, district, language)
    district, language = places.check_filters(db, district, language)
    chosen = parse_day(day, latest_day(db))
    out = {
        "day": chosen.isoformat(),
        "district": district,
        "language": language,
        "topics": service.overview(db, chosen, district, language),
    }
    if start or end:
        first, last = exports.export_period(start, end, latest_day(db))
        keys = ("day", "topic", "name", "district", "language", *exports.COLUMNS)
        out["rows"] = [dict(zip(keys, r)) for r in exports.rows(db, first, last, district, language)]
        out["from"], out["to"] = first.isoformat(), last.isoformat()
    return out


@api.get("/listening/alerts")
def api_alerts(status: str = "open", district: str | None = None, db: Session = DB, user: User = Depends(current_user)):
    """Alerts, newest first; ``district``: one district's ("" for the province's own; all when left out)."""
    if district:
        district, _ = places.check_filters(db, district, "")
    return [
        {
            "id": a.id,
            "topic": a.topic,
            "district": a.district or None,
            "day": a.day.isoformat(),
            "count": a.count,
            "baseline": a.baseline,
            "p_value": a.p_value,
            "status": a.status,
            "evidence": a.evidence,
        }
        for a in service.alerts(db, status or None, 200, district)
    ]


def source_json(s) -> dict:
    return {
        "id": s.id,
        "name": s.name,
        "kind": s.kind,
        "url": s.url,
        "platform": s.platform,
        "active": s.active,
        "status": s.status,
        "last_error": s.last_error,
        "failures": s.failures,
        "last_polled_at": s.last_polled_at,
        "next_poll_at": s.next_poll_at,
        "items_added": s.items_added,
    }


@api.get("/listening/sources")
def api_sources(db: Session = DB, user: User = Depends(current_user)):
    return [source_json(s) for s in service.list_sources(db)]


@api.post("/listening/sources", status_code=201)
def api_source_add(body: SourceIn, db: Session = DB, user: User = Depends(require(*WORK))):
    return source_json(service.create_source(db, **body.model_dump()))


@api.post("/listening/poll", status_code=202)
def api_poll(
    force: bool = False,
    db: Session = DB,
    settings: Settings = Depends(get_settings),
    user: User = Depends(require(*WORK)),
):
    """Queue a poll of the due sources (all active ones with ``force``)."""
    return {"job": job_ref(jobs.submit(db, settings, "listening.poll", params={"force": force}, user=user))}


@api.post("/listening/import", status_code=202)
def api_import(
    file: UploadFile,
    mapping: str = Form(""),
    platform: str = Form(""),
    db: Session = DB,
    settings: Settings = Depends(get_settings),
    user: User = Depends(require(*WORK)),
):
    """Queue the import of a CSV, JSON Lines or RSS/Atom file; ``mapping`` is a JSON object target field →
    column (optional). Follow the job at ``GET /api/v1/jobs/{id}``."""
    try:
        cols = json.loads(mapping) if mapping else None
    except ValueError:
        raise UserError("Bảng ánh xạ cột phải là JSON.", "The mapping must be JSON.", 422) from None
    name = (file.filename or "upload").replace("/", "_")[:200]
    data = file.file.read()
    fmt = service.file_format(name, data)
    if fmt != "feed" and not cols:  # a mapping names the columns to read; without one, author-like columns go now
        data = service.strip_identity(data, fmt)
    job = jobs.submit(
        db,
        settings,
        "listening.import",
        params={"filename": name, "mapping": cols, "platform": platform},
        user=user,
        file=(name, file.content_type or "application/octet-stream", data),
    )
    return {"job": job_ref(job)}


def job_ref(job: Job) -> dict:
    return {"id": job.id, "status": job.status, "url": f"/api/v1/jobs/{job.id}"}


@api.get("/listening/report")
def api_report(
    start: str = "",
    end: str = "",
    format: str = "json",
    district: str = "",
    language: str = "",
    db: Session = DB,
    user: User = Depends(current_user),
):
    """The insights report as JSON (or ``format=html``). PDF and DOCX are made in the background: see
    ``POST /listening/report``."""
    if format in report.MEDIA:
        raise UserError(
            "Tệp PDF/DOCX được lập trong nền: gửi POST /api/v1/listening/report?format=pdf rồi tải tệp "
            "ở /jobs/{id}/file.",
            "PDF/DOCX files are made in the background: POST "
            "/api/v1/listening/report?format=pdf, then download /jobs/{id}/file.",
            405,
        )
    district, language = places.check_filters(db, district, language)
    first, last = period(db, start, end)
    data = report.build(db, first, last, district=district, language=language)
    if format == "html":
        return HTMLResponse(standalone_html(data))
    return json.loads(json.dumps(data, default=str))


@api.post("/listening/report", status_code=202)
def api_report_file(
    start: str = "",
    end: str = "",
    format: str = "pdf",
    district: str = "",
    language: str = "",
    db: Session = DB,
    settings: Settings = Depends(get_settings),
    user: User = Depends(current_user),
):
    """Queue the report as a PDF or DOCX file (``format``) for ``start``..``end`` (default: the last 7 days with
    data). Answers ``202`` with the job; follow it at ``GET /api/v1/jobs/{id}`` until ``status`` is ``done``,
    then download the file at ``GET /jobs/{id}/file`` (``file_url``), as the same user."""
    return {"job": job_ref(submit_report(db, settings, user, format, start, end, district, language))}


def standalone_html(data: dict) -> str:
    """The report page without the application shell (CLI ``--format html``)."""
    env = Environment(loader=FileSystemLoader(modules.template_folders()), autoescape=select_autoescape())
    return env.get_template("listening/report_standalone.html").render(
        _=translator("vi"), fmt=formats, **report_context(data)
    )

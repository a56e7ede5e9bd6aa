"""Plans pages (import with preview, overview, my agency's tasks, task page, reminders) and the plans API."""

from __future__ import annotations

import hashlib
import re
import time
from datetime import date
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from loa.auth import service as auth
from loa.auth.models import Agency, User
from loa.clock import parse_day, today_local
from loa.config import Settings
from loa.errors import UserError
from loa.jobs import service as jobs
from loa.plans import districts, service
from loa.plans.models import PRIORITIES, RECURRENCES, STATUSES, Plan, Task
from loa.plans.parser import ParsedPlan
from loa.plans.schemas import AgencyPlanIn, LocalTaskIn, PlanOut, ReportIn, TaskChanges, TaskOut, UnitsIn
from loa.web.deps import DB, FORM, current_user, get_settings, render, require

router = APIRouter()
api = APIRouter(prefix="/plans", tags=["plans"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _uploads(settings: Settings):
    """Where uploads wait between preview and confirmation; those left unconfirmed for a day are removed."""
    folder = settings.files_dir / "plans" / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if time.time() - old.stat().st_mtime > 86400:
            old.unlink(missing_ok=True)
    return folder


def _day(value: str) -> date | None:
    """A form's day; None when left empty (the field is not changed)."""
    return parse_day(value) if value.strip() else None


def _attachment(filename: str, ext: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{filename}.{ext}"'}


# ---- pages --------------------------------------------------------------------------------------------------


@router.get("/plans")
def plans_page(request: Request, db: Session = DB, user: User = Depends(current_user)):
    plans = service.list_plans(db, user)
    today = today_local()
    return render(
        request,
        "plans/index.html",
        {
            "plans": plans,
            "overviews": {p.id: service.overview(p, today) for p in plans},
            "can_import": user.has_role("coordinator"),
        },
    )


@router.post("/plans/import")
def import_upload(
    request: Request,
    file: UploadFile = File(...),
    db: Session = DB,
    settings: Settings = Depends(get_settings),
    user: User = Depends(require("coordinator")),
):
    data = file.file.read()
    parsed = service.read_plan(data, settings.max_upload_mb)
    digest = hashlib.sha256(data).hexdigest()
    (_uploads(settings) / digest).write_bytes(data)
    return _preview(request, db, parsed, digest, file.filename or "")


def _preview(request: Request, db: Session, parsed: ParsedPlan, digest: str, filename: str):
    return render(
        request,
        "plans/preview.html",
        {
            "parsed": parsed,
            "digest": digest,
            "filename": filename,
            "choices": service.body_choices(db, parsed),
            "agencies": auth.list_agencies(db),
            "existing": service.find_by_hash(db, parsed),
            "datings": service.duty_datings(parsed),
            "recurrences": RECURRENCES,
        },
    )


@router.post("/plans/import/confirm")
def import_confirm(
    form: FormData = FORM,
    db: Session = DB,
    settings: Settings = Depends(get_settings),
    user: User = Depends(require("coordinator")),
):
    digest = str(form.get("digest", ""))
    path = _uploads(settings) / digest
    if not re.fullmatch(r"[0-9a-f]{64}", digest) or not path.exists():
        raise UserError(
            "Tệp tải lên đã hết hạn, vui lòng tải lại.", "The upload has expired; please upload again.", 422
        )
    parsed = service.read_plan(path.read_bytes(), settings.max_upload_mb)
    matches = {c.body: c.matches for c in service.body_choices(db, parsed)}
    choices: dict[str, list[int] | str] = {}
    for i in range(len(matches)):
        body, choice = str(form.get(f"body_name_{i}", "")), str(form.get(f"body_{i}", "auto"))
        if body not in matches:
            continue
        if choice == "auto":
            choices[body] = [a.id for a in matches[body]]
        elif choice == service.NEW:
            choices[body] = service.NEW
        elif choice.startswith("a:") and choice[2:].isdecimal():
            choices[body] = [int(choice[2:])]
        else:
            choices[body] = []
    plan = service.import_plan(db, settings, parsed, user, source_name=str(form.get("filename", "")), choices=choices)
    path.unlink()
    return RedirectResponse(f"/plans/{plan.id}", status_code=303)


@router.get("/plans/my")
def my_tasks(request: Request, db: Session = DB, user: User = Depends(current_user)):
    tasks = service.tasks_of_agency(db, user.agency_id) if user.agency_id else []
    return render(request, "plans/my.html", {"tasks": tasks, "today": today_local(), "statuses": STATUSES})


@router.get("/plans/reminders")
def reminders_page(
    request: Request, db: Session = DB, user: User = Depends(current_user), settings: Settings = Depends(get_settings)
):
    today = today_local()
    return render(
        request,
        "plans/reminders.html",
        {
            "mine": service.reminders(db, user, today),
            "today": today,
            "smtp": bool(settings.smtp_host),
            "digests": service.digests(db, today) if user.has_role("coordinator") else [],
        },
    )


@router.get("/plans/{plan_id}")
def plan_page(request: Request, plan_id: int, db: Session = DB, user: User = Depends(current_user)):
    plan = service.get_plan(db, plan_id, user)
    today = today_local()
    return render(
        request,
        "plans/plan.html",
        {
            "plan": plan,
            "own": districts.plan_view(db, plan, user),
            "info": service.overview(plan, today),
            "today": today,
            "statuses": STATUSES,
            "month_start": today.replace(day=1),
            "undated": len(service.undated_tasks(plan)),
            "can_date": user.has_role("coordinator"),
        },
    )


@router.get("/plans/{plan_id}/dating")
def dating_page(request: Request, plan_id: int, db: Session = DB, user: User = Depends(require("coordinator"))):
    plan = service.get_plan(db, plan_id)
    saved = request.query_params.get("saved", "")
    return _dating(request, plan, saved=int(saved) if saved.isdecimal() else None)


def _dating(request: Request, plan: Plan, typed: dict | None = None, problems: dict | None = None, saved=None):
    return render(
        request,
        "plans/dating.html",
        {
            "plan": plan,
            "tasks": service.undated_tasks(plan),
            "recurrences": RECURRENCES,
            "typed": typed or {},
            "problems": problems or {},
            "saved": saved,
        },
        status=422 if problems else 200,
    )


@router.post("/plans/{plan_id}/dating")
def dating_save(
    request: Request,
    plan_id: int,
    form: FormData = FORM,
    db: Session = DB,
    user: User = Depends(require("coordinator")),
):
    """Save every row of the dating screen at once; on any wrong row nothing is saved and the page says which."""
    plan = service.get_plan(db, plan_id)
    ids = {int(k.split("_", 1)[1]) for k in form if re.fullmatch(r"(due|recurrence)_\d{1,9}", k)}
    rows = {i: (str(form.get(f"due_{i}", "")), str(form.get(f"recurrence_{i}", ""))) for i in ids}
    problems = service.date_tasks(db, plan, user, rows)
    if problems:
        return _dating(request, plan, rows, problems)
    dated = sum(1 for due, recurrence in rows.values() if due.strip() or recurrence.strip())
    return RedirectResponse(f"/plans/{plan.id}/dating?saved={dated}", status_code=303)


@router.get("/plans/{plan_id}/tasks.csv")
def export_csv(plan_id: int, db: Session = DB, user: User = Depends(current_user)):
    data = service.export_csv(service.get_plan(db, plan_id, user))
    return Response(data, media_type="text/csv; charset=utf-8", headers=_attachment(f"ke-hoach-{plan_id}", "csv"))


@router.get("/plans/{plan_id}/tasks.xlsx")
def export_xlsx(plan_id: int, db: Session = DB, user: User = Depends(current_user)):
    data = service.export_xlsx(service.get_plan(db, plan_id, user))
    return Response(data, media_type=XLSX, headers=_attachment(f"ke-hoach-{plan_id}", "xlsx"))


@router.post("/plans/{plan_id}/report")
def report(
    plan_id: int,
    form: FormData = FORM,
    db: Session = DB,
    settings: Settings = Depends(get_settings),
    user: User = Depends(current_user),
):
    """Queue the report upward for the chosen period and format; its job page offers the file."""
    plan = service.get_plan(db, plan_id, user)
    today = today_local()
    first = parse_day(str(form.get("start", "")), today.replace(day=1))
    last = parse_day(str(form.get("end", "")), today)
    fmt = str(form.get("format", "pdf"))
    service.check_report(first, last, fmt)
    job = jobs.submit(
        db,
        settings,
        "plans.report",
        user=user,
        params={"plan_id": plan.id, "start": first.isoformat(), "end": last.isoformat(), "format": fmt},
    )
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/plans/tasks/{task_id}")
def task_page(request: Request, task_id: int, db: Session = DB, user: User = Depends(current_user)):
    task = service.get_task(db, task_id, user)
    users = {u.id: u for u in auth.list_users(db)}
    return render(
        request,
        "plans/task.html",
        {
            "task": task,
            "today": today_local(),
            "can_work": service.can_work_on(user, task),
            "can_edit": districts.can_edit_plan(user, task.plan),
            "rollup": districts.task_rollup(db, task, user),
            "statuses": STATUSES,
            "priorities": PRIORITIES,
            "recurrences": RECURRENCES,
            "users": users,
            "agencies": auth.list_agencies(db),
        },
    )


@router.post("/plans/tasks/{task_id}")
def task_update(task_id: int, form: FormData = FORM, db: Session = DB, user: User = Depends(current_user)):
    task = service.get_task(db, task_id, user)
    changes = {"status": form.get("status") or None}
    if districts.can_edit_plan(user, task.plan):
        changes.update(
            priority=form.get("priority") or None,
            recurrence=form.get("recurrence"),
            start_on=_day(str(form.get("start_on", ""))),
            due_on=_day(str(form.get("due_on", ""))),
            theme_id=int(form["theme_id"]) if str(form.get("theme_id", "")).isdecimal() else None,
        )
        if "agency_ids" in form:
            changes["agency_ids"] = [int(i) for i in form.getlist("agency_ids") if str(i).isdecimal()]
    service.update_task(db, task, user, TaskChanges(**changes))
    return RedirectResponse(f"/plans/tasks/{task.id}", status_code=303)


@router.post("/plans/tasks/{task_id}/reports")
def report_create(
    task_id: int,
    form: FormData = FORM,
    db: Session = DB,
    user: User = Depends(current_user),
    settings: Settings = Depends(get_settings),
):
    task = service.get_task(db, task_id, user)
    if not service.can_work_on(user, task):
        raise UserError(
            "Bạn chỉ báo cáo được nhiệm vụ của cơ quan mình.", "You may only report on your agency's tasks.", 403
        )
    figures = {
        str(form.get(f"figure_label_{i}", "")).strip(): form.get(f"figure_value_{i}", "")
        for i in range(3)
        if str(form.get(f"figure_label_{i}", "")).strip()
    }
    files = [(f.filename, f.file.read()) for f in form.getlist("files") if getattr(f, "filename", "")]
    service.add_report(
        db,
        settings,
        task,
        user,
        str(form.get("text", "")),
        figures=figures,
        links=str(form.get("links", "")).split(),
        files=files,
        status=form.get("status") or None,
    )
    return RedirectResponse(f"/plans/tasks/{task.id}", status_code=303)


@router.get("/plans/attachments/{attachment_id}")
def attachment(
    attachment_id: int, db: Session = DB, settings: Settings = Depends(get_settings), user: User = Depends(current_user)
):
    att = service.get_attachment(db, attachment_id)
    districts.check_task(user, att.report.task)
    data = service.attachment_path(settings, att).read_bytes()
    return Response(
        data,
        media_type=att.content_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(att.filename)}"},
    )


# ---- an agency's own plan (district plans) ------------------------------------------------------------------


def _agency_for(db: Session, user: User, agency_id) -> Agency:
    """The agency a plan is made for: the one chosen (coordinators), else the user's own."""
    if agency_id in (None, ""):
        agency = user.agency
    else:
        agency = db.get(Agency, int(agency_id)) if str(agency_id).isdecimal() and len(str(agency_id)) < 19 else None
    if agency is None:
        raise UserError("Chưa chọn cơ quan hoặc cơ quan không tồn tại.", "No agency chosen, or no such agency.", 422)
    return agency


@router.post("/plans/{plan_id}/agency-plan")
def agency_plan_create(plan_id: int, form: FormData = FORM, db: Session = DB, user: User = Depends(current_user)):
    parent = service.get_plan(db, plan_id, user)
    agency = _agency_for(db, user, form.get("agency_id"))
    plan = districts.create_district_plan(db, parent, agency, user, title=str(form.get("title", "")))
    return RedirectResponse(f"/plans/{plan.id}", status_code=303)


@router.post("/plans/{plan_id}/tasks")
def local_task_create(plan_id: int, form: FormData = FORM, db: Session = DB, user: User = Depends(current_user)):
    plan = service.get_plan(db, plan_id, user)
    source = str(form.get("source_task_id", ""))
    districts.add_task(
        db,
        plan,
        user,
        str(form.get("text", "")),
        source_task_id=int(source) if source.isdecimal() else None,
        agency_ids=[int(i) for i in form.getlist("agency_ids") if str(i).isdecimal()] or None,
        units=str(form.get("units", "")).replace(";", "\n").splitlines(),
        start_on=_day(str(form.get("start_on", ""))),
        due_on=_day(str(form.get("due_on", ""))),
        priority=str(form.get("priority", "normal")),
    )
    return RedirectResponse(f"/plans/{plan.id}", status_code=303)


@router.post("/plans/tasks/{task_id}/units")
def units_update(task_id: int, form: FormData = FORM, db: Session = DB, user: User = Depends(current_user)):
    task = service.get_task(db, task_id, user)
    districts.set_units(db, task, user, str(form.get("units", "")).replace(";", "\n").splitlines())
    return RedirectResponse(f"/plans/tasks/{task.id}", status_code=303)


# ---- JSON API -----------------------------------------------------------------------------------------------


def task_out(t: Task) -> TaskOut:
    return TaskOut(
        id=t.id,
        group=t.group.name,
        text=t.text,
        status=t.status,
        priority=t.priority,
        start_on=t.start_on,
        due_on=t.due_on,
        recurrence=t.recurrence,
        theme_id=t.theme_id,
        agencies=[a.name for a in t.agencies],
        reports=len(t.reports),
        source_task_id=t.source_task_id,
        units=list(t.units or []),
    )


def plan_out(p: Plan, with_tasks: bool = False) -> PlanOut:
    return PlanOut(
        id=p.id,
        title=p.title,
        number=p.number,
        issued_on=p.issued_on,
        purposes=[i.text for i in p.purposes],
        themes=[i.text for i in p.themes],
        tasks=[task_out(t) for t in p.tasks] if with_tasks else [],
        parent_id=p.parent_id,
        agency=p.agency.name if p.agency else None,
    )


@api.get("", response_model=list[PlanOut])
def api_plans(db: Session = DB, user: User = Depends(current_user)):
    return [plan_out(p) for p in service.list_plans(db, user)]


@api.post("/parse")
def api_parse(
    file: UploadFile = File(...),
    db: Session = DB,
    settings: Settings = Depends(get_settings),
    user: User = Depends(require("coordinator")),
):
    """Dry run: the parsed structure and, per body, the registry agencies it matches. Stores nothing.
    Coordinators only, like the import itself: parsing an upload is work no viewer may ask for."""
    parsed = service.read_plan(file.file.read(), settings.max_upload_mb)
    matches = {c.body: [a.name for a in c.matches] for c in service.body_choices(db, parsed)}
    return {**parsed.to_dict(), "matches": matches}


@api.post("", response_model=PlanOut, status_code=201)
def api_import(
    file: UploadFile = File(...),
    create_agencies: bool = Form(False),
    db: Session = DB,
    settings: Settings = Depends(get_settings),
    user: User = Depends(require("coordinator")),
):
    parsed = service.read_plan(file.file.read(), settings.max_upload_mb)
    plan = service.import_plan(
        db, settings, parsed, user, source_name=file.filename or "", create_unknown=create_agencies
    )
    return plan_out(plan, with_tasks=True)


@api.get("/{plan_id}", response_model=PlanOut)
def api_plan(plan_id: int, db: Session = DB, user: User = Depends(current_user)):
    return plan_out(service.get_plan(db, plan_id, user), with_tasks=True)


@api.patch("/tasks/{task_id}", response_model=TaskOut)
def api_task_update(task_id: int, body: TaskChanges, db: Session = DB, user: User = Depends(current_user)):
    task = service.get_task(db, task_id, user)
    return task_out(service.update_task(db, task, user, body))


@api.post("/tasks/{task_id}/reports", status_code=201)
def api_report(
    task_id: int,
    body: ReportIn,
    db: Session = DB,
    settings: Settings = Depends(get_settings),
    user: User = Depends(current_user),
):
    task = service.get_task(db, task_id, user)
    report = service.add_report(
        db, settings, task, user, body.text, figures=body.figures, links=body.links, status=body.status
    )
    return {"id": report.id, "task_id": task.id, "status": task.status}


@api.post("/{plan_id}/agency-plans", response_model=PlanOut, status_code=201)
def api_agency_plan(plan_id: int, body: AgencyPlanIn, db: Session = DB, user: User = Depends(current_user)):
    """Make an agency's own plan from this provincial plan: the duties addressed to it become its tasks."""
    parent = service.get_plan(db, plan_id, user)
    agency = _agency_for(db, user, body.agency_id)
    return plan_out(districts.create_district_plan(db, parent, agency, user, title=body.title), with_tasks=True)


@api.post("/{plan_id}/tasks", response_model=TaskOut, status_code=201)
def api_local_task(plan_id: int, body: LocalTaskIn, db: Session = DB, user: User = Depends(current_user)):
    """Add a task of the agency's own to its plan."""
    plan = service.get_plan(db, plan_id, user)
    fields = body.model_dump(exclude={"text"})
    return task_out(districts.add_task(db, plan, user, body.text, **fields))


@api.put("/tasks/{task_id}/units", response_model=TaskOut)
def api_units(task_id: int, body: UnitsIn, db: Session = DB, user: User = Depends(current_user)):
    """The communes and local bodies carrying out a task of an agency's own plan."""
    return task_out(districts.set_units(db, service.get_task(db, task_id, user), user, body.units))


@api.get("/{plan_id}/districts")
def api_districts(
    plan_id: int,
    date_from: date | None = Query(None, alias="from"),
    date_to: date | None = Query(None, alias="to"),
    db: Session = DB,
    user: User = Depends(current_user),
):
    """Completion of each agency's own plan made from this plan, as it stood at the end of ``to`` (default
    today; ``from`` default: the first of that month), with the progress reports filed in the period."""
    service.get_plan(db, plan_id, user)
    end = date_to or today_local()
    start = date_from or end.replace(day=1)
    service.check_report(start, end)
    visible = {p.id for p in service.list_plans(db, user)}
    return [row for row in districts.per_district(db, plan_id, start, end) if row["plan_id"] in visible]

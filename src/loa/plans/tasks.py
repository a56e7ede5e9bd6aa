"""Plans and tasks: reading them, changing a task, and progress reports with their attachments."""

from __future__ import annotations

import hashlib
from calendar import monthrange
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa.auth.models import Agency, User
from loa.clock import parse_date, utcnow
from loa.config import Settings
from loa.db import get_or_404
from loa.errors import UserError
from loa.formats import parse_number
from loa.links import is_http_url
from loa.plans.access import can_edit_plan, can_see_plan, check_plan, check_task
from loa.plans.models import (
    PRIORITIES,
    RECURRENCES,
    STATUSES,
    Attachment,
    Plan,
    PlanItem,
    ProgressReport,
    Task,
    TaskEvent,
)
from loa.plans.schemas import TaskChanges
from loa.text import scrub

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_MB = 10
# extension → (content type, test on the first bytes)
ATTACHMENT_TYPES = {
    ".pdf": ("application/pdf", lambda b: b.startswith(b"%PDF-")),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        lambda b: b.startswith(b"PK\x03\x04"),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        lambda b: b.startswith(b"PK\x03\x04"),
    ),
    ".jpg": ("image/jpeg", lambda b: b.startswith(b"\xff\xd8\xff")),
    ".jpeg": ("image/jpeg", lambda b: b.startswith(b"\xff\xd8\xff")),
    ".png": ("image/png", lambda b: b.startswith(b"\x89PNG\r\n\x1a\n")),
    ".mp3": ("audio/mpeg", lambda b: b.startswith(b"ID3") or b[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")),
    ".txt": ("text/plain", lambda b: _is_utf8(b)),
    ".csv": ("text/csv", lambda b: _is_utf8(b)),
}


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def need_coordinator(user: User) -> None:
    if not user.has_role("coordinator"):
        raise UserError("Bạn không có quyền thực hiện thao tác này.", "You may not do this.", 403)


# ---- reading ------------------------------------------------------------------------------------------------


def list_plans(db: Session, user: User | None = None) -> list[Plan]:
    """Every plan, or those ``user`` may see (another district's own plan is left out)."""
    plans = db.scalars(select(Plan).order_by(Plan.id.desc()))
    return [p for p in plans if user is None or can_see_plan(user, p)]


def get_plan(db: Session, plan_id: int, user: User | None = None) -> Plan:
    """The plan; with ``user``, a 404 when they may not see it."""
    plan = get_or_404(db, Plan, plan_id, "Không tìm thấy kế hoạch.", "No such plan.")
    return check_plan(user, plan) if user is not None else plan


def get_task(db: Session, task_id: int, user: User | None = None) -> Task:
    task = get_or_404(db, Task, task_id, "Không tìm thấy nhiệm vụ.", "No such task.")
    return check_task(user, task) if user is not None else task


def tasks_of_agency(db: Session, agency_id: int) -> list[Task]:
    return [
        t
        for t in db.scalars(select(Task).order_by(Task.plan_id, Task.position))
        if any(a.id == agency_id for a in t.agencies)
    ]


def can_work_on(user: User, task: Task) -> bool:
    """Coordinators work on every task; agency members on their own agency's tasks and on every task of their
    agency's own plan."""
    return (
        user.has_role("coordinator")
        or can_edit_plan(user, task.plan)
        or (
            "agency_member" in user.roles
            and user.agency_id is not None
            and any(a.id == user.agency_id for a in task.agencies)
        )
    )


# ---- tasks and progress reports -----------------------------------------------------------------------------


def _event(task: Task, user: User | None, kind: str, detail: dict) -> None:
    task.events.append(TaskEvent(user_id=user.id if user else None, kind=kind, detail=detail))


def next_due(due: date, recurrence: str) -> date:
    """The due date after ``due`` of a task repeated daily, weekly, monthly or quarterly."""
    if recurrence in ("daily", "weekly"):
        return due + timedelta(days=1 if recurrence == "daily" else 7)
    months = due.month + (3 if recurrence == "quarterly" else 1)
    year, month = due.year + (months - 1) // 12, (months - 1) % 12 + 1
    return date(year, month, min(due.day, monthrange(year, month)[1]))


def update_task(db: Session, task: Task, user: User, changes: TaskChanges) -> Task:
    """Apply the fields ``changes`` gives (not None): the status (members of the task's agencies and coordinators)
    or the others (coordinators). A recurring task marked done moves on to its next due date instead."""
    if not can_work_on(user, task):
        raise UserError(
            "Bạn chỉ cập nhật được nhiệm vụ của cơ quan mình.", "You may only update your agency's tasks.", 403
        )
    values = changes.model_dump(exclude_none=True)
    if set(values) - {"status"} and not can_edit_plan(user, task.plan):
        need_coordinator(user)
    if "status" in values and values["status"] not in STATUSES:
        raise UserError("Trạng thái không hợp lệ.", "Unknown status.", 422)
    if "priority" in values and values["priority"] not in PRIORITIES:
        raise UserError("Mức ưu tiên không hợp lệ.", "Unknown priority.", 422)
    if "recurrence" in values and values["recurrence"] not in RECURRENCES:
        raise UserError("Chu kỳ lặp lại không hợp lệ.", "Unknown recurrence.", 422)
    start, due = values.get("start_on", task.start_on), values.get("due_on", task.due_on)
    if start and due and due < start:
        raise UserError("Hạn hoàn thành phải sau ngày bắt đầu.", "The due date must follow the start date.", 422)
    if "theme_id" in values:
        theme = db.get(PlanItem, values["theme_id"]) if values["theme_id"] else None
        if values["theme_id"] and (theme is None or theme.plan_id != task.plan_id or theme.kind != "theme"):
            raise UserError("Chủ đề không thuộc kế hoạch này.", "The theme is not part of this plan.", 422)
        values["theme_id"] = theme.id if theme else None
    if "agency_ids" in values:
        agencies = [db.get(Agency, int(i)) for i in values.pop("agency_ids")]
        if any(a is None for a in agencies):
            raise UserError("Cơ quan không tồn tại.", "No such agency.", 422)
        before = sorted(a.name for a in task.agencies)
        task.agencies = agencies
        if before != sorted(a.name for a in agencies):
            _event(task, user, "changed", {"agencies": [before, sorted(a.name for a in agencies)]})
    diff = {}
    for name, value in values.items():
        old = getattr(task, name)
        if old != value:
            diff[name] = [_plain(old), _plain(value)]
            setattr(task, name, value)
    if task.status == "done" and "status" in diff:
        if task.recurrence and task.recurrence != "ongoing" and task.due_on:
            task.due_on = next_due(task.due_on, task.recurrence)
            task.status = "in_progress"
            diff["due_on"] = [diff.get("due_on", [_plain(due)])[0], _plain(task.due_on)]
            diff["status"] = [diff["status"][0], "in_progress"]
        else:
            task.completed_at = utcnow()
    elif "status" in diff:
        task.completed_at = None
    if diff:
        _event(task, user, "changed", diff)
    db.flush()
    return task


def undated_tasks(plan: Plan) -> list[Task]:
    """The plan's tasks with neither a due date nor a repetition, left for the coordinator to date."""
    return [t for t in plan.tasks if t.due_on is None and not t.recurrence]


def date_tasks(db: Session, plan: Plan, user: User, rows: dict[int, tuple[str, str]]) -> dict[int, UserError]:
    """Date the plan's undated tasks in one go: ``rows`` maps a task id to (due date as typed, recurrence key); a row
    left empty is skipped. All or nothing: when any row is wrong, nothing changes and the problems are returned by
    task id; else every row is applied (each in its task's history) and ``{}`` returned."""
    need_coordinator(user)
    undated = {t.id: t for t in undated_tasks(plan)}
    problems: dict[int, UserError] = {}
    changes: dict[int, TaskChanges] = {}
    for task_id, (typed, recurrence) in rows.items():
        typed, recurrence = typed.strip(), recurrence.strip()
        if not typed and not recurrence:
            continue
        task, due = undated.get(task_id), parse_date(typed) if typed else None
        if task is None:
            problems[task_id] = UserError(
                "Nhiệm vụ này không thuộc kế hoạch hoặc đã có hạn.", "This task is not in the plan or already dated."
            )
        elif typed and due is None:
            problems[task_id] = UserError(
                f"Ngày không hợp lệ: {typed} (dạng dd/mm/yyyy).", f"Invalid date: {typed} (dd/mm/yyyy)."
            )
        elif recurrence not in RECURRENCES:
            problems[task_id] = UserError("Chu kỳ lặp lại không hợp lệ.", "Unknown recurrence.")
        elif due and task.start_on and due < task.start_on:
            problems[task_id] = UserError(
                f"Hạn phải từ ngày bắt đầu ({task.start_on:%d/%m/%Y}) trở đi.",
                f"The due date must not precede the start ({task.start_on:%d/%m/%Y}).",
            )
        else:
            changes[task_id] = TaskChanges(due_on=due, recurrence=recurrence or None)
    if problems:
        return problems
    for task_id, change in changes.items():
        update_task(db, undated[task_id], user, change)
    return {}


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def check_attachment(filename: str, data: bytes, max_mb: int) -> tuple[str, str]:
    """(clean file name, content type) of an acceptable attachment, else a UserError."""
    name = Path(filename or "").name.strip()[:200] or "tep"
    ext = Path(name).suffix.lower()
    if ext not in ATTACHMENT_TYPES:
        allowed = ", ".join(sorted(ATTACHMENT_TYPES))
        raise UserError(
            f"Không nhận loại tệp “{ext or name}”. Chỉ nhận: {allowed}.",
            f"File type “{ext or name}” is not accepted. Accepted: {allowed}.",
            415,
        )
    if len(data) > max_mb * 1024 * 1024:
        raise UserError(
            f"Tệp “{name}” quá lớn (tối đa {max_mb} MB).", f"“{name}” is too large (at most {max_mb} MB).", 413
        )
    content_type, looks_right = ATTACHMENT_TYPES[ext]
    if not data or not looks_right(data):
        raise UserError(f"Tệp “{name}” không đúng định dạng {ext}.", f"“{name}” is not a valid {ext} file.", 415)
    return name, content_type


def add_report(
    db: Session,
    settings: Settings,
    task: Task,
    user: User,
    text: str,
    *,
    figures: dict | None = None,
    links: list[str] | None = None,
    files: list[tuple[str, bytes]] = (),
    status: str | None = None,
) -> ProgressReport:
    """File a progress report (all or nothing: every attachment is checked before anything is stored). A report
    belongs to the reporter's agency, or to the task's first agency when a coordinator files it for them."""
    if not can_work_on(user, task):
        raise UserError(
            "Bạn chỉ báo cáo được nhiệm vụ của cơ quan mình.", "You may only report on your agency's tasks.", 403
        )
    text = scrub((text or "").replace("\r\n", "\n")).strip()  # no citizen's phone or ID number is stored
    if not text:
        raise UserError("Báo cáo cần có nội dung.", "A report needs some text.", 422)
    links = [link.strip() for link in (links or []) if link.strip()]
    bad = [link for link in links if not is_http_url(link)]
    if bad:
        raise UserError(f"Liên kết không hợp lệ: {bad[0]}", f"Invalid link: {bad[0]}", 422)
    clean_figures = {}
    for label, value in (figures or {}).items():  # Vietnamese notation: "12.500" is 12500, "1,5" is 1.5
        label = " ".join(str(label).split())[:100]
        clean_figures[label] = parse_number(value, label)
    if len(files) > MAX_ATTACHMENTS:
        raise UserError(f"Tối đa {MAX_ATTACHMENTS} tệp đính kèm.", f"At most {MAX_ATTACHMENTS} attachments.", 422)
    max_mb = min(MAX_ATTACHMENT_MB, settings.max_upload_mb)
    checked = [(check_attachment(name, data, max_mb), data) for name, data in files]
    task_agencies = [a.id for a in task.agencies]
    agency_id = user.agency_id if user.agency_id in task_agencies or not task_agencies else task_agencies[0]
    report = ProgressReport(
        task=task, agency_id=agency_id, user_id=user.id, text=text, figures=clean_figures, links=links
    )
    folder = settings.files_dir / "plans"
    for (name, content_type), data in checked:
        digest = hashlib.sha256(data).hexdigest()
        if any(a.sha256 == digest for a in report.attachments):
            continue
        folder.mkdir(parents=True, exist_ok=True)
        (folder / digest).write_bytes(data)
        report.attachments.append(Attachment(filename=name, content_type=content_type, size=len(data), sha256=digest))
    db.add(report)
    _event(task, user, "report", {"files": len(report.attachments)})
    if status and status != task.status:
        update_task(db, task, user, TaskChanges(status=status))
    elif task.status == "not_started":
        update_task(db, task, user, TaskChanges(status="in_progress"))
    db.flush()
    return report


def attachment_path(settings: Settings, attachment: Attachment) -> Path:
    return settings.files_dir / "plans" / attachment.sha256


def get_attachment(db: Session, attachment_id: int) -> Attachment:
    return get_or_404(db, Attachment, attachment_id, "Không tìm thấy tệp.", "No such file.")

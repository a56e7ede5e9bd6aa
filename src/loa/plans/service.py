"""Plans: preview and import a plan document, tasks and progress reports, figures for the views,
CSV/XLSX export, the report upward (DOCX/PDF) and reminders. Plain functions on a Session; never commit."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import smtplib
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa import documents as docs
from loa.auth import service as auth
from loa.auth.models import Agency, User
from loa.config import Settings
from loa.content import service as content
from loa.db import get_or_404, utcnow
from loa.errors import UserError
from loa.formats import LOCAL, vn_date
from loa.plans.models import (PRIORITIES, RECURRENCES, STATUSES, AgencyGroup, Attachment, DigestSend, Plan,
                              PlanItem, ProgressReport, Task, TaskEvent)
from loa.plans.parser import ParsedPlan, fold, parse_bytes
from loa.text import scrub

NEW = "new"  # choice for a body: create an agency of that name
DUE_SOON_DAYS = 3
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_MB = 10
# extension → (content type, test on the first bytes)
ATTACHMENT_TYPES = {
    ".pdf": ("application/pdf", lambda b: b.startswith(b"%PDF-")),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              lambda b: b.startswith(b"PK\x03\x04")),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              lambda b: b.startswith(b"PK\x03\x04")),
    ".jpg": ("image/jpeg", lambda b: b.startswith(b"\xff\xd8\xff")),
    ".jpeg": ("image/jpeg", lambda b: b.startswith(b"\xff\xd8\xff")),
    ".png": ("image/png", lambda b: b.startswith(b"\x89PNG\r\n\x1a\n")),
    ".mp3": ("audio/mpeg", lambda b: b.startswith(b"ID3") or b[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")),
    ".txt": ("text/plain", lambda b: _is_utf8(b)),
    ".csv": ("text/csv", lambda b: _is_utf8(b)),
}
ABBREVIATIONS = (("mat tran to quoc", "mttq"), ("uy ban nhan dan", "ubnd"), ("thong tin va truyen thong", "tt&tt"),
                 ("phat thanh - truyen hinh", "pt-th"))
PARTY_WORDS = ("tinh uy", "huyen uy", "thanh uy", "thi uy", "dang uy", "ban tuyen giao", "ban thuong vu")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _need_coordinator(user: User) -> None:
    if not user.has_role("coordinator"):
        raise UserError("Bạn không có quyền thực hiện thao tác này.", "You may not do this.", 403)


# ---- matching bodies to the agency registry ----------------------------------------------------------------

def _key(name: str) -> str:
    key = fold(name)
    for long, short in ABBREVIATIONS:
        key = key.replace(long, short)
    return key


def _core(name: str) -> str:
    """An agency's distinctive part: "Ủy ban MTTQ Việt Nam tỉnh" → "mttq viet nam"."""
    key = _key(name)
    key = re.sub(r"^uy ban ", "", key)
    return re.sub(r" tinh$", "", key)


def match_body(agencies: list[Agency], body: str) -> list[Agency]:
    """The registry agencies a body names, diacritics- and case-insensitively; all districts for
    "Các huyện ủy, thị ủy, ..."; [] when unknown."""
    key = _key(body)
    exact = [a for a in agencies if key in (_key(a.name), _key(a.short_name))]
    if exact:
        return exact[:1]
    if key.startswith(("cac huyen", "cac huyen uy", "ubnd cac huyen")):
        return [a for a in agencies if a.kind == "district"]
    contained = [a for a in agencies if len(_core(a.name)) > 4 and f" {_core(a.name)} " in f" {key} "]
    return [max(contained, key=lambda a: len(_core(a.name)))] if contained else []


@dataclass
class BodyChoice:
    body: str
    matches: list[Agency] = field(default_factory=list)


def body_choices(db: Session, parsed: ParsedPlan) -> list[BodyChoice]:
    """Every distinct body of the plan's groups, with the agencies it matches."""
    agencies = [a for a in auth.list_agencies(db) if a.active]
    seen: dict[str, BodyChoice] = {}
    for group in parsed.agency_groups:
        for body in group.bodies:
            seen.setdefault(_key(body), BodyChoice(body, match_body(agencies, body)))
    return list(seen.values())


def guess_kind(name: str) -> str:
    key = fold(name)
    for words, kind in ((("bao ", "dai ", "truyen hinh"), "media"), (("y te", "benh vien", "kiem soat benh tat"), "health"),
                        (("huyen", "thi xa", "thanh pho"), "district"), (PARTY_WORDS + ("ban chi dao",), "party"),
                        (("mat tran", "hoi ", "doan ", "lien doan"), "mass_org"), (("so ", "ubnd", "uy ban"), "government")):
        if any(w in key for w in words):
            return kind
    return "other"


# ---- import -------------------------------------------------------------------------------------------------

def plan_hash(parsed: ParsedPlan) -> str:
    """The same plan read from any format or encoding has the same hash (import is idempotent)."""
    canonical = json.dumps(parsed.to_dict(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(fold(canonical).encode()).hexdigest()


def find_by_hash(db: Session, parsed: ParsedPlan) -> Plan | None:
    return db.scalar(select(Plan).where(Plan.content_hash == plan_hash(parsed)))


def read_plan(data: bytes, max_mb: int = 20) -> ParsedPlan:
    if not data:
        raise UserError("Chưa chọn tệp hoặc tệp rỗng.", "No file chosen, or the file is empty.", 422)
    if len(data) > max_mb * 1024 * 1024:
        raise UserError(f"Tệp quá lớn (tối đa {max_mb} MB).", f"The file is too large (at most {max_mb} MB).", 413)
    return parse_bytes(data)


def import_plan(db: Session, settings: Settings, parsed: ParsedPlan, user: User | None, *, source_name: str = "",
                choices: dict[str, list[int] | str] | None = None, create_unknown: bool = False,
                today: date | None = None) -> Plan:
    """Store a parsed plan; each duty becomes a task for its group's agencies.

    ``choices`` maps a body (as written) to agency ids or ``NEW`` (create it); bodies not in it take their
    registry matches, and unknown ones are created when ``create_unknown``, else left for assignment later."""
    if user is not None:
        _need_coordinator(user)
    if find_by_hash(db, parsed):
        raise UserError("Kế hoạch này đã được nhập trước đây.", "This plan has already been imported.", 409)
    choices = {_key(k): v for k, v in (choices or {}).items()}
    province = auth.get_or_create_province(db, settings.province)
    resolved: dict[str, list[Agency]] = {}
    for choice in body_choices(db, parsed):
        key = _key(choice.body)
        wanted = choices.get(key, NEW if create_unknown and not choice.matches else None)
        if wanted == NEW:
            existing = [a for a in auth.list_agencies(db) if _key(a.name) == key]
            resolved[key] = existing or [auth.create_agency(db, province, choice.body, kind=guess_kind(choice.body))]
        elif isinstance(wanted, list):
            resolved[key] = [a for a in (db.get(Agency, int(i)) for i in wanted) if a is not None]
        else:
            resolved[key] = choice.matches
    plan = Plan(title=parsed.title, issuer=parsed.issuer, number=parsed.number,
                issued_on=date.fromisoformat(parsed.date) if parsed.date else None, preamble=parsed.preamble,
                cited_documents=[c.__dict__ for c in parsed.cited_documents], recipients=parsed.recipients,
                signer=parsed.signer.__dict__, source_name=source_name[:255], content_hash=plan_hash(parsed))
    for i, text in enumerate(parsed.purposes):
        plan.items.append(PlanItem(kind="purpose", position=i + 1, text=text))
    themes = [PlanItem(kind="theme", position=i + 1, text=text) for i, text in enumerate(parsed.themes)]
    plan.items.extend(themes)
    start = today or datetime.now(LOCAL).date()
    position = 0
    for g, parsed_group in enumerate(parsed.agency_groups):
        group = AgencyGroup(position=g + 1, name=parsed_group.name, bodies=parsed_group.bodies)
        plan.groups.append(group)
        agencies = list({a.id: a for body in parsed_group.bodies for a in resolved.get(_key(body), [])}.values())
        for duty in parsed_group.duties:
            position += 1
            task = Task(group=group, position=position, text=duty, start_on=start, agencies=agencies,
                        theme=closest_theme(duty, themes), status="not_started", priority="normal", recurrence="")
            task.events.append(TaskEvent(user_id=user.id if user else None, kind="created", detail={}))
            plan.tasks.append(task)
    db.add(plan)
    db.flush()
    for theme in themes:  # the plan's themes become content themes, so messages can be filed under them
        content.ensure_theme(db, f"{plan.title[:60]} · {theme.position}. {theme.label}"[:200],
                             source=f"plan:{plan.id}")
    return plan


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", fold(text)) if len(w) > 2}


def closest_theme(duty: str, themes: list[PlanItem]) -> PlanItem | None:
    """The theme sharing most words with the duty (Jaccard ≥ 0.08), else none."""
    words = _words(duty)
    scored = [(len(words & _words(t.text)) / (len(words | _words(t.text)) or 1), t) for t in themes]
    best = max(scored, key=lambda s: s[0], default=(0, None))
    return best[1] if best[0] >= 0.08 else None


# ---- reading ------------------------------------------------------------------------------------------------

def list_plans(db: Session) -> list[Plan]:
    return list(db.scalars(select(Plan).order_by(Plan.id.desc())))


def get_plan(db: Session, plan_id: int) -> Plan:
    return get_or_404(db, Plan, plan_id, "Không tìm thấy kế hoạch.", "No such plan.")


def get_task(db: Session, task_id: int) -> Task:
    return get_or_404(db, Task, task_id, "Không tìm thấy nhiệm vụ.", "No such task.")


def tasks_of_agency(db: Session, agency_id: int) -> list[Task]:
    return [t for t in db.scalars(select(Task).order_by(Task.plan_id, Task.position))
            if any(a.id == agency_id for a in t.agencies)]


def today_local() -> date:
    return datetime.now(LOCAL).date()


def can_work_on(user: User, task: Task) -> bool:
    """Coordinators work on every task; agency members on their own agency's tasks."""
    return user.has_role("coordinator") or (
        "agency_member" in user.roles and user.agency_id is not None and any(a.id == user.agency_id for a in task.agencies))


# ---- tasks and progress reports -----------------------------------------------------------------------------

def _event(task: Task, user: User | None, kind: str, detail: dict) -> None:
    task.events.append(TaskEvent(user_id=user.id if user else None, kind=kind, detail=detail))


def next_due(due: date, recurrence: str) -> date:
    if recurrence == "weekly":
        return due + timedelta(days=7)
    year, month = (due.year + 1, 1) if due.month == 12 else (due.year, due.month + 1)
    return date(year, month, min(due.day, monthrange(year, month)[1]))


def update_task(db: Session, task: Task, user: User, **changes) -> Task:
    """Change status (members of the task's agencies and coordinators) or the other fields (coordinators):
    priority, start_on, due_on, recurrence, theme_id, agency_ids. A recurring task marked done moves on to its
    next due date instead."""
    if not can_work_on(user, task):
        raise UserError("Bạn chỉ cập nhật được nhiệm vụ của cơ quan mình.", "You may only update your agency's tasks.", 403)
    changes = {k: v for k, v in changes.items() if v is not None}
    if set(changes) - {"status"}:
        _need_coordinator(user)
    if "status" in changes and changes["status"] not in STATUSES:
        raise UserError("Trạng thái không hợp lệ.", "Unknown status.", 422)
    if "priority" in changes and changes["priority"] not in PRIORITIES:
        raise UserError("Mức ưu tiên không hợp lệ.", "Unknown priority.", 422)
    if "recurrence" in changes and changes["recurrence"] not in RECURRENCES:
        raise UserError("Chu kỳ lặp lại không hợp lệ.", "Unknown recurrence.", 422)
    start, due = changes.get("start_on", task.start_on), changes.get("due_on", task.due_on)
    if start and due and due < start:
        raise UserError("Hạn hoàn thành phải sau ngày bắt đầu.", "The due date must follow the start date.", 422)
    if "theme_id" in changes:
        theme = db.get(PlanItem, changes["theme_id"]) if changes["theme_id"] else None
        if changes["theme_id"] and (theme is None or theme.plan_id != task.plan_id or theme.kind != "theme"):
            raise UserError("Chủ đề không thuộc kế hoạch này.", "The theme is not part of this plan.", 422)
        changes["theme_id"] = theme.id if theme else None
    if "agency_ids" in changes:
        agencies = [db.get(Agency, int(i)) for i in changes.pop("agency_ids")]
        if any(a is None for a in agencies):
            raise UserError("Cơ quan không tồn tại.", "No such agency.", 422)
        before = sorted(a.name for a in task.agencies)
        task.agencies = agencies
        if before != sorted(a.name for a in agencies):
            _event(task, user, "changed", {"agencies": [before, sorted(a.name for a in agencies)]})
    diff = {}
    for name, value in changes.items():
        old = getattr(task, name)
        if old != value:
            diff[name] = [_plain(old), _plain(value)]
            setattr(task, name, value)
    if task.status == "done" and "status" in diff:
        if task.recurrence and task.due_on:
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


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def check_attachment(filename: str, data: bytes, max_mb: int) -> tuple[str, str]:
    """(clean file name, content type) of an acceptable attachment, else a UserError."""
    name = Path(filename or "").name.strip()[:200] or "tep"
    ext = Path(name).suffix.lower()
    if ext not in ATTACHMENT_TYPES:
        allowed = ", ".join(sorted(ATTACHMENT_TYPES))
        raise UserError(f"Không nhận loại tệp “{ext or name}”. Chỉ nhận: {allowed}.",
                        f"File type “{ext or name}” is not accepted. Accepted: {allowed}.", 415)
    if len(data) > max_mb * 1024 * 1024:
        raise UserError(f"Tệp “{name}” quá lớn (tối đa {max_mb} MB).", f"“{name}” is too large (at most {max_mb} MB).", 413)
    content_type, looks_right = ATTACHMENT_TYPES[ext]
    if not data or not looks_right(data):
        raise UserError(f"Tệp “{name}” không đúng định dạng {ext}.", f"“{name}” is not a valid {ext} file.", 415)
    return name, content_type


def add_report(db: Session, settings: Settings, task: Task, user: User, text: str, *, figures: dict | None = None,
               links: list[str] | None = None, files: list[tuple[str, bytes]] = (), status: str | None = None
               ) -> ProgressReport:
    """File a progress report (all or nothing: every attachment is checked before anything is stored). A report
    belongs to the reporter's agency, or to the task's first agency when a coordinator files it for them."""
    if not can_work_on(user, task):
        raise UserError("Bạn chỉ báo cáo được nhiệm vụ của cơ quan mình.", "You may only report on your agency's tasks.", 403)
    text = scrub((text or "").replace("\r\n", "\n")).strip()  # no citizen's phone or ID number is stored
    if not text:
        raise UserError("Báo cáo cần có nội dung.", "A report needs some text.", 422)
    links = [link.strip() for link in (links or []) if link.strip()]
    bad = [link for link in links if not re.match(r"^https?://\S+$", link)]
    if bad:
        raise UserError(f"Liên kết không hợp lệ: {bad[0]}", f"Invalid link: {bad[0]}", 422)
    clean_figures = {}
    for label, value in (figures or {}).items():
        try:
            clean_figures[" ".join(str(label).split())[:100]] = float(str(value).replace(",", "."))
        except ValueError:
            raise UserError(f"Số liệu “{label}” phải là số.", f"The figure “{label}” must be a number.", 422) from None
    if len(files) > MAX_ATTACHMENTS:
        raise UserError(f"Tối đa {MAX_ATTACHMENTS} tệp đính kèm.", f"At most {MAX_ATTACHMENTS} attachments.", 422)
    max_mb = min(MAX_ATTACHMENT_MB, settings.max_upload_mb)
    checked = [(check_attachment(name, data, max_mb), data) for name, data in files]
    task_agencies = [a.id for a in task.agencies]
    agency_id = user.agency_id if user.agency_id in task_agencies or not task_agencies else task_agencies[0]
    report = ProgressReport(task=task, agency_id=agency_id, user_id=user.id, text=text, figures=clean_figures,
                            links=links)
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
        update_task(db, task, user, status=status)
    elif task.status == "not_started":
        update_task(db, task, user, status="in_progress")
    db.flush()
    return report


def attachment_path(settings: Settings, attachment: Attachment) -> Path:
    return settings.files_dir / "plans" / attachment.sha256


def get_attachment(db: Session, attachment_id: int) -> Attachment:
    return get_or_404(db, Attachment, attachment_id, "Không tìm thấy tệp.", "No such file.")


# ---- figures for the views ----------------------------------------------------------------------------------

@dataclass
class Progress:
    label: str
    counts: dict[str, int] = field(default_factory=lambda: {s: 0 for s in STATUSES})
    overdue: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done_pct(self) -> float:
        return 100.0 * self.counts["done"] / self.total if self.total else 0.0

    def add(self, task: Task, today: date) -> None:
        self.counts[task.status] += 1
        self.overdue += task.overdue(today)


def overview(plan: Plan, today: date | None = None) -> dict:
    """Progress of a plan overall, by agency and by theme, and its overdue tasks."""
    today = today or today_local()
    total, by_agency, by_theme = Progress("all"), {}, {}
    for task in plan.tasks:
        total.add(task, today)
        for agency in task.agencies or [None]:
            name = agency.name if agency else "—"
            by_agency.setdefault(name, Progress(name)).add(task, today)
        label = task.theme.label if task.theme else "—"
        by_theme.setdefault(label, Progress(label)).add(task, today)
    return {"total": total, "by_agency": sorted(by_agency.values(), key=lambda p: p.label),
            "by_theme": list(by_theme.values()), "overdue": [t for t in plan.tasks if t.overdue(today)]}


def reminders(db: Session, user: User, today: date | None = None, days: int = DUE_SOON_DAYS) -> dict:
    """Open tasks overdue or due within ``days``: all for coordinators, the agency's for its members."""
    today = today or today_local()
    if user.has_role("coordinator", "viewer"):
        tasks = list(db.scalars(select(Task).where(Task.status != "done", Task.due_on.is_not(None))))
    elif user.agency_id:
        tasks = [t for t in tasks_of_agency(db, user.agency_id) if t.status != "done" and t.due_on]
    else:
        tasks = []
    tasks.sort(key=lambda t: t.due_on)
    return {"overdue": [t for t in tasks if t.due_on < today],
            "due_soon": [t for t in tasks if today <= t.due_on <= today + timedelta(days=days)]}


def digests(db: Session, today: date | None = None) -> list[dict]:
    """Per agency, the daily digest: its overdue and due-soon tasks (agencies with nothing to remind are left out)."""
    today = today or today_local()
    out: dict[int, dict] = {}
    for task in db.scalars(select(Task).where(Task.status != "done", Task.due_on.is_not(None)).order_by(Task.due_on)):
        kind = "overdue" if task.due_on < today else "due_soon" if task.due_on <= today + timedelta(DUE_SOON_DAYS) else ""
        for agency in task.agencies if kind else []:
            entry = out.setdefault(agency.id, {"agency": agency, "overdue": [], "due_soon": []})
            entry[kind].append(task)
    return sorted(out.values(), key=lambda d: d["agency"].name)


def digest_text(entry: dict, today: date) -> str:
    lines = [f"Nhắc việc ngày {vn_date(today)} — {entry['agency'].name}", ""]
    for kind, heading in (("overdue", "Quá hạn"), ("due_soon", f"Sắp đến hạn (trong {DUE_SOON_DAYS} ngày)")):
        if entry[kind]:
            lines.append(f"{heading}:")
            lines += [f"- [{vn_date(t.due_on)}] {t.title} (#{t.id})" for t in entry[kind]]
            lines.append("")
    return "\n".join(lines).strip() + "\n"


@dataclass
class Delivery:
    """What became of one agency's digest: ``sent``, ``already_sent`` (today, by an earlier run) or ``failed``."""
    agency: str
    address: str
    status: str
    error: str = ""


def send_digests(db: Session, settings: Settings, today: date | None = None) -> list[Delivery]:
    """E-mail each agency with an address its digest, once a day, when SMTP is configured; without SMTP nothing
    is sent (the digests show in the app, reminders page).

    Each digest is recorded (``DigestSend``) before it is sent, so that running again on the same day sends only
    what was not sent, and a run beside it waits on that row and then fails on its uniqueness instead of sending
    twice. A message the server refuses is not recorded and is reported ``failed``; the others stay recorded."""
    today = today or today_local()
    if not settings.smtp_host:
        return []
    entries = [e for e in digests(db, today) if e["agency"].email]
    done = set(db.scalars(select(DigestSend.agency_id).where(DigestSend.day == today)))
    out = [Delivery(e["agency"].name, e["agency"].email, "already_sent") for e in entries if e["agency"].id in done]
    todo = [e for e in entries if e["agency"].id not in done]
    if not todo:
        return out
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_user:
            smtp.starttls()
            smtp.login(settings.smtp_user, settings.smtp_password)
        for entry in todo:
            agency = entry["agency"]
            try:
                with db.begin_nested():
                    db.add(DigestSend(day=today, agency_id=agency.id, address=agency.email))
                    db.flush()
                    smtp.send_message(digest_message(settings, entry, today))
            except (smtplib.SMTPException, OSError) as exc:
                out.append(Delivery(agency.name, agency.email, "failed", str(exc)[:300]))
            else:
                out.append(Delivery(agency.name, agency.email, "sent"))
    return out


def digest_message(settings: Settings, entry: dict, today: date) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = f"[Loa] Nhắc việc kế hoạch ngày {vn_date(today)}"
    msg["From"], msg["To"] = settings.smtp_from, entry["agency"].email
    msg.set_content(digest_text(entry, today))
    return msg


# ---- exports ------------------------------------------------------------------------------------------------

EXPORT_HEADER = ["Mã", "Nhóm cơ quan", "Cơ quan thực hiện", "Nhiệm vụ", "Chủ đề", "Trạng thái", "Ưu tiên",
                 "Bắt đầu", "Hạn", "Lặp lại", "Số báo cáo"]


def export_rows(plan: Plan) -> list[list]:
    return [[t.id, t.group.name, "; ".join(a.name for a in t.agencies), t.text, t.theme.label if t.theme else "",
             STATUSES[t.status][0], PRIORITIES[t.priority][0], vn_date(t.start_on), vn_date(t.due_on),
             RECURRENCES[t.recurrence][0], len(t.reports)] for t in plan.tasks]


def _cell(value):
    """Spreadsheet cells never start a formula (=, +, -, @ from a document become text)."""
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value


def export_csv(plan: Plan) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(EXPORT_HEADER)
    writer.writerows([[_cell(v) for v in row] for row in export_rows(plan)])
    return buf.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def export_xlsx(plan: Plan) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Nhiệm vụ"
    ws.append(EXPORT_HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in export_rows(plan):
        ws.append([_cell(v) for v in row])
    for col, width in zip("ABCDEFGHIJK", (6, 30, 30, 80, 30, 16, 12, 12, 12, 14, 10)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---- the report upward --------------------------------------------------------------------------------------

def _in_period(moment: datetime, start: date, end: date) -> bool:
    day = moment.astimezone(LOCAL).date()
    return start <= day <= end


def report_document(plan: Plan, start: date, end: date, province: str = "", today: date | None = None) -> docs.Document:
    """"Báo cáo kết quả thực hiện Kế hoạch" for [start, end]: per agency, tasks done, in progress and overdue,
    with the progress reports filed in the period."""
    check_report(start, end)
    today = today or today_local()
    as_of = min(end, today)
    blocks: list = [docs.Paragraph(
        f"Thực hiện {plain_title(plan.title).lower()[:1] + plain_title(plan.title)[1:]}"
        f"{' số ' + plan.number if plan.number else ''}, "
        f"kết quả thực hiện từ ngày {vn_date(start)} đến ngày {vn_date(end)} như sau:")]
    info = overview(plan, as_of)
    t = info["total"]
    blocks.append(docs.Heading("I- TÌNH HÌNH CHUNG"))
    blocks.append(docs.Paragraph(
        f"Kế hoạch có {t.total} nhiệm vụ: hoàn thành {t.counts['done']}, đang thực hiện {t.counts['in_progress']}, "
        f"chưa bắt đầu {t.counts['not_started']}, tạm dừng {t.counts['paused']}; quá hạn {t.overdue}."))
    blocks.append(docs.Table(["Cơ quan", "Số nhiệm vụ", "Hoàn thành", "Đang thực hiện", "Quá hạn"],
                             [[p.label, p.total, p.counts["done"], p.counts["in_progress"], p.overdue]
                              for p in info["by_agency"]], [4, 1, 1, 1, 1]))
    blocks.append(docs.Heading("II- KẾT QUẢ CỦA TỪNG CƠ QUAN"))
    agencies = sorted({a.id: a for task in plan.tasks for a in task.agencies}.values(), key=lambda a: a.name)
    for n, agency in enumerate(agencies, start=1):
        tasks = [task for task in plan.tasks if agency in task.agencies]
        blocks.append(docs.Heading(f"{n}. {agency.name}", level=2))
        for label, chosen in (("Đã hoàn thành", [x for x in tasks if x.status == "done"]),
                              ("Đang thực hiện", [x for x in tasks if x.status == "in_progress" and not x.overdue(as_of)]),
                              ("Quá hạn", [x for x in tasks if x.overdue(as_of)])):
            blocks.append(docs.Paragraph(f"{label}: {len(chosen)} nhiệm vụ."))
            if chosen:
                blocks.append(docs.Bullets([_task_line(x) for x in chosen]))
        filed = [r for task in tasks for r in task.reports
                 if r.agency_id == agency.id and _in_period(r.created_at, start, end)]
        if filed:
            blocks.append(docs.Paragraph("Báo cáo tiến độ trong kỳ:"))
            blocks.append(docs.Bullets([_report_line(r) for r in filed], marker="+"))
    header = docs.PARTY_HEADER if any(w in fold(" ".join(plan.issuer) + " " + plan.signer.get("on_behalf", ""))
                                      for w in PARTY_WORDS) or not plan.issuer else docs.NATIONAL_HEADER
    issuer = list(plan.issuer) or ([("TỈNH ỦY " if header == docs.PARTY_HEADER else "ỦY BAN NHÂN DÂN TỈNH ")
                                    + province.upper()] if province else [])
    return docs.Document(
        title="Báo cáo kết quả thực hiện Kế hoạch", subtitle=plain_title(plan.title), issuer=issuer,
        header=header, number="      -BC", place=province, date=today,
        blocks=blocks, recipients=["Như trên", "Lưu"], signature=docs.Signature(title="NGƯỜI BÁO CÁO"))


def plain_title(title: str) -> str:
    """"KẾ HOẠCH truyền thông ..." → "Kế hoạch truyền thông ..." (for running text)."""
    return re.sub(r"^[A-ZĐÀ-Ỹ ]+\b(?= [a-zđà-ỹ]|$)", lambda m: m.group(0).capitalize(), title)


def _task_line(task: Task) -> str:
    due = f" (hạn {vn_date(task.due_on)})" if task.due_on else ""
    return f"{task.text}{due}"


def _report_line(report: ProgressReport) -> str:
    figures = "; ".join(f"{k}: {v:g}" for k, v in report.figures.items())
    return f"{vn_date(report.created_at)} — {report.text}" + (f" ({figures})" if figures else "")


REPORT_MEDIA = {"pdf": "application/pdf", "docx": ATTACHMENT_TYPES[".docx"][0]}


def check_report(start: date, end: date, fmt: str = "pdf") -> None:
    """Refuse a period that ends before it starts, or a format other than PDF and DOCX."""
    if end < start:
        raise UserError("Ngày kết thúc kỳ báo cáo phải sau ngày bắt đầu.", "The period must end after it starts.", 422)
    if fmt not in REPORT_MEDIA:
        raise UserError("Định dạng phải là docx hoặc pdf.", "The format must be docx or pdf.", 422)


def report_filename(plan: Plan, fmt: str) -> str:
    return f"bao-cao-ke-hoach-{plan.id}.{fmt}"


def render_report(plan: Plan, start: date, end: date, fmt: str, province: str = "") -> bytes:
    check_report(start, end, fmt)
    doc = report_document(plan, start, end, province)
    return docs.to_docx(doc) if fmt == "docx" else docs.to_pdf(doc)

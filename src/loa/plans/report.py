"""The report upward, "Báo cáo kết quả thực hiện Kế hoạch", for a period, as DOCX or PDF."""

from __future__ import annotations

import re
from datetime import date, datetime

from loa import documents as docs
from loa.clock import local_day, today_local
from loa.errors import UserError
from loa.formats import vn_amount, vn_date
from loa.plans.importing import PARTY_WORDS
from loa.plans.models import STATUSES, Plan, ProgressReport, Task
from loa.plans.parser import fold
from loa.plans.tasks import ATTACHMENT_TYPES
from loa.text import sort_by


def _in_period(moment: datetime, start: date, end: date) -> bool:
    return start <= local_day(moment) <= end


def report_document(plan: Plan, start: date, end: date, province: str = "", today: date | None = None) -> docs.Document:
    """ "Báo cáo kết quả thực hiện Kế hoạch" for [start, end]: per agency, tasks done, in progress and overdue,
    with the progress reports filed in the period."""
    check_report(start, end)
    today = today or today_local()
    as_of = min(end, today)
    blocks: list = [
        docs.Paragraph(
            f"Thực hiện {plain_title(plan.title).lower()[:1] + plain_title(plan.title)[1:]}"
            f"{' số ' + plan.number if plan.number else ''}, "
            f"kết quả thực hiện từ ngày {vn_date(start)} đến ngày {vn_date(end)} như sau:"
        )
    ]
    was = {task.id: s for task in plan.tasks if (s := state_on(task, as_of)) is not None}
    tasks_then = [task for task in plan.tasks if task.id in was]
    t = _counts(tasks_then, was, as_of)
    blocks.append(docs.Heading("I- TÌNH HÌNH CHUNG"))
    blocks.append(
        docs.Paragraph(
            f"Đến ngày {vn_date(as_of)}, kế hoạch có {len(tasks_then)} nhiệm vụ: hoàn thành {t['done']}, "
            f"đang thực hiện {t['in_progress']}, chưa bắt đầu {t['not_started']}, tạm dừng {t['paused']}; "
            f"quá hạn {t['overdue']}."
        )
    )
    agencies = sort_by({a.id: a for task in tasks_then for a in task.agencies}.values(), lambda a: a.name)
    rows = []
    for agency in agencies:
        c = _counts([x for x in tasks_then if agency in x.agencies], was, as_of)
        rows.append([agency.name, c["total"], c["done"], c["in_progress"], c["overdue"]])
    rows.append(["Tổng cộng", len(tasks_then), t["done"], t["in_progress"], t["overdue"]])
    blocks.append(
        docs.Table(["Cơ quan", "Số nhiệm vụ", "Hoàn thành", "Đang thực hiện", "Quá hạn"], rows, [4, 1, 1, 1, 1])
    )
    blocks.append(docs.Heading("II- KẾT QUẢ CỦA TỪNG CƠ QUAN"))
    for n, agency in enumerate(agencies, start=1):
        tasks = [task for task in tasks_then if agency in task.agencies]
        blocks.append(docs.Heading(f"{n}. {agency.name}", level=2))
        overdue = [x for x in tasks if _overdue(was[x.id], as_of)]
        lists = [
            ("Đã hoàn thành", [x for x in tasks if was[x.id][0] == "done"]),
            ("Đang thực hiện", [x for x in tasks if was[x.id][0] == "in_progress" and x not in overdue]),
            ("Quá hạn", overdue),
        ]
        waiting = len(tasks) - sum(len(chosen) for _label, chosen in lists)
        summary = ", ".join(f"{label.lower()} {len(chosen)}" for label, chosen in lists if chosen)
        rest = f"{', ' if summary else ''}chưa bắt đầu hoặc tạm dừng {waiting}" if waiting else ""
        blocks.append(docs.Paragraph(f"{len(tasks)} nhiệm vụ: {summary}{rest}."))
        for label, chosen in lists:
            if chosen:
                blocks.append(docs.Paragraph(f"{label}:"))
                blocks.append(docs.Bullets([_task_line(x, was[x.id][1]) for x in chosen]))
        filed = [
            r
            for task in tasks
            for r in task.reports
            if r.agency_id == agency.id and _in_period(r.created_at, start, end)
        ]
        if filed:
            blocks.append(docs.Paragraph("Báo cáo tiến độ trong kỳ:"))
            blocks.append(docs.Bullets([_report_line(r) for r in filed], marker="+"))
    header = (
        docs.PARTY_HEADER
        if any(w in fold(" ".join(plan.issuer) + " " + plan.signer.get("on_behalf", "")) for w in PARTY_WORDS)
        or not plan.issuer
        else docs.NATIONAL_HEADER
    )
    issuer = list(plan.issuer) or (
        [("TỈNH ỦY " if header == docs.PARTY_HEADER else "ỦY BAN NHÂN DÂN TỈNH ") + province.upper()]
        if province
        else []
    )
    return docs.Document(
        title="Báo cáo kết quả thực hiện Kế hoạch",
        subtitle=plain_title(plan.title),
        issuer=issuer,
        header=header,
        number="……-BC",  # the office's clerk gives the number
        place=province,
        date=today,
        blocks=blocks,
        recipients=["Như trên", "Lưu"],
        signature=docs.Signature(title="NGƯỜI BÁO CÁO"),
    )


def plain_title(title: str) -> str:
    """ "KẾ HOẠCH truyền thông ..." → "Kế hoạch truyền thông ..." (for running text)."""
    return re.sub(r"^[A-ZĐÀ-Ỹ ]+\b(?= [a-zđà-ỹ]|$)", lambda m: m.group(0).capitalize(), title)


def state_on(task: Task, day: date) -> tuple[str, date | None] | None:
    """A task's status and due date as they were at the end of ``day``, read back from its history (None: the task
    did not exist yet)."""
    if task.created_at is not None and local_day(task.created_at) > day:
        return None
    status, due = task.status, task.due_on
    for event in sorted(task.events, key=lambda e: e.at, reverse=True):
        if local_day(event.at) <= day:
            break
        if event.kind == "changed":
            if "status" in event.detail:
                status = event.detail["status"][0]
            if "due_on" in event.detail:
                before = event.detail["due_on"][0]
                due = date.fromisoformat(before) if before else None
    return status, due


def _overdue(state: tuple[str, date | None], day: date) -> bool:
    return state[1] is not None and state[1] < day and state[0] != "done"


def _counts(tasks: list[Task], was: dict, day: date) -> dict:
    counts = {s: 0 for s in STATUSES} | {"total": len(tasks), "overdue": 0}
    for task in tasks:
        counts[was[task.id][0]] += 1
        counts["overdue"] += _overdue(was[task.id], day)
    return counts


def _task_line(task: Task, due: date | None) -> str:
    return f"{task.text}{f' (hạn {vn_date(due)})' if due else ''}"


def _report_line(report: ProgressReport) -> str:
    figures = "; ".join(f"{k}: {vn_amount(v)}" for k, v in report.figures.items())
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

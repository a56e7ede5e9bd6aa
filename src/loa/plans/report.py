"""The report upward, "Báo cáo kết quả thực hiện Kế hoạch", for a period, as DOCX or PDF."""

from __future__ import annotations

import re
from datetime import date, datetime

from loa import documents as docs
from loa.clock import local_day, today_local
from loa.errors import UserError
from loa.formats import vn_date
from loa.plans.importing import PARTY_WORDS
from loa.plans.models import Plan, ProgressReport, Task
from loa.plans.parser import fold
from loa.plans.progress import overview
from loa.plans.tasks import ATTACHMENT_TYPES


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
    info = overview(plan, as_of)
    t = info["total"]
    blocks.append(docs.Heading("I- TÌNH HÌNH CHUNG"))
    blocks.append(
        docs.Paragraph(
            f"Kế hoạch có {t.total} nhiệm vụ: hoàn thành {t.counts['done']}, đang thực hiện {t.counts['in_progress']}, "
            f"chưa bắt đầu {t.counts['not_started']}, tạm dừng {t.counts['paused']}; quá hạn {t.overdue}."
        )
    )
    blocks.append(
        docs.Table(
            ["Cơ quan", "Số nhiệm vụ", "Hoàn thành", "Đang thực hiện", "Quá hạn"],
            [[p.label, p.total, p.counts["done"], p.counts["in_progress"], p.overdue] for p in info["by_agency"]],
            [4, 1, 1, 1, 1],
        )
    )
    blocks.append(docs.Heading("II- KẾT QUẢ CỦA TỪNG CƠ QUAN"))
    agencies = sorted({a.id: a for task in plan.tasks for a in task.agencies}.values(), key=lambda a: a.name)
    for n, agency in enumerate(agencies, start=1):
        tasks = [task for task in plan.tasks if agency in task.agencies]
        blocks.append(docs.Heading(f"{n}. {agency.name}", level=2))
        going = [x for x in tasks if x.status == "in_progress" and not x.overdue(as_of)]
        for label, chosen in (
            ("Đã hoàn thành", [x for x in tasks if x.status == "done"]),
            ("Đang thực hiện", going),
            ("Quá hạn", [x for x in tasks if x.overdue(as_of)]),
        ):
            blocks.append(docs.Paragraph(f"{label}: {len(chosen)} nhiệm vụ."))
            if chosen:
                blocks.append(docs.Bullets([_task_line(x) for x in chosen]))
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
        number="      -BC",
        place=province,
        date=today,
        blocks=blocks,
        recipients=["Như trên", "Lưu"],
        signature=docs.Signature(title="NGƯỜI BÁO CÁO"),
    )


def plain_title(title: str) -> str:
    """ "KẾ HOẠCH truyền thông ..." → "Kế hoạch truyền thông ..." (for running text)."""
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

"""A plan's tasks as a CSV or XLSX spreadsheet."""

from __future__ import annotations

import csv
import io

from loa.formats import vn_date
from loa.plans.models import PRIORITIES, RECURRENCES, STATUSES, Plan

EXPORT_HEADER = [
    "Mã",
    "Nhóm cơ quan",
    "Cơ quan thực hiện",
    "Nhiệm vụ",
    "Chủ đề",
    "Trạng thái",
    "Ưu tiên",
    "Bắt đầu",
    "Hạn",
    "Lặp lại",
    "Số báo cáo",
]


def export_rows(plan: Plan) -> list[list]:
    return [
        [
            t.id,
            t.group.name,
            "; ".join(a.name for a in t.agencies),
            t.text,
            t.theme.label if t.theme else "",
            STATUSES[t.status][0],
            PRIORITIES[t.priority][0],
            vn_date(t.start_on),
            vn_date(t.due_on),
            RECURRENCES[t.recurrence][0],
            len(t.reports),
        ]
        for t in plan.tasks
    ]


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

"""A plan's tasks as a CSV or XLSX spreadsheet."""

from __future__ import annotations

from loa.formats import vn_date
from loa.plans.models import PRIORITIES, RECURRENCES, STATUSES, Plan
from loa.spreadsheets import csv_bytes, xlsx_book, xlsx_bytes

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


def export_csv(plan: Plan) -> bytes:
    return csv_bytes(EXPORT_HEADER, export_rows(plan))


def export_xlsx(plan: Plan) -> bytes:
    from openpyxl.styles import Alignment

    book = xlsx_book("Nhiệm vụ", EXPORT_HEADER, export_rows(plan))
    ws = book.active
    for col, width in zip("ABCDEFGHIJK", (6, 30, 30, 80, 30, 16, 12, 12, 12, 14, 10)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    return xlsx_bytes(book)

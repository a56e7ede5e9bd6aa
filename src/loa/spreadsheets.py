"""Spreadsheet exports (CSV and XLSX) whose cells never start a formula.

Every CSV and XLSX a person downloads is built here: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return (what spreadsheet programs read as a formula) gets a leading apostrophe, so it shows as typed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell's value as text a spreadsheet program shows as it is, never runs."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 CSV with a BOM (so spreadsheet programs read Vietnamese correctly)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([safe_cell(v) for v in header])
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def xlsx_book(title: str, header: Sequence[str], rows: Iterable[Sequence]):
    """An openpyxl workbook with one sheet (bold header row), for the caller to style and pass to ``xlsx_bytes``."""
    from openpyxl import Workbook  # here, not at the top: openpyxl takes ~0.4 s to load
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append([safe_cell(v) for v in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    return book


def xlsx_bytes(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

"""Trends as a spreadsheet: the daily aggregates of any period, per topic, in the province or one district, in all
languages or one, as CSV or XLSX (``loa.spreadsheets``: no cell starts a formula). Aggregates only: no text."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa import spreadsheets
from loa.clock import parse_date
from loa.errors import UserError
from loa.listening.models import DailyCount
from loa.listening.places import LANGUAGES
from loa.listening.topics import topics
from loa.text import fold

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
COLUMNS = ("items", "reach", "questions", "concerns", "negative", "claims")  # the API's names of the counts
MAX_DAYS = 3660  # ten years: any period a province keeps aggregates for
HEADER = (
    "Ngày",
    "Mã chủ đề",
    "Chủ đề",
    "Địa bàn",
    "Ngôn ngữ",
    "Số tin",
    "Lượt tiếp cận",
    "Câu hỏi",
    "Lo ngại",
    "Tiêu cực",
    "Trùng tin sai lệch",
)


def export_period(start: str, end: str, default_end: date) -> tuple[date, date]:
    """``from``/``to`` as typed (YYYY-MM-DD or dd/mm/yyyy; empty: the 28 days up to ``default_end``); a date that
    does not parse, an end before the start or a period over :data:`MAX_DAYS` is refused (422)."""
    first, last = parse_date(start) if start else None, parse_date(end) if end else default_end
    if (start and first is None) or last is None:
        raise UserError(
            "Ngày không hợp lệ (dạng YYYY-MM-DD hoặc dd/mm/yyyy).", "Invalid date (YYYY-MM-DD or dd/mm/yyyy).", 422
        )
    first = first or date.fromordinal(last.toordinal() - 27)
    if last < first:
        raise UserError("Ngày kết thúc phải sau ngày bắt đầu.", "The end date must follow the start date.", 422)
    if (last - first).days >= MAX_DAYS:
        raise UserError(
            f"Khoảng thời gian quá dài (tối đa {MAX_DAYS} ngày).",
            f"The period is too long (at most {MAX_DAYS} days).",
            422,
        )
    return first, last


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise UserError("Định dạng phải là csv hoặc xlsx.", "The format must be csv or xlsx.", 422)
    return fmt


def rows(db: Session, start: date, end: date, district: str = "", language: str = "") -> list[list]:
    """One row per day and topic with stories (topic 0: all topics), oldest day first."""
    names = {n: t.name_vi for n, t in topics(db).items()}
    c = DailyCount
    q = (
        select(c)
        .where(c.day >= start, c.day <= end, c.district == district, c.language == language)
        .order_by(c.day, c.topic)
    )
    place = district or "Toàn tỉnh"
    lang = LANGUAGES[language][0] if language else "Tất cả"
    return [
        [
            r.day,
            r.topic,
            names.get(r.topic, "Tất cả chủ đề" if r.topic == 0 else str(r.topic)),
            place,
            lang,
            r.items,
            r.reach,
            r.questions,
            r.concerns,
            r.negative,
            r.claims,
        ]
        for r in db.scalars(q)
    ]


def filename(start: date, end: date, fmt: str, district: str = "", language: str = "") -> str:
    parts = ["xu-huong-lang-nghe", start.isoformat(), end.isoformat()]
    if district:
        parts.append("-".join(fold(district).split()))
    if language:
        parts.append(language)
    return "-".join(parts) + "." + fmt


def trends_file(db: Session, start: date, end: date, fmt: str, district: str = "", language: str = "") -> bytes:
    """The trends of the period as CSV (dates YYYY-MM-DD) or XLSX (real dates, shown dd/mm/yyyy)."""
    data = rows(db, start, end, district, language)
    if fmt == "csv":
        return spreadsheets.csv_bytes(HEADER, [[r[0].isoformat(), *r[1:]] for r in data])
    book = spreadsheets.xlsx_book("Xu hướng", HEADER, data)
    sheet = book.active
    for cell in sheet["A"][1:]:
        cell.number_format = "DD/MM/YYYY"
    sheet.column_dimensions["C"].width = 48
    sheet.column_dimensions["D"].width = 24
    return spreadsheets.xlsx_bytes(book)

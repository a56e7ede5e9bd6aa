"""FAQ import and export: CSV and XLSX (our columns), the UIT-ViCoV19QA pipe format, the shipped starter FAQ.

Every import is all-or-nothing: the whole file is checked first and a fault is reported with its line number;
entries already present (same question and answer) are skipped, so importing twice changes nothing."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

from charset_normalizer import from_bytes
from sqlalchemy import select
from sqlalchemy.orm import Session

from loa.answers.models import STATUSES, FaqEntry
from loa.answers.service import _date, content_hash, create_entry
from loa.archives import xlsx_rows
from loa.auth.models import User
from loa.errors import UserError
from loa.links import is_http_url
from loa.spreadsheets import csv_bytes, xlsx_book, xlsx_bytes

COLUMNS = ["question", "alternatives", "answer", "source", "source_url", "source_date", "tags", "status"]
REQUIRED = ("question", "answer", "source")
STARTER = Path(__file__).parent / "data" / "starter_faq.json"
UIT_SOURCE = "UIT-ViCoV19QA"
PROGRESS_EVERY = 200  # records between two calls of import_records' ``progress``


def _fault(line: int, vi: str, en: str) -> UserError:
    return UserError(
        f"Dòng {line}: {vi} Không có mục nào được nhập.",
        f"Line {line}: {en} Nothing was imported.",
        details=[{"line": line, "problem": vi[0].upper() + vi[1:], "problem_en": en}],
    )


def decode(data: bytes) -> str:
    """UTF-8 text (a BOM is allowed); any other encoding is refused with the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        guess = from_bytes(data).best()
        name = guess.encoding if guess else "?"
        line = data[: exc.start].count(b"\n") + 1
        raise _fault(
            line,
            f"tệp không phải mã UTF-8 (có vẻ là {name}); hãy lưu lại dưới dạng CSV UTF-8.",
            f"the file is not UTF-8 (it looks like {name}); save it again as CSV UTF-8.",
        ) from None


def _rows(content: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """(first line of the record, fields) for every record; broken quoting is refused with its line."""
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter, strict=True)
    out = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return out
        except csv.Error as exc:
            raise _fault(start, f"dấu ngoặc kép không khớp ({exc}).", f"broken quoting ({exc}).") from None
        if any(cell.strip() for cell in row):
            out.append((start, row))


def read_csv(data: bytes) -> list[tuple[int, dict]]:
    """Records of a CSV file in our columns (comma-separated, header row), or of a UIT-ViCoV19QA file."""
    content = decode(data)
    first = content.split("\n", 1)[0]
    if first.lower().replace(" ", "").startswith("id|question|answer"):
        return read_uit(data)
    if "," not in first and any(d in first for d in (";", "\t", "|")):
        raise _fault(
            1,
            "sai dấu phân cách: cột phải cách nhau bằng dấu phẩy (,).",
            "wrong delimiter: columns must be separated by commas (,).",
        )
    rows = _rows(content, ",")
    if not rows:
        raise _fault(1, "tệp trống.", "the file is empty.")
    line, header = rows[0]
    names = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise _fault(
            line,
            f"thiếu cột {', '.join(missing)} trong dòng tiêu đề.",
            f"the header lacks the column(s) {', '.join(missing)}.",
        )
    out = []
    for line, row in rows[1:]:
        if len(row) != len(names):
            raise _fault(
                line,
                f"có {len(row)} ô thay vì {len(names)} (sai dấu phân cách hoặc dấu ngoặc kép?).",
                f"{len(row)} fields instead of {len(names)} (wrong delimiter or quoting?).",
            )
        out.append((line, dict(zip(names, row))))
    return out


def read_uit(data: bytes) -> list[tuple[int, dict]]:
    """UIT-ViCoV19QA: ``id|Question|Answer_1[|Answer_2...]``, answers may span lines inside quotes."""
    rows = _rows(decode(data), "|")
    line, header = rows[0]
    names = [h.strip() for h in header]
    if names[:3] != ["id", "Question", "Answer_1"]:
        raise _fault(line, "tiêu đề phải là id|Question|Answer_1.", "the header must be id|Question|Answer_1.")
    out = []
    for line, row in rows[1:]:
        if len(row) < 3:
            raise _fault(line, "thiếu câu hỏi hoặc câu trả lời.", "a question or answer is missing.")
        record = dict(zip(names, row))
        out.append(
            (
                line,
                {
                    "question": record["Question"],
                    "answer": record["Answer_1"],
                    "source": UIT_SOURCE,
                    "status": "draft",
                    "alternatives": "",
                    "tags": "",
                },
            )
        )
    return out


def read_xlsx(data: bytes) -> list[tuple[int, dict]]:
    """Records of the first sheet of an XLSX file in our columns (header in row 1)."""
    rows = [
        (i, ["" if c is None else str(c) if not hasattr(c, "isoformat") else c.isoformat()[:10] for c in r])
        for i, r in enumerate(xlsx_rows(data), start=1)
    ]
    rows = [(i, r) for i, r in rows if any(c.strip() for c in r)]
    if not rows:
        raise _fault(1, "bảng tính trống.", "the workbook is empty.")
    names = [h.strip().lower() for h in rows[0][1]]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise _fault(
            rows[0][0],
            f"thiếu cột {', '.join(missing)} trong dòng tiêu đề.",
            f"the header lacks the column(s) {', '.join(missing)}.",
        )
    return [(i, dict(zip(names, r))) for i, r in rows[1:]]


def _check(line: int, record: dict, default_status: str) -> dict:
    """One record as ``create_entry`` data, or a fault naming its line."""
    for column in REQUIRED:
        if not (record.get(column) or "").strip():
            raise _fault(line, f"cột {column} để trống.", f"the {column} column is empty.")
    status = (record.get("status") or default_status).strip().lower()
    if status not in STATUSES:
        raise _fault(line, f"trạng thái '{status}' không hợp lệ.", f"invalid status '{status}'.")
    try:
        source_date = _date(record.get("source_date"))
    except UserError:
        raise _fault(line, "ngày nguồn phải có dạng YYYY-MM-DD.", "the source date must be YYYY-MM-DD.") from None
    source_url = (record.get("source_url") or "").strip()
    if source_url and not is_http_url(source_url):
        raise _fault(
            line,
            "source_url phải là địa chỉ http:// hoặc https://.",
            "source_url must be an http:// or https:// address.",
        )
    alternatives = record.get("alternatives") or []
    tags = record.get("tags") or []
    return {
        "question": record["question"].strip(),
        "answer": record["answer"].strip().strip('"').strip(),
        "source": record["source"].strip(),
        "source_url": source_url,
        "source_date": source_date,
        "status": status,
        "alternatives": alternatives.splitlines() if isinstance(alternatives, str) else list(alternatives),
        "tags": [t.strip() for t in tags.split(",")] if isinstance(tags, str) else list(tags),
    }


def import_records(
    db: Session,
    records: list[tuple[int, dict]],
    *,
    author: User | None = None,
    status: str = "draft",
    shipped: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Check every record, then create the new ones; returns ``{"created", "skipped"}``.
    Imported entries arrive unapproved whatever their status says (an "approved" one is a draft, waiting for a
    reviewer other than the importer); only ``shipped`` records (Loa's reviewed starter FAQ) arrive approved.
    ``progress(checked, total)`` is called every ``PROGRESS_EVERY`` records and once all are checked, before
    anything is written."""
    checked = []
    for n, (line, record) in enumerate(records, start=1):
        checked.append(_check(line, record, status))
        if progress and (n % PROGRESS_EVERY == 0 or n == len(records)):
            progress(n, len(records))
    if not shipped:
        for data in checked:
            data["status"] = "draft" if data["status"] == "approved" else data["status"]
    known = set(db.scalars(select(FaqEntry.content_hash)))
    created = skipped = 0
    for data in checked:
        digest = content_hash(data["question"], data["answer"])
        if digest in known:
            skipped += 1
            continue
        known.add(digest)
        create_entry(db, data, author=author, status=data.pop("status"))
        created += 1
    return {"created": created, "skipped": skipped}


def read_file(filename: str, data: bytes) -> list[tuple[int, dict]]:
    """The records of a .csv, .txt (UIT pipe format) or .xlsx file."""
    if len(data) == 0:
        raise UserError("Tệp trống.", "The file is empty.")
    return read_xlsx(data) if filename.lower().endswith(".xlsx") else read_csv(data)


def import_file(
    db: Session,
    filename: str,
    data: bytes,
    *,
    author: User | None = None,
    status: str = "draft",
) -> dict:
    """Import a .csv, .txt (UIT pipe format) or .xlsx file; its entries arrive unapproved."""
    return import_records(db, read_file(filename, data), author=author, status=status)


def import_starter(db: Session) -> dict:
    """The starter FAQ shipped with Loa, approved (written and sourced by the project from official guidance)."""
    entries = json.loads(STARTER.read_text(encoding="utf-8"))
    return import_records(db, [(i + 1, e) for i, e in enumerate(entries)], status="approved", shipped=True)


def _row(entry: FaqEntry) -> list[str]:
    return [
        entry.question,
        "\n".join(entry.alternatives or []),
        entry.answer,
        entry.source,
        entry.source_url,
        entry.source_date.isoformat() if entry.source_date else "",
        ", ".join(entry.tags or []),
        entry.status,
    ]


def export_csv(entries: list[FaqEntry]) -> bytes:
    """CSV UTF-8 with a BOM, importable again (a cell that looked like a formula keeps its leading apostrophe)."""
    return csv_bytes(COLUMNS, (_row(e) for e in entries))


def export_xlsx(entries: list[FaqEntry]) -> bytes:
    return xlsx_bytes(xlsx_book("FAQ", COLUMNS, (_row(e) for e in entries)))

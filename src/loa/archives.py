"""Uploaded ZIP packages (.docx, .xlsx) are checked here before any parser opens them, so that no upload can
exhaust the memory or the time of a web process: entry count, declared and actual unpacked sizes (read by
streaming, never held), and no DTD in an XML part (billion laughs, external entities: Office never writes one).
Spreadsheets are then read streaming (openpyxl's read-only mode) with a row limit."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator

from loa.errors import UserError

MAX_ENTRIES = 1000  # a plan or a workbook has a few dozen parts
MAX_UNPACKED = 100 * 1024 * 1024  # every part together, pictures included
MAX_XML = 32 * 1024 * 1024  # the XML parts a parser reads (a 200-page plan is ~3 MB, 100,000 rows ~20 MB)
MAX_ROWS = 100_000  # rows of a spreadsheet
MAX_COLUMNS = 1000  # columns of a spreadsheet
_ENTRY_BYTES = 1024  # central directory bytes allowed per entry (46 + name + extra fields)
XLSX, DOCX = "Excel (.xlsx)", "Word (.docx)"  # the names messages give the two kinds of package
_CHUNK = 1 << 16
# "<!DOCTYPE" / "<!ENTITY" in UTF-8 and UTF-16 (both byte orders)
_DTD_MARKS = tuple(
    mark.encode(codec) for mark in ("<!DOCTYPE", "<!ENTITY") for codec in ("utf-8", "utf-16-le", "utf-16-be")
)
_ENTITY_MARKS = tuple(m for m in _DTD_MARKS if m.replace(b"\0", b"") == b"<!ENTITY")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")  # a worksheet's row element, any namespace prefix
_KEEP = 64  # bytes kept across chunks so that a mark or tag split between two chunks is still seen


def _refuse(vi: str, en: str, status: int = 422) -> UserError:
    return UserError(vi, en, status)


def _broken(kind: str) -> UserError:
    return _refuse(
        f"Không đọc được tệp {kind}: tệp hỏng hoặc sai định dạng.",
        f"Cannot read the {kind} file: damaged or not that format.",
    )


def _too_large(kind: str) -> UserError:
    return _refuse(
        f"Tệp {kind} khi giải nén quá lớn hoặc có quá nhiều phần; không đọc tệp này.",
        f"The {kind} file unpacks to too much data or too many parts; it was not read.",
        413,
    )


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels", ".vml"))


def _directory(data: bytes) -> tuple[int, int] | None:
    """(entry count, central directory size) from the end-of-directory record, or None when there is none; a
    ZIP64 record (only needed beyond 65,535 entries or 4 GiB) counts as too many."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if at < 0 or len(data) < at + 22:
        return None
    entries = int.from_bytes(data[at + 10 : at + 12], "little")
    size = int.from_bytes(data[at + 12 : at + 16], "little")
    return (MAX_ENTRIES + 1, size) if entries == 0xFFFF or size == 0xFFFFFFFF else (entries, size)


def check_package(
    data: bytes,
    kind: str = "ZIP",
    *,
    max_entries: int = MAX_ENTRIES,
    max_unpacked: int = MAX_UNPACKED,
    max_xml: int = MAX_XML,
    max_rows: int | None = None,
) -> None:
    """Refuse a ZIP package (``kind`` names it in the messages: ``DOCX``, ``XLSX``) whose entry count, declared or
    actual unpacked size is above the limits, whose XML parts carry a DTD, whose worksheets hold more than
    ``max_rows`` row elements, or that cannot be read; nothing is kept in memory beyond one chunk."""
    directory = _directory(data)
    if directory is None:
        raise _broken(kind)
    entries, size = directory
    if entries > max_entries or size > max_entries * _ENTRY_BYTES:  # before zipfile reads every entry
        raise _too_large(kind)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError):
        raise _broken(kind) from None
    if len(infos) > max_entries:
        raise _too_large(kind)
    xml_parts = [i for i in infos if _is_xml(i.filename)]
    if sum(i.file_size for i in infos) > max_unpacked or sum(i.file_size for i in xml_parts) > max_xml:
        raise _too_large(kind)
    totals = {"all": 0, "xml": 0, "rows": 0}
    limits = {"all": max_unpacked, "xml": max_xml}
    with zf:
        for info in infos:
            try:
                _check_entry(zf, info, kind, totals, limits, max_rows)
            except UserError:
                raise
            except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
                raise _broken(kind) from None  # bad CRC, unknown compression, encryption, truncated data


def _check_entry(zf, info, kind: str, totals: dict, limits: dict, max_rows: int | None) -> None:
    """Stream one entry: its actual size against its declared one and the totals, DTD marks, row elements."""
    xml = _is_xml(info.filename)
    rows = xml and max_rows is not None and info.filename.startswith("xl/worksheets/")
    seen, tail = 0, b""
    with zf.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            seen += len(chunk)
            totals["all"] += len(chunk)
            totals["xml"] += len(chunk) if xml else 0
            if seen > info.file_size or totals["all"] > limits["all"] or totals["xml"] > limits["xml"]:
                raise _too_large(kind)
            if not xml:
                continue
            window = tail + chunk
            if any(mark in window for mark in _DTD_MARKS):
                raise _refuse(
                    f"Tệp {kind} chứa khai báo DTD/thực thể XML (không có trong tệp Office thật); không đọc tệp này.",
                    f"The {kind} file declares an XML DTD or entities (real Office files never do); it was not read.",
                )
            if rows:  # a tag ending in the tail was counted with the chunk before
                for m in _ROW_TAG.finditer(window):
                    if m.end() > len(tail):
                        totals["rows"] += 1
                if totals["rows"] > max_rows:
                    raise _too_many_rows(max_rows)
            tail = window[-_KEEP:]


def check_xml_entities(data: bytes, kind: str) -> None:
    """Refuse an XML document (a feed) that declares entities: billion laughs, external entities. A bare DOCTYPE
    naming a public DTD (old RSS 0.91 feeds) is allowed; it is never fetched."""
    if any(mark in data for mark in _ENTITY_MARKS):
        raise _refuse(
            f"Tệp {kind} chứa khai báo thực thể XML (<!ENTITY>); không đọc tệp này.",
            f"The {kind} file declares XML entities (<!ENTITY>); it was not read.",
        )


def _too_many_rows(max_rows: int) -> UserError:
    return _refuse(
        f"Bảng tính có quá nhiều dòng (tối đa {max_rows:,}).".replace(",", "."),
        f"The workbook has too many rows (at most {max_rows:,}).",
        413,
    )


def xlsx_rows(data: bytes, max_rows: int = MAX_ROWS) -> Iterator[tuple]:
    """The cell values of the first sheet of a checked .xlsx file, row by row, read streaming; more than
    ``max_rows`` rows (declared by the sheet or actually read) are refused."""
    from openpyxl import load_workbook  # here, not at the top: openpyxl takes ~0.4 s to load

    check_package(data, XLSX, max_rows=max_rows)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken workbook
        raise _broken(XLSX) from None
    too_many = _too_many_rows(max_rows)
    too_wide = _refuse(
        f"Bảng tính có quá nhiều cột (tối đa {MAX_COLUMNS}).",
        f"The workbook has too many columns (at most {MAX_COLUMNS}).",
        413,
    )
    try:
        if not wb.worksheets:
            raise _broken(XLSX)
        sheet = wb.worksheets[0]
        # the sheet's <dimension>, when it has one; a wider sheet would make openpyxl pad every row
        if (sheet.max_row or 0) > max_rows:
            raise too_many
        if (sheet.max_column or 0) > MAX_COLUMNS:
            raise too_wide
        rows = sheet.iter_rows(values_only=True)
        for n in range(1, max_rows + 2):
            try:
                row = next(rows)
            except StopIteration:
                return
            except UserError:
                raise
            except Exception:
                raise _broken(XLSX) from None
            if n > max_rows:
                raise too_many
            if len(row) > MAX_COLUMNS:
                raise too_wide
            yield row
    finally:
        wb.close()

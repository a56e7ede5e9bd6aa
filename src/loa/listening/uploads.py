"""Uploaded exports (CSV, JSON Lines): reading, person-identifying columns, column mapping and validation."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime

from loa.clock import LOCAL
from loa.errors import UserError
from loa.formats import parse_number
from loa.i18n import N_
from loa.listening.pipeline import Post
from loa.text import fold

SOURCE_TYPES = ("post", "comment", "news")
FIELDS = ("text", "time", "source_type", "platform", "url", "likes", "shares", "comments")
COUNT_FIELDS = ("likes", "shares", "comments")
REQUIRED_FIELDS = ("text", "time")
# What each target field holds, in words, and an example value: the column-mapping step names them so.
FIELD_LABELS = {
    "text": (N_("Nội dung bài viết hoặc bình luận"), "Tiêm mũi 3 xong bị sốt thì làm sao?"),
    "time": (N_("Thời gian đăng"), "30/10/2021 08:15"),
    "source_type": (N_("Loại tin: bài đăng, bình luận hay tin báo"), "post, comment, news"),
    "platform": (N_("Nền tảng"), "facebook, zalo, tiktok"),
    "url": (N_("Đường dẫn tới bài"), "https://www.facebook.com/…"),
    "likes": (N_("Số lượt thích"), "120"),
    "shares": (N_("Số lượt chia sẻ"), "15"),
    "comments": (N_("Số bình luận"), "34"),
}
# Column names recognised without a mapping (lower-cased); author-like columns are never read.
SYNONYMS = {
    "text": ("text", "content", "message", "body", "noi_dung", "nội dung", "noi dung", "comment_text", "post_text"),
    "time": ("time", "created_at", "created_time", "date", "timestamp", "thoi_gian", "thời gian", "published"),
    "source_type": ("source_type", "type", "loai", "loại"),
    "platform": ("platform", "nen_tang", "nền tảng", "network"),
    "url": ("url", "link", "permalink"),
    "likes": ("likes", "like_count", "reactions", "luot_thich"),
    "shares": ("shares", "share_count", "luot_chia_se"),
    "comments": ("comments", "comment_count", "binh_luan"),
}
_IDENTITY_TOKENS = {
    "author",
    "authors",
    "user",
    "username",
    "users",
    "name",
    "fullname",
    "handle",
    "profile",
    "account",
    "uid",
    "owner",
    "screen",
    "from",
    "nick",
    "nickname",
    "avatar",
    "email",
    "phone",
}
_IDENTITY_PHRASES = (
    "nguoi dang",
    "tai khoan",
    "ho ten",
    "ten nguoi",
    "nguoi binh luan",
    "nguoi viet",
    "trang ca nhan",
    "so dien thoai",
    "biet danh",
)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(
            "Tệp không phải mã UTF-8. Hãy lưu lại tệp dưới dạng CSV UTF-8 hoặc JSON Lines UTF-8.",
            "The file is not UTF-8. Save it as UTF-8 CSV or JSON Lines.",
            422,
        ) from None


def file_format(filename: str, data: bytes) -> str:
    """ "csv", "jsonl" or "feed" from the name, else from the first bytes."""
    name = filename.lower()
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".xml", ".rss", ".atom")):
        return "feed"
    head = data[:200].lstrip()
    if head.startswith(b"{"):
        return "jsonl"
    if head.startswith(b"<"):
        return "feed"
    return "csv"


def read_rows(data: bytes, fmt: str) -> Iterator[dict]:
    """Rows of a CSV (header line) or JSON Lines export, streamed; a bad JSON line or a broken CSV quote raises
    with its line number (the whole file is refused: a stray quote would otherwise merge the rest into one post)."""
    text = _decode(data)
    if fmt == "csv":
        reader, start = csv.DictReader(io.StringIO(text), strict=True), 1
        try:
            _ = reader.fieldnames  # reads the header line, so that a row's number counts it
            while True:
                start = reader.line_num + 1
                try:
                    row = next(reader)
                except StopIteration:
                    return
                yield row
        except csv.Error as exc:
            raise UserError(
                f"Dòng {start}: dấu ngoặc kép không khớp ({exc}). Không có bài nào được nhập.",
                f"Line {start}: broken quoting ({exc}). Nothing was imported.",
                422,
            ) from None
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            raise UserError(f"Dòng {n} không phải JSON hợp lệ.", f"Line {n} is not valid JSON.", 422) from None
        if not isinstance(row, dict):
            raise UserError(f"Dòng {n} phải là một đối tượng JSON.", f"Line {n} must be a JSON object.", 422)
        yield row


def columns(data: bytes, fmt: str) -> list[str]:
    """The column names an export offers (CSV header; keys of the first 50 JSON lines)."""
    names: list[str] = []
    for n, row in enumerate(read_rows(data, fmt)):
        for k in row:
            if k is not None and k not in names:
                names.append(k)
        if fmt == "csv" or n >= 50:
            break
    return names


def identity_column(name: str) -> bool:
    """Whether a column's name says it identifies a person (author, handle, profile, account id...)."""
    folded = fold(name or "")
    tokens = set(re.split(r"[^a-z0-9]+", folded))
    return bool(tokens & _IDENTITY_TOKENS) or any(p in folded for p in _IDENTITY_PHRASES)


def strip_identity(data: bytes, fmt: str) -> bytes:
    """The export without its person-identifying columns, before it is kept for the column-mapping step."""
    cols = [c for c in columns(data, fmt) if not identity_column(c)]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore")
        writer.writeheader()
        for row in read_rows(data, fmt):
            writer.writerow({c: row.get(c, "") for c in cols})
        return buf.getvalue().encode()
    return "".join(
        json.dumps({k: v for k, v in row.items() if not identity_column(k)}, ensure_ascii=False) + "\n"
        for row in read_rows(data, fmt)
    ).encode()


def guess_mapping(cols: list[str]) -> dict[str, str]:
    """Target field → source column, by the documented names and common synonyms."""
    lower = {c.strip().lower(): c for c in cols}
    out = {}
    for target, names in SYNONYMS.items():
        for n in names:
            if n in lower:
                out[target] = lower[n]
                break
    return out


def parse_time(value) -> datetime:
    """ISO 8601, "dd/mm/yyyy [HH:MM[:SS]]" or Unix seconds; a time without zone is Vietnam time."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(float(value), UTC)
    s = str(value or "").strip()
    if not s:
        raise ValueError("empty")
    if s.isdecimal() and len(s) >= 9:
        return datetime.fromtimestamp(int(s), UTC)
    try:
        dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        for fmt in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%H:%M %d/%m/%Y"):
            try:
                dt = datetime.strptime(s, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(s) from None
    return dt.replace(tzinfo=LOCAL) if dt.tzinfo is None else dt


def row_post(row: dict, mapping: dict[str, str], platform: str = "") -> Post:
    """One mapped row as a Post; only mapped columns are read (author columns never are)."""

    def get(target):
        col = mapping.get(target)
        return row.get(col) if col else None

    text = str(get("text") or "").strip()
    if not text:
        raise ValueError("thiếu nội dung / no text")
    when = parse_time(get("time"))
    source_type = str(get("source_type") or "post").strip().lower()
    if source_type not in SOURCE_TYPES:
        source_type = "post"
    engagement = 0
    for f in COUNT_FIELDS:
        v = get(f)
        if v not in (None, ""):  # "1.234" likes are 1234 (Vietnamese notation, loa.formats.parse_number)
            try:
                engagement += int(parse_number(v))
            except UserError as exc:
                raise ValueError(f"{f}: {exc.message} / {exc.message_en}") from None
    return Post(
        text=text,
        published_at=when,
        source_type=source_type,
        platform=str(get("platform") or platform or "").strip(),
        url=str(get("url") or "").strip(),
        engagement=engagement,
    )


def check_mapping(mapping: dict[str, str], cols: list[str]) -> dict[str, str]:
    mapping = {k: v for k, v in mapping.items() if k in FIELDS and v}
    if "text" not in mapping or "time" not in mapping:
        raise UserError("Cần chọn cột nội dung và cột thời gian.", "Choose the text and time columns.", 422)
    unknown = [v for v in mapping.values() if v not in cols]
    if unknown:
        raise UserError(f"Tệp không có cột: {', '.join(unknown)}.", f"No such column: {', '.join(unknown)}.", 422)
    return mapping


def validate(data: bytes, fmt: str, mapping: dict[str, str]) -> int:
    """Check every row before anything is stored; returns the row count or raises with the bad rows."""
    errors, n = [], 0
    for n, row in enumerate(read_rows(data, fmt), 1):
        try:
            row_post(row, mapping)
        except (ValueError, TypeError) as exc:
            if len(errors) < 20:
                errors.append({"row": n, "problem": str(exc)})
    if errors:
        raise UserError(
            f"Tệp có dòng không hợp lệ (ví dụ dòng {errors[0]['row']}); chưa nhập dòng nào.",
            f"The file has invalid rows (e.g. row {errors[0]['row']}); nothing was imported.",
            422,
            details=errors,
        )
    if n == 0:
        raise UserError("Tệp không có dòng dữ liệu nào.", "The file has no rows.", 422)
    return n

"""Fetching and parsing feeds and pages, refusing bad sources whole (nothing partial is ever returned).

Refused with a clear message: an HTML page where a feed was expected, truncated or malformed XML, bytes that
do not match the declared encoding, anything over ``max_fetch_mb``, and a server slower than
``fetch_timeout_s``. Author fields of entries are never read.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import feedparser

from loa import outbound
from loa.archives import check_xml_entities
from loa.clock import utcnow
from loa.errors import UserError
from loa.links import is_http_url
from loa.listening.config import ListeningSettings
from loa.listening.pipeline import Post

_PROLOG_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_SINGLE_BYTE = {
    "iso-8859-1",
    "latin-1",
    "latin1",
    "windows-1252",
    "cp1252",
    "us-ascii",
    "ascii",
    "windows-1258",
    "cp1258",
    "iso-8859-15",
}


def fetch(url: str, settings: ListeningSettings | None = None) -> tuple[bytes, str]:
    """The bytes and content type at ``url`` (a public http/https address, see ``loa.outbound``, or a local file
    path), within the size and time limits."""
    settings = settings or ListeningSettings()
    limit = settings.max_fetch_mb * 1024 * 1024
    if not url.lower().startswith(("http://", "https://")):
        path = Path(url.removeprefix("file://"))
        if not path.is_file():
            raise UserError(f"Không thấy tệp: {path}", f"No such file: {path}", 404)
        if path.stat().st_size > limit:
            raise _too_large(settings)
        return path.read_bytes(), ""
    try:
        return outbound.get(
            url, timeout=settings.fetch_timeout_s, max_bytes=limit, headers={"User-Agent": "Loa-listening/1.0"}
        )
    except outbound.TooLarge:
        raise _too_large(settings) from None
    except outbound.Timeout:
        raise UserError(
            f"Nguồn không phản hồi trong {settings.fetch_timeout_s:g} giây (quá thời gian chờ).",
            f"The source did not answer within {settings.fetch_timeout_s:g} s (timeout).",
            504,
        ) from None


def _too_large(settings: ListeningSettings) -> UserError:
    return UserError(
        f"Nguồn quá lớn (trên {settings.max_fetch_mb} MB); không lấy tin nào.",
        f"The source is too large (over {settings.max_fetch_mb} MB); nothing was taken.",
        413,
    )


def check_encoding(data: bytes, content_type: str = "") -> None:
    """Refuse bytes that contradict their declared encoding (XML prolog, else the HTTP charset)."""
    m = _PROLOG_ENCODING.match(data[:300])
    declared = (m.group(1).decode().lower() if m else "") or _charset(content_type) or "utf-8"
    try:
        data.decode(declared)
    except LookupError:
        raise UserError(
            f"Mã hóa khai báo không được hỗ trợ: {declared}.", f"Unknown declared encoding: {declared}.", 422
        ) from None
    except UnicodeDecodeError:
        raise UserError(
            f"Nội dung không khớp mã hóa khai báo ({declared}): tệp bị sai mã hóa.",
            f"The bytes do not match the declared encoding ({declared}).",
            422,
        ) from None
    if declared in _SINGLE_BYTE and not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return
        raise UserError(
            f"Tệp khai báo mã hóa {declared} nhưng nội dung là UTF-8: sai khai báo mã hóa.",
            f"Declared {declared} but the bytes are UTF-8: wrong declared encoding.",
            422,
        )


def _charset(content_type: str) -> str:
    m = re.search(r"charset=([\w.-]+)", content_type or "", re.IGNORECASE)
    return m.group(1).lower() if m else ""


def looks_like_html(data: bytes, content_type: str = "") -> bool:
    head = data[:1000].lstrip().lower()
    return "text/html" in content_type.lower() or head.startswith((b"<!doctype html", b"<html"))


def parse_feed(data: bytes, content_type: str = "") -> list[Post]:
    """The entries of an RSS 2.0 / Atom feed as posts (title + summary; link kept as a news URL)."""
    if looks_like_html(data, content_type):
        raise UserError(
            "Địa chỉ trả về một trang HTML, không phải nguồn tin RSS/Atom.",
            "The address returned an HTML page, not an RSS/Atom feed.",
            422,
        )
    check_encoding(data, content_type)
    check_xml_entities(data, "RSS/Atom")  # feedparser's parser would spend seconds on a billion laughs
    parsed = feedparser.parse(data)
    if parsed.bozo and not isinstance(parsed.bozo_exception, feedparser.CharacterEncodingOverride):
        raise UserError(
            f"Nguồn tin RSS/Atom bị lỗi hoặc bị cắt cụt ({_reason(parsed.bozo_exception)}); không lấy tin nào.",
            f"Malformed or truncated feed ({_reason(parsed.bozo_exception)}); nothing was taken.",
            422,
        )
    if not parsed.version:
        raise UserError("Không nhận ra định dạng RSS hoặc Atom.", "Not an RSS or Atom feed.", 422)
    posts = []
    for entry in parsed.entries:
        title = _plain(entry.get("title", ""))
        summary = _plain("".join(c.get("value", "") for c in entry.get("content", [])) or entry.get("summary", ""))
        text = title if not summary or summary.startswith(title) else f"{title}. {summary}" if title else summary
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        published = datetime(*when[:6], tzinfo=UTC) if when else utcnow()
        if text.strip():
            posts.append(Post(text=text, published_at=published, source_type="news", url=_link(entry.get("link"))))
    return posts


def _reason(exc) -> str:
    return str(getattr(exc, "getMessage", lambda: exc)()) if exc else "?"


def _plain(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(_TAGS.sub(" ", html or ""))).strip()


def _link(value) -> str:
    """An entry's link if it is an http(s) address (a feed's ``javascript:`` link is dropped)."""
    return value if is_http_url(value) else ""


def page_post(data: bytes, url: str) -> Post:
    """The main text of an article page (trafilatura), as one news post."""
    import trafilatura  # here, not at the top: ~0.5 s at start-up for the web app and workers, for page sources only

    html = data.decode("utf-8", errors="replace")
    text = trafilatura.extract(html, include_comments=False, include_tables=False) or ""
    if len(text.strip()) < 20:
        raise UserError("Không trích được nội dung bài viết từ trang này.", "No article text found on the page.", 422)
    meta = trafilatura.extract_metadata(html)
    published = utcnow()
    if meta is not None and meta.date:
        try:
            published = datetime.fromisoformat(meta.date).replace(tzinfo=UTC)
        except ValueError:
            pass
    title = meta.title if meta is not None and meta.title else ""
    return Post(text=f"{title}. {text}" if title else text, published_at=published, source_type="news", url=url)

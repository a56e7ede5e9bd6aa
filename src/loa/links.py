"""The one check of every link Loa stores and shows (sources of answers and claims, listening sources, report links):
an absolute http or https address with a host, nothing else (no ``javascript:``, ``data:``, relative or spaced)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from loa.errors import UserError

MAX_LENGTH = 1000
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")


def is_http_url(value: object) -> bool:
    """Whether ``value`` is an absolute http(s) address with a host."""
    if not isinstance(value, str) or not value or len(value) > MAX_LENGTH or _SPACE_OR_CONTROL.search(value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (a bad port raises)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def http_url(value: object, *, required: bool = False, max_length: int = MAX_LENGTH) -> str:
    """``value`` stripped, if it is an http(s) address; "" when empty and not ``required``; else a 422 UserError."""
    text = str(value or "").strip()
    if not text and not required:
        return ""
    if len(text) > max_length or not is_http_url(text):
        raise UserError(
            f"Đường dẫn không hợp lệ: {text[:100]!r}. Cần một địa chỉ đầy đủ bắt đầu bằng http:// hoặc https:// "
            f"(tối đa {max_length} ký tự).",
            f"Invalid link: {text[:100]!r}. A full address starting with http:// or https:// is needed "
            f"(at most {max_length} characters).",
            422,
        )
    return text

"""What every part of the content hub shares: roles, the permission check, text cleaning and slugs."""

from __future__ import annotations

import re
import unicodedata

from markupsafe import Markup, escape

from loa.auth.models import User
from loa.errors import UserError

WRITERS = ("editor", "coordinator")
REVIEWERS = ("reviewer",)
COMMENTERS = WRITERS + REVIEWERS
APPROVED_STATES = ("approved", "scheduled", "published")


def need(user: User, roles: tuple[str, ...]) -> None:
    """Refuse (403) unless ``user`` holds one of ``roles``."""
    if not user.has_role(*roles):
        raise UserError("Bạn không có quyền thực hiện thao tác này.", "You may not do this.", 403)


def clean(text: str) -> str:
    """Text as stored: NFC, Unix line ends, no surrounding blanks."""
    return unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n")).strip()


def slugify(text: str, limit: int = 80) -> str:
    """A readable ASCII URL part: "Tiêm vắc xin mũi 3" → "tiem-vac-xin-mui-3"."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:limit].rstrip("-") or "bai"


def body_html(text: str) -> Markup:
    """Plain-text body as safe HTML: everything escaped, blank lines make paragraphs, single newlines <br>."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")) if p.strip()]
    return Markup(
        "\n".join(f"<p>{Markup('<br>').join(escape(line) for line in p.split(chr(10)))}</p>" for p in paragraphs)
    )

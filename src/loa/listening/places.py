"""Where a story is: the province's districts and communes (hook ``place_register``: the channels' commune
register, else the bulletins gazetteer's districts) found in its text by ``loa.text.places``, and the filters
that choose a district or a language."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa import hooks
from loa.errors import UserError
from loa.listening.models import DailyCount
from loa.text.places import Register

LANGUAGES = {"vi": ("Tiếng Việt", "Vietnamese"), "km": ("Tiếng Khmer", "Khmer"), "other": ("Khác", "Other")}


class Places:
    """The province's register, ready to find places in texts (none when no module answers)."""

    def __init__(self, data: dict | None):
        self.register = Register(data["districts"], data.get("province", "")) if data and data["districts"] else None
        self.districts = self.register.districts if self.register else []  # official names ("Huyện Cầu Kè")

    def find(self, text: str, normalized: bool = False) -> list[list]:
        """``[[district, commune or None], ...]`` named in ``text`` (``normalized``: a stored story's text), in order
        of first mention."""
        return [[p.district, p.commune] for p in self.register.find(text, normalized)] if self.register else []


def load(db: Session) -> Places:
    return Places(hooks.call().place_register(db=db))


def districts_of(places: list) -> list[str]:
    """The districts of a story's places, each once, in order."""
    return list(dict.fromkeys(p[0] for p in places or []))


def known_districts(db: Session) -> list[str]:
    """The register's districts, in its order (the filters' choices)."""
    return load(db).districts


def check_filters(db: Session, district: str = "", language: str = "") -> tuple[str, str]:
    """The district and language filters, tidied; a district neither in the register nor in the daily counts (a
    register changed since), or a language not known, is refused (422)."""
    district, language = " ".join((district or "").split()), (language or "").strip()
    if (
        district
        and district not in known_districts(db)
        and db.scalar(select(DailyCount.id).where(DailyCount.district == district).limit(1)) is None
    ):
        raise UserError(
            f"Không có huyện, thị xã, thành phố “{district[:120]}” trong danh mục.",
            f"No district “{district[:120]}” in the register.",
            422,
        )
    if language and language not in LANGUAGES:
        raise UserError("Ngôn ngữ phải là vi, km hoặc other.", "The language must be vi, km or other.", 422)
    return district, language

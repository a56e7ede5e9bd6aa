"""Mentions of a province's districts and communes in a text, from its register of units.

Written with or without diacritics, with the unit's type in full or abbreviated ("huyện Cầu Kè", "H. Cầu Kè",
"TX Duyên Hải", "xã Long Hòa", "P.4", "tt Cầu Kè"). Nothing is guessed:
- a commune is recognised only after its type ("xã", "phường", "thị trấn" or their abbreviations): "Long Hòa" alone
  may be a person or a shop;
- a district's bare name counts when no other district shares it, and, in text written with diacritics, only when
  capitalised ("cây cầu ngang" is a bridge, "Cầu Ngang" the district);
- a commune whose name two districts share counts only when the text also names one of them; else it stays
  unplaced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from loa.text.normalize import normalize, strip_diacritics

# Unit types: the folded forms people write (full or abbreviated) → (level, official prefix).
KINDS = {
    "thanh pho": ("district", "Thành phố"),
    "tp": ("district", "Thành phố"),
    "thi xa": ("district", "Thị xã"),
    "tx": ("district", "Thị xã"),
    "huyen": ("district", "Huyện"),
    "h": ("district", "Huyện"),
    "thi tran": ("commune", "Thị trấn"),
    "tt": ("commune", "Thị trấn"),
    "phuong": ("commune", "Phường"),
    "p": ("commune", "Phường"),
    "xa": ("commune", "Xã"),
    "x": ("commune", "Xã"),
}
_KIND = r"thanh\s+pho|thi\s+xa|thi\s+tran|huyen|phuong|tp\.?|tx\.?|tt\.?|xa|h\.|p\.?|x\."
# In text written with diacritics the type must be spelt right: "cách xa Long Hòa" (far) names no commune.
MARKED = {"thành phố", "thị xã", "huyện", "thị trấn", "phường", "xã", "tp", "tx", "tt", "p"}


@dataclass(frozen=True)
class Place:
    district: str  # official name with its unit type, e.g. "Huyện Cầu Kè"
    commune: str | None = None  # e.g. "Xã Long Hòa", "Phường 1", "Thị trấn Cầu Kè"


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    return (strip_diacritics(c).lower() or c)[:1]


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """What ``_fold_char`` changes among the letters Latin-script text uses (up to U+1FFF), for ``str.translate``."""
    return {i: f for i in range(0x41, 0x2000) if (f := _fold_char(chr(i))) != chr(i)}


def _fold(s: str) -> str:
    """Lower-case without diacritics, one character for one (positions match the normalised text)."""
    return s.translate(_fold_table())


def _split(name: str, default: str) -> tuple[str, str]:
    """(official prefix, base name) of a register name such as "Thị xã Duyên Hải", "Phường 1" or "Cầu Kè"."""
    folded = _fold(name)
    for written, (_, prefix) in KINDS.items():
        if len(written) > 2 and folded.startswith(written + " "):
            return prefix, name[len(written) + 1 :].strip()
    return default, name.strip()


class Register:
    """A province's districts and their communes, ready to find in texts."""

    def __init__(self, districts: Iterable[tuple[str, Iterable[str]]], province: str = ""):
        # folded base name → [(level, official prefix, official name, its district)]
        self.names: dict[str, list[tuple[str, str, str, str]]] = {}
        self.districts: list[str] = []  # official names with their unit type, in the register's order
        for name, communes in districts:
            prefix, base = _split(name, "Huyện")
            district = f"{prefix} {base}"
            self.districts.append(district)
            self.names.setdefault(_fold(base), []).append(("district", prefix, district, district))
            for commune in communes:
                c_prefix, c_base = _split(commune, "Xã")
                self.names.setdefault(_fold(c_base), []).append(("commune", c_prefix, f"{c_prefix} {c_base}", district))
        self.province = _fold(province)
        alternatives = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(self.names, key=len, reverse=True))
        self.pattern = re.compile(rf"(?<![\w.])(?:(?P<kind>{_KIND})\s*)?(?P<name>{alternatives})(?!\w)")

    def _bare_district(self, name: str, at: int, original: str, marked: bool) -> str | None:
        """A district named without its type: when no other unit of that level shares the name, the name is not
        the province's, and (in text with diacritics) it is capitalised."""
        districts = [u for u in self.names.get(name, []) if u[0] == "district"]
        if len(districts) != 1 or name == self.province or marked and not original[at].isupper():
            return None
        return districts[0][2]

    def find(self, text: str, normalized: bool = False) -> list[Place]:
        """The places ``text`` names, in order of first mention, each once; a commune's district is not listed
        again on its own. ``normalized``: ``text`` is ``loa.text.normalize``'s output already (a stored story)."""
        original = (text or "") if normalized else normalize(text or "")
        folded = _fold(original)
        marked = folded != original.lower()
        districts: dict[str, int] = {}
        communes: list[tuple[int, str, set[str]]] = []  # (position, commune, the districts it may be in)
        for m in self.pattern.finditer(folded):
            name = " ".join(m.group("name").split())
            kind = m.group("kind")
            level = prefix = None
            if kind:
                spelt = " ".join(original[m.start("kind") : m.end("kind")].lower().split())
                if not marked or "." in spelt or spelt in MARKED:
                    level, prefix = KINDS[" ".join(kind.rstrip(".").split())]
            units = [u for u in self.names[name] if (u[0], u[1]) == (level, prefix)]
            if level == "district" and units:
                districts.setdefault(units[0][2], m.start())
            elif level == "commune" and units:
                communes.append((m.start(), units[0][2], {u[3] for u in units}))
            elif bare := self._bare_district(name, m.start("name"), original, marked):
                districts.setdefault(bare, m.start("name"))
        found: dict[tuple[str, str], int] = {}
        for at, commune, owners in communes:
            if len(owners) > 1:
                owners = owners & districts.keys()
            if len(owners) == 1:
                found.setdefault((owners.pop(), commune), at)
        placed = {d for d, _ in found}
        for district, at in districts.items():
            if district not in placed:
                found[(district, "")] = at
        return [Place(d, c or None) for (d, c), _ in sorted(found.items(), key=lambda kv: kv[1])]

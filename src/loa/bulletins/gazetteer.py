"""Vietnam's 63 provinces (structure before the 2025 reform) and their districts, with official names, GSO unit
codes, the six socio-economic regions and the 2020 average population (GSO) — from ``data/gazetteer.json``.

Names are resolved through a folded form (no diacritics, no punctuation, no administrative prefix), plus a few
aliases real data uses ("TP. HCM", "Sài Gòn"). Nothing is guessed: a name that folds to no unit, or to several,
is unknown.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "gazetteer.json"
NATIONAL = "00"

PREFIXES = ("thanh pho truc thuoc trung uong", "thanh pho", "tinh", "tp", "quan", "huyen", "thi xa")
SUFFIXES = ("city", "province", "district", "town")
ALIASES = {
    "hcm": "79",
    "tphcm": "79",
    "hcmc": "79",
    "sai gon": "79",
    "saigon": "79",
    "ho chi minh": "79",
    "ca nuoc": NATIONAL,
    "toan quoc": NATIONAL,
    "viet nam": NATIONAL,
    "vietnam": NATIONAL,
    "national": NATIONAL,
    "whole country": NATIONAL,
    "tong": NATIONAL,
}


@dataclass(frozen=True)
class Unit:
    """A province, a district or the whole country."""

    code: str
    name: str
    full_name: str
    level: str  # "national" | "province" | "district"
    population: int | None = None
    region: str = ""
    province: str = ""  # a district's province code


@dataclass(frozen=True)
class Region:
    code: str
    name: str


def fold(text: str) -> str:
    """Lower case, no diacritics (đ → d), runs of other characters → one space."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _key(text: str) -> str:
    """The folded name without administrative prefix/suffix: "TP. Hồ Chí Minh" → "ho chi minh"."""
    key = fold(text)
    for prefix in PREFIXES:
        if key.startswith(prefix + " "):
            key = key[len(prefix) + 1 :]
            break
    for suffix in SUFFIXES:
        if key.endswith(" " + suffix):
            key = key[: -len(suffix) - 1]
    return key


class Gazetteer:
    """All units by code, and the name index."""

    def __init__(self, data: dict):
        nat = data["national"]
        self.regions = {r["code"]: Region(r["code"], r["name"]) for r in data["regions"]}
        self.units: dict[str, Unit] = {
            NATIONAL: Unit(NATIONAL, nat["name"], nat["name"], "national", nat["population_2020"])
        }
        for p in data["provinces"]:
            self.units[p["code"]] = Unit(
                p["code"], p["name"], p["full_name"], "province", p["population_2020"], p["region"]
            )
        for d in data["districts"]:
            self.units[d["code"]] = Unit(d["code"], d["name"], d["full_name"], "district", None, "", d["province"])
        self._provinces: dict[str, str] = {}
        for unit in self.provinces():
            self._provinces[_key(unit.name)] = unit.code
            self._provinces[_key(unit.name).replace(" ", "")] = unit.code
        for alias, code in ALIASES.items():
            self._provinces[alias] = code

    def provinces(self) -> list[Unit]:
        return [u for u in self.units.values() if u.level == "province"]

    def districts(self, province: str) -> list[Unit]:
        return [u for u in self.units.values() if u.level == "district" and u.province == province]

    def region_provinces(self, region: str) -> list[Unit]:
        return [u for u in self.provinces() if u.region == region]

    def get(self, code: str) -> Unit | None:
        return self.units.get(code)

    def resolve(self, name: str, within: str | None = None) -> Unit | None:
        """The unit ``name`` denotes: a province (any variant), the whole country, a unit code, a district of
        the province ``within`` or written "District, Province"; None when unknown or ambiguous."""
        name = unicodedata.normalize("NFC", str(name)).strip()
        if not name:
            return None
        if name in self.units:
            return self.units[name]
        if "," in name:
            district, province = name.rsplit(",", 1)
            parent = self.resolve(province)
            return self._district(district, parent.code) if parent and parent.level == "province" else None
        key = _key(name)
        city_prefix = re.match(r"(thanh pho|tp) ", fold(name)) is not None
        for candidate in (key, key.replace(" ", "")):
            unit = self.units.get(self._provinces.get(candidate, ""))
            if unit and not (city_prefix and unit.level == "province" and not unit.full_name.startswith("Thành phố")):
                return unit
        return self._district(name, within) if within else None

    def suggest(self, name: str, n: int = 3) -> list[Unit]:
        """Provinces whose names are close to ``name``: offered to the person, never applied silently."""
        keys = {_key(u.name): u for u in self.provinces()}
        return [keys[k] for k in difflib.get_close_matches(_key(name), list(keys), n=n, cutoff=0.75)]

    def _district(self, name: str, province: str) -> Unit | None:
        key = _key(name)
        found = [u for u in self.districts(province) if _key(u.name) == key or fold(u.full_name) == fold(name)]
        if len(found) > 1:  # "Duyên Hải" is both a district and a town: only the full name decides
            found = [u for u in found if fold(u.full_name) == fold(name)]
        return found[0] if len(found) == 1 else None


@lru_cache
def gazetteer() -> Gazetteer:
    return Gazetteer(json.loads(DATA.read_text(encoding="utf-8")))

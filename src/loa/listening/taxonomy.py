"""The Vietnamese EARS taxonomy: 5 categories, subcategories 1–41 (seeded from data, editable in the database)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

FILE = Path(__file__).parent / "data" / "ears_taxonomy.json"
CATEGORY_NAMES = {
    "CAUSE": ("Nguyên nhân", "Cause"),
    "ILLNESS": ("Bệnh", "Illness"),
    "TREATMENT": ("Điều trị", "Treatment"),
    "INTERVENTIONS": ("Biện pháp can thiệp", "Interventions"),
    "INFORMATION": ("Loại thông tin", "Information"),
}


@lru_cache
def defaults() -> list[tuple[int, str, str, str]]:
    """(number, category, Vietnamese name, English name) for 1–41, as shipped."""
    return [tuple(row) for row in json.loads(FILE.read_text(encoding="utf-8"))]


def category_of(number: int) -> str:
    """The EARS category of a subcategory number (fixed by the WHO numbering)."""
    return defaults()[number - 1][1]

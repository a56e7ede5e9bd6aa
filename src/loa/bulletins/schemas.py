"""The bulletins JSON API's request bodies."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel


class DraftIn(BaseModel):
    unit: str
    day: date

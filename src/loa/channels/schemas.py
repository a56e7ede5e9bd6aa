"""Request bodies of the channels' JSON API."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CommuneIn(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    district: str = Field("", max_length=120)
    languages: list[str] = ["vi"]


class SlotIn(BaseModel):
    start: str = Field(examples=["6:00", "17h30"])
    minutes: int = 30
    label: str = ""


class TextIn(BaseModel):
    text: str = Field(max_length=20000)

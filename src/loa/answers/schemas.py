"""The answers JSON API's request bodies."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class AskIn(BaseModel):
    question: str = Field(min_length=1, max_length=2000)


class EntryIn(BaseModel):
    question: str = Field(min_length=3, max_length=2000)
    alternatives: list[str] = []
    answer: str = Field(min_length=3)
    source: str = Field(min_length=2, max_length=255)
    source_url: str = ""
    source_date: date | None = None
    tags: list[str] = []
    language: str = "vi"


class GroupAnswerIn(BaseModel):
    answer: str = Field(min_length=3)
    source: str = Field(min_length=2, max_length=255)
    source_url: str = ""
    source_date: date | None = None
    question: str = ""
    tags: list[str] = []

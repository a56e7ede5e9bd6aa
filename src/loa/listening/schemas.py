"""The listening JSON API's request bodies."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ClassifyIn(BaseModel):
    text: str | None = Field(default=None, max_length=20_000)
    texts: list[str] | None = Field(default=None, max_length=1000)


class SourceIn(BaseModel):
    name: str
    url: str
    kind: str = "feed"
    platform: str = ""
    poll_minutes: int = 60

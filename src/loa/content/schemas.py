"""Request bodies of the content hub's JSON API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class ItemIn(BaseModel):
    kind: str
    title: str
    body: str = ""
    language: str = "vi"
    themes: list[str] = []
    audiences: list[str] = []
    channels: list[int | str] = []
    states_health_facts: bool = False
    epidemic_related: bool = True
    tone: str = "neutral"
    duration_seconds: int | None = None
    source: str = ""


class ItemPatch(BaseModel):
    title: str | None = None
    body: str | None = None
    kind: str | None = None
    themes: list[str] | None = None
    audiences: list[str] | None = None
    channels: list[int | str] | None = None
    states_health_facts: bool | None = None
    epidemic_related: bool | None = None
    tone: str | None = None
    duration_seconds: int | None = None
    source: str | None = None
    note: str = ""


class NoteIn(BaseModel):
    note: str = ""


class CommentIn(BaseModel):
    body: str


class VariantIn(BaseModel):
    language: str
    title: str
    body: str = ""


class PublishIn(BaseModel):
    channels: list[int | str] | None = None  # ids or slugs; None: the item's own channels


class ScheduleIn(BaseModel):
    channel: int | str
    at: datetime = Field(description="ISO 8601 with offset, e.g. 2021-11-15T06:00:00+07:00")


class RescheduleIn(BaseModel):
    at: datetime
    channel: int | str | None = None


class ChannelIn(BaseModel):
    name: str
    kind: str
    description: str = ""
    epidemic_min_pct: float = 30.0
    epidemic_max_pct: float = 70.0
    hopeful_min_pct: float = 40.0


class TargetsIn(BaseModel):
    epidemic_min_pct: float
    epidemic_max_pct: float
    hopeful_min_pct: float

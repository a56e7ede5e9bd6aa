"""Plans' typed inputs: the changes to a task, and the JSON API's bodies."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class TaskChanges(BaseModel):
    """Changes to a task (``service.update_task``, the API's PATCH body): the fields given and not None are applied.
    ``recurrence=""`` ends a repetition, ``theme_id=0`` clears the theme."""

    status: str | None = None
    priority: str | None = None
    start_on: date | None = None
    due_on: date | None = None
    recurrence: str | None = None
    theme_id: int | None = None
    agency_ids: list[int] | None = None


class TaskOut(BaseModel):
    id: int
    group: str
    text: str
    status: str
    priority: str
    start_on: date | None
    due_on: date | None
    recurrence: str
    theme_id: int | None
    agencies: list[str]
    reports: int


class PlanOut(BaseModel):
    id: int
    title: str
    number: str
    issued_on: date | None
    purposes: list[str]
    themes: list[str]
    tasks: list[TaskOut] = []


class ReportIn(BaseModel):
    text: str = Field(min_length=1)
    figures: dict[str, float | str] = {}  # a text is read as Vietnamese notation ("12.500", "1,5 triệu")
    links: list[str] = []
    status: str | None = None

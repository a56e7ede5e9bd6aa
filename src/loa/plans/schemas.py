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
    source_task_id: int | None = None  # in an agency's own plan: the provincial task it carries out
    units: list[str] = []  # communes and local bodies doing it


class PlanOut(BaseModel):
    id: int
    title: str
    number: str
    issued_on: date | None
    purposes: list[str]
    themes: list[str]
    tasks: list[TaskOut] = []
    parent_id: int | None = None  # an agency's own plan: the provincial plan it was made from, and the agency
    agency: str | None = None


class ReportIn(BaseModel):
    text: str = Field(min_length=1)
    figures: dict[str, float | str] = {}  # a text is read as Vietnamese notation ("12.500", "1,5 triệu")
    links: list[str] = []
    status: str | None = None


class AgencyPlanIn(BaseModel):
    """Make an agency's own plan from a provincial plan; ``agency_id`` left out: the caller's agency."""

    agency_id: int | None = None
    title: str = Field("", max_length=500)


class LocalTaskIn(BaseModel):
    """An agency's own task in its plan, optionally carrying out a task of the provincial plan."""

    text: str = Field(min_length=1, max_length=5000)
    source_task_id: int | None = None
    agency_ids: list[int] | None = Field(None, max_length=50)
    units: list[str] = Field([], max_length=50)
    start_on: date | None = None
    due_on: date | None = None
    priority: str = "normal"


class UnitsIn(BaseModel):
    units: list[str] = Field(max_length=50)

"""The plan's figures for a period as they stood at its end (hook ``period_figures``): completion overall, per
agency and per theme, overdue tasks, agencies that did not report. States are read back from the tasks' history
(``report.state_on``), so a past period gives the same figures after new activity."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa.auth.models import Agency
from loa.clock import local_day_start, today_local
from loa.i18n import N_
from loa.plans import districts
from loa.plans.models import AgencyGroup, Plan, PlanItem, ProgressReport, Task, TaskAgency, TaskEvent
from loa.plans.report import state_on
from loa.text import sort_by

NO_THEME = N_("Chưa gắn chủ đề")


@dataclass
class _Task:
    """What the figures read of a task, loaded as plain rows (a year of tasks stays fast): ``report.state_on``
    reads ``created_at``, ``status``, ``due_on`` and the ``events`` after the first day asked about."""

    id: int
    plan_id: int
    group_id: int
    theme_id: int | None
    text: str
    status: str
    due_on: date | None
    created_at: datetime
    events: list = field(default_factory=list)
    agencies: list[tuple[int, str, int]] = field(default_factory=list)  # id, name, rank in Vietnamese order

    title = Task.title


def _pct(done: int, total: int) -> float | None:
    return round(100 * done / total, 1) if total else None


def _row(tasks: list[_Task], was: dict) -> dict:
    done = sum(was[t.id][0] == "done" for t in tasks)
    return {"tasks": len(tasks), "done": done, "completion_pct": _pct(done, len(tasks))}


def _group(group: AgencyGroup, tasks: list[_Task], was: dict, not_reported: set[str]) -> dict:
    """An entry of the plan's "Tổ chức thực hiện": its tasks' completion and its agencies that did not report."""
    names = sorted({a for t in tasks for a in t.agencies}, key=lambda a: a[2])
    return {
        "plan_id": group.plan_id,
        "position": group.position,
        "group": group.name,
        **_row(tasks, was),
        "agencies": [name for _id, name, _rank in names],
        "not_reported": [name for _id, name, _rank in names if name in not_reported],
    }


def _tasks(db: Session, until: datetime, first_day: date) -> list[_Task]:
    """The provincial plans' tasks created before ``until`` (a district's own plan counts under per_district), with
    their changes after ``first_day`` and their agencies."""
    provincial = select(Plan.id).where(Plan.agency_id.is_(None))
    rows = db.execute(
        select(
            Task.id, Task.plan_id, Task.group_id, Task.theme_id, Task.text, Task.status, Task.due_on, Task.created_at
        )
        .where(Task.created_at < until, Task.plan_id.in_(provincial))
        .order_by(Task.plan_id, Task.position)
    )
    tasks = {r.id: _Task(*r) for r in rows}
    changes = db.execute(
        select(TaskEvent.task_id, TaskEvent.at, TaskEvent.kind, TaskEvent.detail).where(
            TaskEvent.at >= local_day_start(first_day + timedelta(days=1)), TaskEvent.kind == "changed"
        )
    )
    for e in changes:
        if e.task_id in tasks:
            tasks[e.task_id].events.append(e)
    links = [
        row
        for row in db.execute(
            select(TaskAgency.task_id, Agency.id, Agency.name).join(Agency, Agency.id == TaskAgency.agency_id)
        )
        if row.task_id in tasks
    ]
    rank = {a: n for n, a in enumerate(sort_by({(r.id, r.name) for r in links}, lambda a: a[1]))}
    for task_id, agency_id, name in links:
        tasks[task_id].agencies.append((agency_id, name, rank[(agency_id, name)]))
    for t in tasks.values():
        t.agencies.sort(key=lambda a: a[2])
    return list(tasks.values())


def period_figures(db: Session, start: date, end: date) -> dict | None:
    """``{"section": "plan", ...}``: see ``docs/modules/situation.md``; None when no plan exists."""
    since, until = local_day_start(start), local_day_start(end + timedelta(days=1))
    as_of = min(end, today_local())
    day_before = start - timedelta(days=1)
    plans = list(
        db.execute(
            select(Plan.id, Plan.title, Plan.recipients)
            .where(Plan.created_at < until, Plan.agency_id.is_(None))
            .order_by(Plan.id)
        )
    )
    if not plans:
        return None
    tasks = _tasks(db, until, min(as_of, day_before))
    was = {t.id: s for t in tasks if (s := state_on(t, as_of)) is not None}
    tasks = [t for t in tasks if t.id in was]
    active = {t.id for t in tasks if (s := state_on(t, day_before)) is None or s[0] != "done"}
    reported = set(
        db.scalars(
            select(ProgressReport.agency_id)
            .where(ProgressReport.created_at >= since, ProgressReport.created_at < until)
            .distinct()
        )
    )
    by_agency: dict[tuple[int, str, int], list[_Task]] = {}
    for t in tasks:
        for agency in t.agencies:
            by_agency.setdefault(agency, []).append(t)
    per_agency = []
    for (agency_id, name, _rank), mine in sorted(by_agency.items(), key=lambda kv: kv[0][2]):
        per_agency.append(
            {
                "agency_id": agency_id,
                "agency": name,
                **_row(mine, was),
                "reported": agency_id in reported,
                "expected": any(t.id in active for t in mine),
            }
        )
    labels = {i.id: i.label for i in db.scalars(select(PlanItem).where(PlanItem.id.in_({t.theme_id for t in tasks})))}
    entries = {g.id: g for g in db.scalars(select(AgencyGroup).where(AgencyGroup.id.in_({t.group_id for t in tasks})))}
    themes: dict[str, list[_Task]] = {}
    groups: dict[int, list[_Task]] = {}
    for t in tasks:
        themes.setdefault(labels.get(t.theme_id, NO_THEME), []).append(t)
        groups.setdefault(t.group_id, []).append(t)
    not_reported = {r["agency"] for r in per_agency if r["expected"] and not r["reported"]}
    overdue = sorted(
        (t for t in tasks if (s := was[t.id])[1] is not None and s[1] < as_of and s[0] != "done"),
        key=lambda t: (was[t.id][1], t.id),
    )
    return {
        "section": "plan",
        "order": 10,
        "title": N_("Thực hiện kế hoạch"),
        "as_of": as_of.isoformat(),
        "url": f"/plans/{plans[0].id}" if len(plans) == 1 else "/plans",
        **_row(tasks, was),
        "overdue": [
            {
                "id": t.id,
                "text": t.title,
                "agencies": [name for _id, name, _rank in t.agencies],
                "due_on": was[t.id][1].isoformat(),
            }
            for t in overdue
        ],
        "per_agency": per_agency,
        "per_theme": [{"theme": name, **_row(group, was)} for name, group in themes.items()],
        "per_group": [_group(entries[g], group, was, not_reported) for g, group in groups.items()],
        "not_reported": [r["agency"] for r in per_agency if r["agency"] in not_reported],
        "per_district": [r for p in plans for r in districts.per_district(db, p.id, start, end)],
        "plans": [{"id": p.id, "title": p.title} for p in plans],
        "recipients": sorted({name for p in plans for name in p.recipients}),  # "Nơi nhận", for the report's mail
    }

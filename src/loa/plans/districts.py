"""District plans: an agency (a district committee, or any agency) makes its own plan from the provincial one.

The duties the provincial plan addresses to the agency become the starting tasks of its plan, each pointing back
to its provincial task (``Task.source_task_id``); the agency adds its own tasks, assigns them to its communes and
local bodies (``Task.units``, names) or to agencies of the registry, and reports on them as on any task. Its
progress rolls up: a provincial task shows, per agency plan, how many of the tasks carrying it out are done
(``task_rollup``), and the situation room reads the completion per district for a period as it stood at the
period's end (``per_district``). Who may see and edit a plan: ``loa.plans.access``."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from loa.auth.models import Agency, User
from loa.clock import local_day_start, today_local
from loa.db import id_in_range
from loa.errors import UserError
from loa.plans.access import can_edit_plan, can_see_plan, can_see_task, check_plan, check_task
from loa.plans.models import PRIORITIES, AgencyGroup, Plan, PlanItem, Task, TaskEvent
from loa.plans.report import plain_title, state_on
from loa.text import sort_by

__all__ = [
    "GROUP_LOCAL",
    "GROUP_PROVINCIAL",
    "add_task",
    "can_create",
    "can_edit_plan",
    "can_see_plan",
    "can_see_task",
    "check_plan",
    "check_task",
    "child_plans",
    "completion",
    "create_district_plan",
    "creatable_agencies",
    "per_district",
    "plan_view",
    "set_units",
    "task_rollup",
]

GROUP_PROVINCIAL = "Nhiệm vụ được giao theo kế hoạch của tỉnh"
GROUP_LOCAL = "Nhiệm vụ của địa phương"
MAX_UNITS = 50


def _pct(done: int, total: int) -> float:
    return round(100 * done / total, 1) if total else 0.0


def child_plans(db: Session, plan: Plan, user: User | None = None) -> list[Plan]:
    """The agencies' own plans made from ``plan`` (those ``user`` may see), by agency name."""
    plans = db.scalars(select(Plan).where(Plan.parent_id == plan.id).options(selectinload(Plan.agency)))
    return sort_by([p for p in plans if user is None or can_see_plan(user, p)], lambda p: p.agency.name)


def addressed_tasks(plan: Plan, agency: Agency) -> list[Task]:
    return [t for t in plan.tasks if any(a.id == agency.id for a in t.agencies)]


def can_create(user: User, plan: Plan, agency: Agency) -> bool:
    """Coordinators for any agency; an agency's members for their own agency."""
    if plan.agency_id is not None:
        return False
    return user.has_role("coordinator") or ("agency_member" in user.roles and user.agency_id == agency.id)


def creatable_agencies(db: Session, plan: Plan, user: User) -> list[Agency]:
    """The agencies ``user`` may still make a plan for from ``plan``: for a coordinator, those the plan addresses
    that have none yet; for an agency member, their own agency if the plan addresses it and it has none."""
    if plan.agency_id is not None:
        return []
    have = {p.agency_id for p in child_plans(db, plan)}
    addressed = {a.id: a for t in plan.tasks for a in t.agencies if a.id not in have}
    if user.has_role("coordinator"):
        return sort_by(addressed.values(), lambda a: a.name)
    if user.agency_id in addressed and can_create(user, plan, user.agency):
        return [user.agency]
    return []


def create_district_plan(
    db: Session, parent: Plan, agency: Agency, user: User | None, *, title: str = "", today: date | None = None
) -> Plan:
    """The agency's own plan made from the provincial ``parent``: its purposes and themes, and as starting tasks
    the duties ``parent`` addresses to the agency (same text, theme, priority, dates and recurrence; not started;
    assigned to the agency), each linked to its provincial task. One plan per agency and provincial plan.
    ``user`` None: the command line."""
    if parent.agency_id is not None:
        raise UserError(
            "Chỉ xây dựng kế hoạch của đơn vị từ kế hoạch của tỉnh.",
            "An agency's plan is made from a provincial plan only.",
            422,
        )
    if user is not None and not can_create(user, parent, agency):
        raise UserError(
            "Bạn chỉ xây dựng được kế hoạch của cơ quan mình.", "You may only make your own agency's plan.", 403
        )
    if db.scalar(select(Plan.id).where(Plan.parent_id == parent.id, Plan.agency_id == agency.id)) is not None:
        raise UserError(
            f"{agency.name} đã có kế hoạch thực hiện kế hoạch này.",
            f"{agency.name} already has a plan for this plan.",
            409,
        )
    source = f"Kế hoạch số {parent.number}" if parent.number else plain_title(parent.title)
    plan = Plan(
        title=" ".join((title or f"Kế hoạch của {agency.name} thực hiện {source}").split())[:500],
        issuer=[agency.name.upper()],
        number="",
        issued_on=today or today_local(),
        preamble="",
        cited_documents=[{"text": f"{plain_title(parent.title)}{' số ' + parent.number if parent.number else ''}"}],
        recipients=[],
        signer={},
        source_name="",
        content_hash=hashlib.sha256(f"plan {parent.id} agency {agency.id}".encode()).hexdigest(),
        parent_id=parent.id,
        agency_id=agency.id,
    )
    themes = {}
    for item in parent.items:
        copy = PlanItem(kind=item.kind, position=item.position, text=item.text)
        plan.items.append(copy)
        themes[item.id] = copy
    given = AgencyGroup(position=1, name=GROUP_PROVINCIAL, bodies=[agency.name])
    plan.groups += [given, AgencyGroup(position=2, name=GROUP_LOCAL, bodies=[])]
    for position, duty in enumerate(addressed_tasks(parent, agency), start=1):
        task = Task(
            group=given,
            position=position,
            text=duty.text,
            theme=themes.get(duty.theme_id),
            status="not_started",
            priority=duty.priority,
            start_on=duty.start_on,
            due_on=duty.due_on,
            recurrence=duty.recurrence,
            source_task_id=duty.id,
            agencies=[agency],
            units=[],
        )
        task.events.append(
            TaskEvent(user_id=user.id if user else None, kind="created", detail={"source_task": duty.id})
        )
        plan.tasks.append(task)
    db.add(plan)
    db.flush()
    return plan


def _units(names: list[str]) -> list[str]:
    out = []
    for name in names:
        name = " ".join(str(name).split())[:120]
        if name and name not in out:
            out.append(name)
    if len(out) > MAX_UNITS:
        raise UserError(f"Tối đa {MAX_UNITS} đơn vị thực hiện.", f"At most {MAX_UNITS} units.", 422)
    return out


def _need_editor(user: User, plan: Plan) -> None:
    check_plan(user, plan)
    if not can_edit_plan(user, plan):
        raise UserError("Bạn không có quyền sửa kế hoạch này.", "You may not change this plan.", 403)


def add_task(
    db: Session,
    plan: Plan,
    user: User | None,
    text: str,
    *,
    source_task_id: int | None = None,
    agency_ids: list[int] | None = None,
    units: list[str] = (),
    start_on: date | None = None,
    due_on: date | None = None,
    priority: str = "normal",
) -> Task:
    """An agency's own task in its plan ("Nhiệm vụ của địa phương"), optionally carrying out a task of the
    provincial plan (then it counts in that task's roll-up), assigned to agencies (default: the plan's agency)
    and to communes or local bodies by name."""
    if user is not None:
        _need_editor(user, plan)
    if plan.agency_id is None:
        raise UserError(
            "Chỉ thêm nhiệm vụ vào kế hoạch của đơn vị.", "Tasks are added to an agency's own plan only.", 422
        )
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise UserError("Nhiệm vụ cần có nội dung.", "A task needs some text.", 422)
    if priority not in PRIORITIES:
        raise UserError("Mức ưu tiên không hợp lệ.", "Unknown priority.", 422)
    if start_on and due_on and due_on < start_on:
        raise UserError("Hạn hoàn thành phải sau ngày bắt đầu.", "The due date must follow the start date.", 422)
    if source_task_id is not None:
        source = db.get(Task, source_task_id) if id_in_range(source_task_id) else None
        if source is None or source.plan_id != plan.parent_id:
            raise UserError(
                "Nhiệm vụ của tỉnh không thuộc kế hoạch gốc.", "The provincial task is not in the parent plan.", 422
            )
    agencies = [db.get(Agency, i) if id_in_range(i) else None for i in agency_ids] if agency_ids else [plan.agency]
    if any(a is None for a in agencies):
        raise UserError("Cơ quan không tồn tại.", "No such agency.", 422)
    group = next(g for g in plan.groups if g.name == GROUP_LOCAL)
    task = Task(
        group=group,
        position=max((t.position for t in plan.tasks), default=0) + 1,
        text=text,
        status="not_started",
        priority=priority,
        start_on=start_on,
        due_on=due_on,
        recurrence="",
        source_task_id=source_task_id,
        agencies=agencies,
        units=_units(list(units)),
    )
    task.events.append(TaskEvent(user_id=user.id if user else None, kind="created", detail={}))
    plan.tasks.append(task)
    db.flush()
    return task


def set_units(db: Session, task: Task, user: User, units: list[str]) -> Task:
    """Name the communes and local bodies carrying out a task of an agency's own plan."""
    _need_editor(user, task.plan)
    new = _units(units)
    if new != list(task.units or []):
        task.events.append(TaskEvent(user_id=user.id, kind="changed", detail={"units": [task.units or [], new]}))
        task.units = new
    db.flush()
    return task


# ---- roll-up ------------------------------------------------------------------------------------------------


def completion(tasks: list[Task], day: date | None = None) -> dict:
    """``{"tasks", "done", "completion_pct"}`` of ``tasks`` now, or as they stood at the end of ``day`` (tasks
    not yet made then are not counted)."""
    if day is None:
        states = [t.status for t in tasks]
    else:
        states = [s[0] for t in tasks if (s := state_on(t, day)) is not None]
    done = states.count("done")
    return {"tasks": len(states), "done": done, "completion_pct": _pct(done, len(states))}


def task_rollup(db: Session, task: Task, user: User | None = None) -> list[dict]:
    """Per agency plan made from the task's plan (those ``user`` may see): the agency, its plan, the completion
    of the tasks carrying out ``task`` (``tasks``, ``done``, ``completion_pct``) and of the whole plan
    (``plan_tasks``, ``plan_done``, ``plan_pct``). Plans with no task carrying it out are left out."""
    out = []
    for plan in child_plans(db, task.plan, user):
        mine = [t for t in plan.tasks if t.source_task_id == task.id]
        if not mine:
            continue
        whole = completion(plan.tasks)
        out.append(
            {
                "agency": plan.agency,
                "plan": plan,
                **completion(mine),
                "plan_tasks": whole["tasks"],
                "plan_done": whole["done"],
                "plan_pct": whole["completion_pct"],
            }
        )
    return out


def per_district(db: Session, plan_id: int, start: date, end: date) -> list[dict]:
    """For the situation room: per agency plan made from plan ``plan_id``, the completion as it stood at the end
    of ``end`` (from the tasks' history), ``[{district, agency_id, kind, plan_id, url, tasks, done,
    completion_pct, overdue, reports}]`` (``reports``: progress reports filed in [start, end]), by name. Plans
    that had no task yet then are left out."""
    as_of = min(end, today_local())
    since, until = local_day_start(start), local_day_start(end + timedelta(days=1))
    plans = db.scalars(
        select(Plan)
        .where(Plan.parent_id == plan_id, Plan.created_at < until)
        .options(
            selectinload(Plan.agency),
            selectinload(Plan.tasks).selectinload(Task.events),
            selectinload(Plan.tasks).selectinload(Task.reports),
        )
    )
    out = []
    for plan in plans:
        states = [s for t in plan.tasks if (s := state_on(t, as_of)) is not None]
        if not states:
            continue
        done = sum(s[0] == "done" for s in states)
        reports = sum(since <= r.created_at < until for t in plan.tasks for r in t.reports)
        out.append(
            {
                "district": plan.agency.name,
                "agency_id": plan.agency_id,
                "kind": plan.agency.kind,
                "plan_id": plan.id,
                "url": f"/plans/{plan.id}",
                "tasks": len(states),
                "done": done,
                "completion_pct": _pct(done, len(states)),
                "overdue": sum(s[1] is not None and s[1] < as_of and s[0] != "done" for s in states),
                "reports": reports,
            }
        )
    return sort_by(out, lambda r: r["district"])


def plan_view(db: Session, plan: Plan, user: User) -> dict:
    """What the plan page shows about agencies' own plans: for a provincial plan, the plans made from it that
    ``user`` may see with their completion, and the agencies ``user`` may still make one for; for an agency's
    plan, whether ``user`` may add tasks, and the provincial tasks and unit names to choose from."""
    own = plan.agency_id is not None
    return {
        "own": own,
        "children": [{"plan": p, **completion(p.tasks)} for p in child_plans(db, plan, user)] if not own else [],
        "creatable": creatable_agencies(db, plan, user),
        "can_edit": own and can_edit_plan(user, plan),
        "parent_tasks": plan.parent.tasks if own and plan.parent else [],
        "units": sort_by({u for t in plan.tasks for u in t.units or []}, lambda u: u),
        "completion": completion(plan.tasks),
        "priorities": PRIORITIES,
    }

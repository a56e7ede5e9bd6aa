"""Who may see and edit a plan and its tasks. A provincial plan is read by every user and edited by coordinators;
an agency's own plan (a district plan, ``Plan.agency_id`` set) is seen by its agency's users, coordinators and
the leadership, and edited by its agency's members and coordinators. Kept apart from ``districts`` so that
``tasks`` can ask it without an import cycle."""

from __future__ import annotations

from loa.auth.models import User
from loa.errors import UserError
from loa.plans.models import Plan, Task

HIDDEN_PLAN = ("Không tìm thấy kế hoạch.", "No such plan.")
HIDDEN_TASK = ("Không tìm thấy nhiệm vụ.", "No such task.")


def can_see_plan(user: User, plan: Plan) -> bool:
    if plan.agency_id is None:
        return True
    return user.has_role("coordinator", "leader") or user.agency_id == plan.agency_id


def can_edit_plan(user: User, plan: Plan) -> bool:
    """Add and change tasks: coordinators on every plan; an agency's members on their agency's own plan."""
    if user.has_role("coordinator"):
        return True
    return plan.agency_id is not None and "agency_member" in user.roles and user.agency_id == plan.agency_id


def can_see_task(user: User, task: Task) -> bool:
    """A task is seen with its plan, or by the agencies it is assigned to."""
    return can_see_plan(user, task.plan) or (
        user.agency_id is not None and any(a.id == user.agency_id for a in task.agencies)
    )


def check_plan(user: User, plan: Plan) -> Plan:
    """The plan, or a 404 for a user who may not see it (another district's plan does not show it exists)."""
    if not can_see_plan(user, plan):
        raise UserError(*HIDDEN_PLAN, 404)
    return plan


def check_task(user: User, task: Task) -> Task:
    if not can_see_task(user, task):
        raise UserError(*HIDDEN_TASK, 404)
    return task

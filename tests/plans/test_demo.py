"""The demo creates its own plan with tasks in several statuses, reminders and reports."""

from loa import demo
from loa.clock import today_local
from loa.plans import service
from loa.plans.models import Plan


def test_demo_plan(db, demo_province):
    assert demo_province is not None
    plan = db.query(Plan).filter(Plan.agency_id.is_(None)).one()  # the provincial plan (Cầu Kè's own: test_districts)
    assert plan.number == "31-KH/BTGTU" and len(plan.tasks) == 10 and len(plan.groups) == 5
    assert {t.status for t in plan.tasks} == {"not_started", "in_progress", "done", "paused"}
    assert len(plan.groups[4].tasks[0].agencies) == 9  # the districts
    info = service.overview(plan)
    assert info["total"].overdue >= 2
    member = db.query(demo.User).filter_by(username="soyte").one()
    due = service.reminders(db, member)
    assert due["due_soon"] and any(r.attachments for t in plan.tasks for r in t.reports)
    assert service.render_report(plan, today_local().replace(day=1), today_local(), "pdf")[:4] == b"%PDF"

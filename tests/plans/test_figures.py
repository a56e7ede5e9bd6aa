"""Figures of a progress report are read and printed the Vietnamese way (issue 16, item 4)."""

import pytest
from sqlalchemy import func, select

from loa.errors import UserError
from loa.plans import service
from loa.plans.models import ProgressReport
from loa.plans.report import _report_line


def test_dot_groups_thousands_in_a_report_figure(db, settings, people, seed_plan, login):
    task = seed_plan.groups[4].tasks[0]
    report = service.add_report(
        db,
        settings,
        task,
        people["agency_member"],
        "Đăng video",
        figures={"Lượt xem": "12.500", "Chi phí": "1,5 triệu"},
    )
    assert report.figures == {"Lượt xem": 12500, "Chi phí": 1500000}
    assert "(Lượt xem: 12.500; Chi phí: 1.500.000)" in _report_line(report)
    db.commit()
    page = login("coordinator").get(f"/plans/tasks/{task.id}").text
    assert '<dt>Lượt xem</dt><dd class="num">12.500</dd>' in page


def test_an_ambiguous_figure_is_refused_and_nothing_is_stored(db, settings, people, seed_plan, login):
    task = seed_plan.groups[4].tasks[0]
    with pytest.raises(UserError, match="Lượt xem.*12.5.*viết 12,5"):
        service.add_report(db, settings, task, people["agency_member"], "Đăng video", figures={"Lượt xem": "12.5"})
    r = login("agency_member").post(
        f"/api/v1/plans/tasks/{task.id}/reports", json={"text": "Đăng video", "figures": {"Lượt xem": "12,500"}}
    )
    assert r.status_code == 422 and "12.500" in r.text
    ok = login("agency_member").post(
        f"/api/v1/plans/tasks/{task.id}/reports", json={"text": "Đăng video", "figures": {"Lượt xem": "12.500"}}
    )
    assert ok.status_code == 201, ok.text
    db.expire_all()
    assert [r.figures for r in db.scalars(select(ProgressReport))] == [{"Lượt xem": 12500}]
    assert db.scalar(select(func.count()).select_from(ProgressReport)) == 1

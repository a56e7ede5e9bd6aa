"""District plans (issue 19, item 3): an agency's own plan made from the provincial one, its roll-up into the
provincial tasks and per district, and who may see and edit it."""

import json
from datetime import datetime, timedelta

import pytest

from loa.auth import service as auth
from loa.clock import LOCAL, frozen, today_local
from loa.errors import UserError
from loa.plans import districts, figures, service
from loa.plans.models import Plan
from loa.plans.report import plain_title
from loa.plans.schemas import TaskChanges
from tests.conftest import ARTIFACTS, PASSWORD, audit_count, browser_login, login_client, state
from tests.plans.encoders import SEED
from tests.plans.test_cli import loa

CAU_KE, TRA_CU = "Huyện ủy Cầu Kè", "Huyện ủy Trà Cú"


@state(base="seed_plan")
def district_users(db, settings, seed_plan, registry):
    """A member of Huyện ủy Cầu Kè ("cauke"), one of Huyện ủy Trà Cú ("tracu"), and a leader ("lanhdao")."""
    users = {}
    for username, agency, role in (
        ("cauke", CAU_KE, "agency_member"),
        ("tracu", TRA_CU, "agency_member"),
        ("lanhdao", "Ban Tuyên giáo Tỉnh ủy", "leader"),
    ):
        users[username] = auth.create_user(
            db, settings, username, PASSWORD, full_name=username, roles=[role], agency=registry[agency]
        )
    db.commit()
    return users


@state(base="district_users")
def two_plans(db, settings, seed_plan, registry, district_users):
    """Cầu Kè's and Trà Cú's own plans, each made by its own member."""
    cauke = districts.create_district_plan(db, seed_plan, registry[CAU_KE], district_users["cauke"])
    tracu = districts.create_district_plan(db, seed_plan, registry[TRA_CU], district_users["tracu"])
    db.commit()
    return {"cauke": cauke, "tracu": tracu}


def _addressed(plan, name):
    return [t for t in plan.tasks if name in {a.name for a in t.agencies}]


def test_creation_copies_the_duties_addressed_to_the_agency(db, settings, seed_plan, registry, district_users):
    duties = _addressed(seed_plan, CAU_KE)
    assert len(duties) == 2  # group 9 of the seed plan, addressed to every district committee
    plan = districts.create_district_plan(db, seed_plan, registry[CAU_KE], district_users["cauke"])
    assert plan.parent_id == seed_plan.id and plan.agency.name == CAU_KE
    assert plan.title == f"Kế hoạch của {CAU_KE} thực hiện {plain_title(seed_plan.title)}"
    assert plan.title.endswith(
        "thực hiện Kế hoạch công tác thông tin, tuyên truyền phòng, chống dịch Covid-19 trong tình hình hiện nay"
    )
    assert [t.text for t in plan.tasks] == [d.text for d in duties]
    assert [t.source_task_id for t in plan.tasks] == [d.id for d in duties]
    assert all(t.status == "not_started" and [a.name for a in t.agencies] == [CAU_KE] for t in plan.tasks)
    assert [t.theme.text if t.theme else None for t in plan.tasks] == [
        d.theme.text if d.theme else None for d in duties
    ]
    assert all(t.theme is None or t.theme.plan_id == plan.id for t in plan.tasks)  # the plan's own copy
    assert len(plan.themes) == len(seed_plan.themes) and len(plan.purposes) == len(seed_plan.purposes)
    assert len(seed_plan.tasks) == 26  # the provincial plan is untouched
    with pytest.raises(UserError) as again:
        districts.create_district_plan(db, seed_plan, registry[CAU_KE], district_users["cauke"])
    assert again.value.status == 409
    with pytest.raises(UserError) as other:  # a member of Trà Cú cannot make Cầu Kè's plan
        districts.create_district_plan(db, seed_plan, registry["Huyện ủy Cầu Ngang"], district_users["tracu"])
    assert other.value.status == 403
    with pytest.raises(UserError) as nested:
        districts.create_district_plan(db, plan, registry[TRA_CU], None)
    assert nested.value.status == 422


def test_a_member_makes_the_plan_in_the_web(db, seed_plan, district_users, app):
    c = login_client(app, "cauke")
    page = c.get(f"/plans/{seed_plan.id}").text
    assert 'data-testid="agency-plan-form"' in page and 'name="agency_id"' not in page  # only their own agency
    r = c.post(f"/plans/{seed_plan.id}/agency-plan", data={"csrf_token": c.csrf}, follow_redirects=False)
    assert r.status_code == 303
    page = c.get(r.headers["location"]).text
    assert "Kế hoạch của đơn vị: Huyện ủy Cầu Kè" in page and 'data-testid="local-task-form"' in page
    assert 'data-testid="agency-plan-form"' not in c.get(f"/plans/{seed_plan.id}").text  # made once
    c.close()


def test_the_api_makes_a_plan_for_an_agency(seed_plan, registry, district_users, login, app, settings):
    url = f"/api/v1/plans/{seed_plan.id}/agency-plans"
    c, viewer, coordinator = login_client(app, "tracu"), login("viewer"), login("coordinator")
    before = audit_count(settings)
    assert c.post(url, json={"agency_id": registry[CAU_KE].id}).status_code == 403
    assert viewer.post(url, json={}).status_code == 403
    assert audit_count(settings) == before
    r = coordinator.post(url, json={"agency_id": registry[CAU_KE].id, "title": "Kế hoạch số 12-KH/HU"})
    assert r.status_code == 201, r.text
    plan = r.json()
    assert plan["title"] == "Kế hoạch số 12-KH/HU" and plan["agency"] == CAU_KE and plan["parent_id"] == seed_plan.id
    assert [t["source_task_id"] for t in plan["tasks"]] == [t.id for t in _addressed(seed_plan, CAU_KE)]
    assert coordinator.post(url, json={"agency_id": registry[CAU_KE].id}).status_code == 409
    assert coordinator.post(url, json={"agency_id": 10**30}).status_code == 422
    assert c.post(url, json={}).status_code == 201  # its own agency
    nested = c.post(f"/api/v1/plans/{plan['id']}/agency-plans", json={})
    assert nested.status_code == 404  # Cầu Kè's plan is not Trà Cú's to see
    c.close()


def test_rollup_numbers(db, settings, seed_plan, registry, people, district_users, two_plans):
    cauke, tracu = two_plans["cauke"], two_plans["tracu"]
    member = district_users["cauke"]
    first, second = cauke.tasks[0], cauke.tasks[1]
    source = first.source_task
    # two own tasks carrying out the first provincial duty, one on its own, assigned to communes
    own1 = districts.add_task(
        db, cauke, member, "Loa xã phát lịch tiêm", source_task_id=source.id, units=["Xã Hòa Ân", "Xã Phong Phú"]
    )
    own2 = districts.add_task(db, cauke, member, "Tổ công nghệ xã đăng tin", source_task_id=source.id)
    districts.add_task(db, cauke, member, "Tọa đàm ở chùa Khmer", units=["Xã An Phú Tân"])
    for task in (first, own1, second):
        service.update_task(db, task, member, TaskChanges(status="done"))
    service.update_task(db, own2, member, TaskChanges(status="in_progress"))
    service.update_task(db, tracu.tasks[0], district_users["tracu"], TaskChanges(status="done"))
    db.commit()
    # Cầu Kè: 2 starting tasks + 3 own = 5, done 3 (first, own1, second) → 60 %;
    # on the first provincial duty: first, own1, own2 → 2 of 3 done → 66.7 %. Trà Cú: 1 of 2 → 50 %.
    rows = {r["agency"].name: r for r in districts.task_rollup(db, source)}
    assert {k: (r["tasks"], r["done"], r["completion_pct"]) for k, r in rows.items()} == {
        CAU_KE: (3, 2, 66.7),
        TRA_CU: (1, 1, 100.0),
    }
    assert (rows[CAU_KE]["plan_tasks"], rows[CAU_KE]["plan_done"], rows[CAU_KE]["plan_pct"]) == (5, 3, 60.0)
    today = today_local()
    per = districts.per_district(db, seed_plan.id, today - timedelta(days=6), today)
    assert [(r["district"], r["tasks"], r["done"], r["completion_pct"]) for r in per] == [
        (CAU_KE, 5, 3, 60.0),
        (TRA_CU, 2, 1, 50.0),
    ]
    assert per[0]["url"] == f"/plans/{cauke.id}" and per[0]["kind"] == "district"
    assert figures.period_figures(db, today - timedelta(days=6), today)["per_district"] == per  # situation room
    assert own1.units == ["Xã Hòa Ân", "Xã Phong Phú"] and own1.agencies == [registry[CAU_KE]]
    assert districts.per_district(db, cauke.id, today, today) == []  # no plan is made from a district plan


def test_the_rollup_shows_on_the_provincial_task(db, settings, seed_plan, district_users, two_plans, login, app):
    cauke = two_plans["cauke"]
    first = cauke.tasks[0]
    service.update_task(db, first, district_users["cauke"], TaskChanges(status="done"))
    db.commit()
    page = login("coordinator").get(f"/plans/tasks/{first.source_task_id}").text
    assert f'<a href="/plans/{cauke.id}">{CAU_KE}</a>' in page and f'<a href="/plans/{two_plans["tracu"].id}">' in page
    row = page.split(f'<a href="/plans/{cauke.id}">')[1].split("</tr>")[0]
    assert "100%" in row.replace(",0%", "%") and "1/2" in row  # 1 of 1 on this duty; 1 of 2 in the whole plan
    plan_page = login("coordinator").get(f"/plans/{seed_plan.id}").text
    assert plan_page.count('data-testid="agency-plan-row"') == 2
    # Trà Cú's member sees its own plan in the roll-up, not Cầu Kè's
    c = login_client(app, "tracu")
    page = c.get(f"/plans/tasks/{first.source_task_id}").text
    assert f'<a href="/plans/{two_plans["tracu"].id}">' in page and f'<a href="/plans/{cauke.id}">' not in page
    assert f'href="/plans/{cauke.id}"' not in c.get(f"/plans/{seed_plan.id}").text
    task_page = c.get(f"/plans/tasks/{two_plans['tracu'].tasks[0].id}").text
    assert f'href="/plans/tasks/{first.source_task_id}"' in task_page  # the district task links to its source
    c.close()


def test_a_district_user_cannot_see_another_districts_plan(db, settings, seed_plan, district_users, two_plans, app):
    cauke, tracu = two_plans["cauke"], two_plans["tracu"]
    task = cauke.tasks[0]
    c = login_client(app, "tracu")
    before = audit_count(settings)
    for path in (f"/plans/{cauke.id}", f"/plans/tasks/{task.id}", f"/plans/{cauke.id}/tasks.csv"):
        assert c.get(path).status_code == 404, path
    for path, data in (
        (f"/plans/tasks/{task.id}", {"status": "done"}),
        (f"/plans/tasks/{task.id}/reports", {"text": "Đã làm"}),
        (f"/plans/{cauke.id}/tasks", {"text": "Nhiệm vụ lạ"}),
        (f"/plans/tasks/{task.id}/units", {"units": "Xã Lạ"}),
    ):
        assert c.post(path, data={**data, "csrf_token": c.csrf}, follow_redirects=False).status_code == 404, path
    assert c.get(f"/api/v1/plans/{cauke.id}").status_code == 404
    assert c.patch(f"/api/v1/plans/tasks/{task.id}", json={"status": "done"}).status_code == 404
    assert c.post(f"/api/v1/plans/tasks/{task.id}/reports", json={"text": "Đã làm"}).status_code == 404
    assert c.post(f"/api/v1/plans/{cauke.id}/tasks", json={"text": "Nhiệm vụ lạ"}).status_code == 404
    assert c.put(f"/api/v1/plans/tasks/{task.id}/units", json={"units": ["Xã Lạ"]}).status_code == 404
    listed = {p["id"] for p in c.get("/api/v1/plans").json()}
    assert listed == {seed_plan.id, tracu.id}
    assert {r["district"] for r in c.get(f"/api/v1/plans/{seed_plan.id}/districts").json()} == {TRA_CU}
    assert f'href="/plans/{cauke.id}"' not in c.get("/plans").text
    assert audit_count(settings) == before  # nothing was written
    # its own plan: it sees it and edits it (an own task, a due date, the communes)
    assert c.get(f"/plans/{tracu.id}").status_code == 200
    r = c.post(
        f"/plans/{tracu.id}/tasks",
        data={"text": "Loa xã Đại An phát thông báo", "units": "Xã Đại An\nXã Ngãi Xuyên", "csrf_token": c.csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = c.post(
        f"/api/v1/plans/{tracu.id}/tasks", json={"text": "Phát tờ rơi tiếng Khmer", "units": ["Xã Lưu Nghiệp Anh"]}
    )
    assert r.status_code == 201 and r.json()["units"] == ["Xã Lưu Nghiệp Anh"]
    due = (today_local() + timedelta(days=9)).isoformat()
    r = c.patch(f"/api/v1/plans/tasks/{tracu.tasks[0].id}", json={"due_on": due, "status": "in_progress"})
    assert r.status_code == 200 and r.json()["due_on"] == due
    plan = c.get(f"/api/v1/plans/{tracu.id}").json()
    assert plan["parent_id"] == seed_plan.id and plan["agency"] == TRA_CU and len(plan["tasks"]) == 4
    assert plan["tasks"][2]["units"] == ["Xã Đại An", "Xã Ngãi Xuyên"]
    # on the provincial plan it keeps its rights: reads it, reports on its own duty, changes no date
    duty = tracu.tasks[0].source_task
    assert c.get(f"/plans/{seed_plan.id}").status_code == 200
    assert c.post(f"/api/v1/plans/tasks/{duty.id}/reports", json={"text": "Đã chỉ đạo"}).status_code == 201
    assert c.patch(f"/api/v1/plans/tasks/{duty.id}", json={"due_on": due}).status_code == 403
    c.close()


@pytest.mark.parametrize(
    "username,status",
    [("coordinator", 200), ("admin", 200), ("lanhdao", 200), ("agency-member", 404), ("viewer", 404)],
)
def test_who_else_sees_a_district_plan(two_plans, app, username, status):
    """Coordinators, administrators and the leadership see every plan; another agency's member or a viewer not."""
    c = login_client(app, username)
    assert c.get(f"/plans/{two_plans['cauke'].id}").status_code == status
    assert c.get(f"/api/v1/plans/{two_plans['cauke'].id}").status_code == status
    c.close()


def test_a_past_period_is_unchanged_after_new_activity(db, settings, seed_plan, registry, district_users):
    member = district_users["cauke"]
    start = datetime.combine(today_local() - timedelta(days=30), datetime.min.time(), LOCAL).replace(hour=9)
    with frozen(start):
        plan = districts.create_district_plan(db, seed_plan, registry[CAU_KE], member)
        extra = districts.add_task(
            db, plan, member, "Loa xã phát lịch tiêm", source_task_id=plan.tasks[0].source_task_id
        )
    with frozen(start + timedelta(days=3)):
        service.update_task(db, plan.tasks[0], member, TaskChanges(status="done"))
        service.add_report(db, settings, extra, member, "Đã phát 12 lần")
    db.commit()
    period = (start.date() - timedelta(days=1), start.date() + timedelta(days=6))
    then = districts.per_district(db, seed_plan.id, *period)
    assert [(r["tasks"], r["done"], r["completion_pct"], r["reports"]) for r in then] == [(3, 1, 33.3, 1)]
    # afterwards: more done, a task undone, a new task, another district's plan
    service.update_task(db, plan.tasks[0], member, TaskChanges(status="in_progress"))
    for task in plan.tasks[1:]:
        service.update_task(db, task, member, TaskChanges(status="done"))
    districts.add_task(db, plan, member, "Nhiệm vụ mới")
    districts.create_district_plan(db, seed_plan, registry[TRA_CU], None)
    db.commit()
    assert districts.per_district(db, seed_plan.id, *period) == then
    now = districts.per_district(db, seed_plan.id, today_local(), today_local())
    assert [(r["district"], r["tasks"], r["done"]) for r in now] == [(CAU_KE, 4, 2), (TRA_CU, 2, 0)]


def test_the_demo_has_cau_kes_own_plan(db, demo_province):
    own = db.query(Plan).filter(Plan.agency_id.is_not(None)).one()
    assert own.agency.name == CAU_KE and own.parent.number == "31-KH/BTGTU"
    assert len(own.tasks) == 6 and sum(bool(t.units) for t in own.tasks) == 4
    assert {t.status for t in own.tasks} == {"not_started", "in_progress", "done"}
    today = today_local()
    [row] = districts.per_district(db, own.parent_id, today, today)
    assert (row["district"], row["tasks"], row["done"]) == (CAU_KE, 6, 2)
    rollup = districts.task_rollup(db, own.tasks[0].source_task)
    assert [(r["tasks"], r["done"]) for r in rollup] == [(3, 1)]


def test_the_command_line(tmp_path):
    assert loa(tmp_path, "plan", "import", str(SEED), "--create-agencies").returncode == 0
    group = "Các huyện ủy, thị ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy"  # made an agency by --create-agencies
    out = loa(tmp_path, "plan", "district", "1", "--agency", group.lower())
    assert out.returncode == 0, out.stderr
    assert "kế hoạch #2" in out.stdout and "2 nhiệm vụ" in out.stdout
    again = loa(tmp_path, "plan", "district", "1", "--agency", group)
    assert again.returncode == 1 and "đã có kế hoạch" in again.stderr
    rows = json.loads(loa(tmp_path, "plan", "districts", "1", "--json").stdout)
    assert [(r["district"], r["tasks"], r["done"], r["completion_pct"]) for r in rows] == [(group, 2, 0, 0.0)]
    assert "Không có cơ quan" in loa(tmp_path, "plan", "district", "1", "--agency", "Huyện ủy Lạ").stderr


@pytest.mark.browser
def test_a_district_makes_its_plan_in_a_browser(live_server, page, seed_plan, district_users):
    browser_login(page, live_server, "cauke")
    page.goto(f"{live_server}/plans/{seed_plan.id}")
    page.click("[data-testid=agency-plan-form] button[type=submit]")
    page.wait_for_selector("[data-testid=agency-plan]")
    assert page.locator("[data-testid=task-row]").count() == 2
    page.click("[data-testid=agency-plan] summary")
    form = page.locator("[data-testid=local-task-form]")
    form.locator("textarea[name=text]").fill("Loa xã phát lịch tiêm bằng tiếng Khmer")
    duty = _addressed(seed_plan, CAU_KE)[0]
    form.locator("select[name=source_task_id]").select_option(str(duty.id))
    form.locator("textarea[name=units]").fill("Xã Hòa Ân\nXã Phong Phú")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=Loa xã phát lịch tiêm bằng tiếng Khmer")
    assert page.locator("[data-testid=task-row]").count() == 3
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "plans-district-plan.png"), full_page=True)
    page.click("text=Loa xã phát lịch tiêm bằng tiếng Khmer")
    assert page.locator("[data-testid=unit]").all_inner_texts() == ["Xã Hòa Ân", "Xã Phong Phú"]
    page.select_option("[data-testid=task-form] select[name=status]", "done")
    page.click("[data-testid=task-form] button[type=submit]")
    page.click("[data-testid=source-task]")
    row = page.locator("[data-testid=rollup-row]")
    assert page.url.endswith(f"/plans/tasks/{duty.id}")
    # the copy of the duty and the own task carrying it out, one of two done; the whole plan 1 of 3
    assert row.count() == 1 and row.inner_text().split() == [*CAU_KE.split(), "2", "1", "50,0%", "1/3", "(33,3%)"]

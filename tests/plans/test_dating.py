"""Due dates and repetition read from a duty's words (table-driven), and what an import makes of them."""

from datetime import date

import pytest

from loa.plans.dating import Dating, read_dating

REF = date(2021, 8, 2)  # the plan's date

CASES = [
    # repetition
    ("Thường xuyên cập nhật thông tin trên trang tin điện tử.", None, "ongoing"),
    ("Tuyên truyền liên tục trên hệ thống loa truyền thanh cơ sở.", None, "ongoing"),
    ("Cập nhật số liệu hằng ngày trên cổng thông tin.", None, "daily"),
    ("Cập nhật số liệu hàng ngày.", None, "daily"),
    ("Tổng hợp, báo cáo hằng tuần về Ban Tuyên giáo.", None, "weekly"),
    ("Báo cáo kết quả hàng tháng về Thường trực Tỉnh ủy.", None, "monthly"),
    ("Sơ kết định kỳ hằng quý.", None, "quarterly"),
    ("Thường xuyên theo dõi; tổng hợp báo cáo hằng tháng.", None, "monthly"),  # a named period wins
    ("Cập nhật hằng ngày, tổng hợp hằng tuần.", None, "daily"),  # the first one named
    ("Báo cáo hằng tháng, trước ngày 25.", date(2021, 8, 25), "monthly"),
    ("Báo cáo trước ngày 1 hằng tháng.", date(2021, 9, 1), "monthly"),  # the 1st has passed: next month's
    # dated phrases
    ("Hoàn thành trước ngày 15/8/2021.", date(2021, 8, 15), ""),
    ("Gửi báo cáo về Ban Tuyên giáo trước 30/9.", date(2021, 9, 30), ""),
    ("Xây dựng kế hoạch xong trước ngày 20/8/2021.", date(2021, 8, 20), ""),
    ("Tổ chức tọa đàm trong tháng 9/2021.", date(2021, 9, 30), ""),
    ("Tổ chức tọa đàm trong tháng 9 năm 2021.", date(2021, 9, 30), ""),
    ("Tổ chức hội nghị trong tháng 2.", date(2022, 2, 28), ""),  # February has passed: next year's
    ("Tổng kết trong quý III/2021.", date(2021, 9, 30), ""),
    ("Tổng kết trong quý IV.", date(2021, 12, 31), ""),
    ("Thực hiện đến hết năm 2021.", date(2021, 12, 31), ""),
    ("Triển khai trong năm 2022.", date(2022, 12, 31), ""),
    ("Nộp sản phẩm chậm nhất ngày 10/9/2021.", date(2021, 9, 10), ""),
    ("Gửi kế hoạch trước ngày 15 tháng 8 năm 2021.", date(2021, 8, 15), ""),
    ("Hoàn thành trước tháng 10/2021.", date(2021, 9, 30), ""),
    ("Gửi báo cáo trước 15/1.", date(2022, 1, 15), ""),  # 15/1/2021 came before the plan
    ("Sơ kết trước ngày 15/9/2021 và tổng kết trước ngày 15/12/2021.", date(2021, 12, 15), ""),  # the latest
    ("Thường xuyên tuyên truyền, báo cáo kết quả trước ngày 30/9/2021.", date(2021, 9, 30), "ongoing"),
    # nothing to read
    ("Thực hiện Kế hoạch số 48-KH/BTGTW, ngày 21/7/2021 của Ban Tuyên giáo Trung ương.", None, ""),
    ("Theo Nghị định số 72/2013/NĐ-CP và Nghị định số 119/2020/NĐ-CP của Chính phủ.", None, ""),
    ("Kế hoạch phát triển kinh tế - xã hội 5 năm 2021 - 2025.", None, ""),
    ("Nhìn lại kết quả trong năm qua.", None, ""),
    ("Việc cập nhật thông tin chưa thường xuyên, còn chậm.", None, ""),
    ("Tổ chức lễ kỷ niệm hằng năm.", None, ""),
    ("Hoàn thành trước ngày 31/2/2021.", None, ""),  # no such day
    ("Hạn chế tụ tập đông người; tăng cường tuyên truyền.", None, ""),
    ("Đạt 95% số hộ được tuyên truyền trước 2025.", None, ""),
    ("Chủ trì, phối hợp xây dựng các tài liệu tuyên truyền.", None, ""),
]


@pytest.mark.parametrize(("text", "due", "recurrence"), CASES, ids=[c[0][:40] for c in CASES])
def test_read_dating(text, due, recurrence):
    found = read_dating(text, REF)
    assert (found.due_on, found.recurrence) == (due, recurrence)
    assert bool(found) == bool(due or recurrence)
    assert bool(found.phrase) == bool(found)


def test_enough_cases():
    assert len(CASES) >= 25 and sum(1 for c in CASES if not (c[1] or c[2])) >= 8
    assert read_dating("", REF) == Dating()


# ---- import -------------------------------------------------------------------------------------------------

PLAN = """TỈNH ỦY TRÀ VINH
Số: 99-KH/TU
Trà Vinh, ngày 2 tháng 8 năm 2021
KẾ HOẠCH
tuyên truyền tiêm chủng
I- MỤC ĐÍCH, YÊU CẦU
- Nâng cao nhận thức của người dân.
II- NỘI DUNG
- Tuyên truyền lợi ích của vắc xin.
III- TỔ CHỨC THỰC HIỆN
1. Sở Y tế
- Cung cấp số liệu tiêm chủng hằng ngày cho báo, đài.
- Thường xuyên cập nhật lịch tiêm trên cổng thông tin.
- Tổng kết công tác truyền thông trong quý III/2021.
- Xây dựng bộ tài liệu hỏi đáp về vắc xin, xong trước ngày 15/8/2021.
2. Báo Trà Vinh
- Gửi báo cáo kết quả về Ban Tuyên giáo trước 30/9.
- Mở chuyên mục về tiêm chủng.
"""


def test_import_dates_duties_from_what_the_plan_says(db, settings, people, registry, login):
    from loa.plans import service
    from loa.plans.parser import parse_text

    plan = service.import_plan(db, settings, parse_text(PLAN), people["coordinator"], today=date(2021, 8, 3))
    db.commit()
    got = [(t.due_on, t.recurrence) for t in plan.tasks]
    assert got == [
        (None, "daily"),
        (None, "ongoing"),
        (date(2021, 9, 30), ""),
        (date(2021, 8, 15), ""),
        (date(2021, 9, 30), ""),  # no year given: the plan's (2/8/2021)
        (None, ""),
    ]
    assert [t.start_on for t in plan.tasks] == [date(2021, 8, 3)] * 6
    assert plan.tasks[3].events[0].detail == {"from_plan": "trước ngày 15/8/2021"}
    assert service.undated_tasks(plan) == [plan.tasks[5]]
    page = login("coordinator").get(f"/plans/tasks/{plan.tasks[3].id}").text
    assert "hạn, lặp lại theo kế hoạch: “trước ngày 15/8/2021”" in page


def test_an_old_plan_imported_today_starts_no_later_than_its_due_dates(db, settings, people, registry):
    from loa.plans import service
    from loa.plans.parser import parse_text

    plan = service.import_plan(db, settings, parse_text(PLAN), people["coordinator"], today=date(2026, 12, 7))
    assert plan.tasks[3].start_on == plan.tasks[3].due_on == date(2021, 8, 15)
    assert plan.tasks[0].start_on == date(2026, 12, 7)


def test_seed_plan_dates(seed_plan):
    """The seed plan states no dates for its duties; its one "thường xuyên" duty (Sở Y tế's first) repeats."""
    assert all(t.due_on is None for t in seed_plan.tasks)
    ongoing = [t for t in seed_plan.tasks if t.recurrence]
    assert [(t.group.name, t.recurrence) for t in ongoing] == [("Sở Y tế", "ongoing")]
    assert len(seed_plan.tasks) - len(ongoing) == 25


# ---- the coordinator's dating screen ------------------------------------------------------------------------


def test_dating_screen_saves_all_or_nothing(db, seed_plan, login):
    from loa.plans.models import Task, TaskEvent

    c = login("coordinator")
    plan_page = c.get(f"/plans/{seed_plan.id}").text
    assert f'href="/plans/{seed_plan.id}/dating" data-testid="undated-link">25 nhiệm vụ chưa có hạn<' in plan_page
    page = c.get(f"/plans/{seed_plan.id}/dating")
    assert page.status_code == 200 and page.text.count('data-testid="dating-row"') == 25
    ids = [t.id for t in seed_plan.tasks if not t.recurrence]
    start = seed_plan.tasks[0].start_on
    form = {"csrf_token": c.csrf, f"due_{ids[0]}": "2030-09-30", f"recurrence_{ids[1]}": "monthly"}
    form |= {f"due_{ids[2]}": "2020-01-01", f"due_{ids[3]}": "30/02/2030", f"recurrence_{ids[4]}": "yearly"}
    bad = c.post(f"/plans/{seed_plan.id}/dating", data=form)
    assert bad.status_code == 422
    assert "Chưa lưu gì: có 3 dòng cần sửa" in bad.text
    assert f"Hạn phải từ ngày bắt đầu ({start:%d/%m/%Y}) trở đi." in bad.text
    assert "Ngày không hợp lệ: 30/02/2030 (dạng dd/mm/yyyy)." in bad.text and "Chu kỳ lặp lại không hợp lệ." in bad.text
    assert 'value="2030-09-30"' in bad.text  # what was typed stays
    db.expire_all()
    assert db.get(Task, ids[0]).due_on is None and db.get(Task, ids[1]).recurrence == ""  # nothing saved
    for key in (f"due_{ids[2]}", f"due_{ids[3]}", f"recurrence_{ids[4]}"):
        form.pop(key)
    form[f"due_{ids[1]}"] = "15/10/2030"
    ok = c.post(f"/plans/{seed_plan.id}/dating", data=form, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == f"/plans/{seed_plan.id}/dating?saved=2"
    assert "Đã lưu hạn cho 2 nhiệm vụ." in c.get(ok.headers["location"]).text
    db.expire_all()
    first, second = db.get(Task, ids[0]), db.get(Task, ids[1])
    assert (first.due_on, first.recurrence) == (date(2030, 9, 30), "")
    assert (second.due_on, second.recurrence) == (date(2030, 10, 15), "monthly")
    event = db.query(TaskEvent).filter_by(task_id=ids[1], kind="changed").one()
    assert event.detail == {"due_on": [None, "2030-10-15"], "recurrence": ["", "monthly"]}
    assert "23 nhiệm vụ chưa có hạn" in c.get(f"/plans/{seed_plan.id}").text
    history = c.get(f"/plans/tasks/{ids[1]}").text
    assert "Hạn: — → 15/10/2030; Lặp lại: Không lặp lại → Hằng tháng" in history


def test_dating_screen_is_for_coordinators(seed_plan, login):
    member = login("agency_member")
    assert member.get(f"/plans/{seed_plan.id}/dating").status_code == 403
    r = member.post(f"/plans/{seed_plan.id}/dating", data={"csrf_token": member.csrf, "due_1": "2030-01-01"})
    assert r.status_code == 403
    assert "chưa có hạn" not in member.get(f"/plans/{seed_plan.id}").text


def test_import_preview_shows_what_each_duty_says(login, registry):
    c = login("coordinator")
    page = c.post("/plans/import", files={"file": ("kh.txt", PLAN.encode())}, data={"csrf_token": c.csrf}).text
    assert 'data-testid="count-dated">Có hạn hoặc lặp lại theo kế hoạch: 5<' in page
    tags = [t.split("<")[0] for t in page.split('data-testid="duty-dating">')[1:]]
    assert tags == ["Hằng ngày", "Thường xuyên", "Hạn: 30/09/2021", "Hạn: 15/08/2021", "Hạn: 30/09/2021"]


def test_new_repetitions_move_on_or_end(db, people, seed_plan):
    from loa.plans import service
    from loa.plans.schemas import TaskChanges

    coord = people["coordinator"]
    assert service.next_due(date(2021, 11, 30), "quarterly") == date(2022, 2, 28)
    assert service.next_due(date(2021, 12, 31), "daily") == date(2022, 1, 1)
    ongoing = next(t for t in seed_plan.tasks if t.recurrence == "ongoing")
    service.update_task(db, ongoing, coord, TaskChanges(due_on=date(2030, 9, 30), status="done"))
    assert (ongoing.status, ongoing.due_on) == ("done", date(2030, 9, 30))  # "thường xuyên" has no next due date
    daily = seed_plan.tasks[0]
    service.update_task(db, daily, coord, TaskChanges(due_on=date(2030, 9, 30), recurrence="daily", status="done"))
    assert (daily.status, daily.due_on) == ("in_progress", date(2030, 10, 1))


def test_a_task_dated_meanwhile_stops_the_save_and_says_so(db, seed_plan, login):
    from loa.plans.models import Task

    c = login("coordinator")
    undated = [t.id for t in seed_plan.tasks if not t.recurrence]
    db.get(Task, undated[0]).due_on = date(2030, 1, 31)  # another coordinator dated it first
    db.commit()
    form = {"csrf_token": c.csrf, f"due_{undated[0]}": "2030-02-28", f"due_{undated[1]}": "2030-03-31"}
    r = c.post(f"/plans/{seed_plan.id}/dating", data=form)
    assert r.status_code == 422
    assert f"Nhiệm vụ #{undated[0]}: Nhiệm vụ này không thuộc kế hoạch hoặc đã có hạn." in r.text
    db.expire_all()
    assert db.get(Task, undated[0]).due_on == date(2030, 1, 31) and db.get(Task, undated[1]).due_on is None

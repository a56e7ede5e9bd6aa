"""Demo data: a plan of our own making (data/ke-hoach-mau.txt) imported, with tasks in every status,
due dates around today and progress reports; and Huyện ủy Cầu Kè's own plan made from it, with tasks of its own
given to its communes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from loa import documents
from loa.clock import today_local
from loa.plans import districts, service
from loa.plans.parser import parse_bytes
from loa.plans.schemas import TaskChanges

PLAN_FILE = Path(__file__).parent / "data" / "ke-hoach-mau.txt"

# (task position, status, start offset, due offset in days from today, recurrence, report text, figures)
TASKS = [
    (
        1,
        "in_progress",
        -20,
        60,
        "daily",  # as the plan says ("hằng ngày"); so is task 6 ("mỗi ngày")
        "Đã gửi số liệu tiêm chủng hằng ngày cho Báo, Đài và 106 đài truyền thanh xã.",
        {"Ngày đã gửi số liệu": 18},
    ),
    (
        2,
        "in_progress",
        -20,
        2,
        "",
        "Đường dây nóng 1900 9095 hoạt động; 12 bác sĩ trực, đã trả lời 341 cuộc gọi.",
        {"Cuộc gọi đã trả lời": 341},
    ),
    (
        3,
        "in_progress",
        -20,
        3,
        "weekly",
        "Báo cáo tuần 2: 5 tin bài, 2 phóng sự, 1 tọa đàm trực tuyến.",
        {"Tin bài": 5},
    ),
    (4, "done", -20, -5, "", "Chuyên mục “Vắc xin cho mọi người” đã ra 9 kỳ.", {"Tin bài": 9}),
    (5, "in_progress", -20, -2, "", "", {}),
    (6, "not_started", -5, -1, "daily", "", {}),
    (7, "done", -20, -10, "", "Cổng thông tin điện tử tỉnh đăng 14 tin kiểm chứng về vắc xin.", {"Tin kiểm chứng": 14}),
    (8, "paused", -20, 30, "", "Tạm dừng do các xã ở Trà Cú chuyển sang giãn cách; sẽ tiếp tục sau ngày 30.", {}),
    (9, "not_started", 0, 10, "", "", {}),
]


def seed(db: Session, ctx) -> None:
    coordinator = ctx.users["coordinator"]
    today = today_local()
    plan = service.import_plan(
        db,
        ctx.settings,
        parse_bytes(PLAN_FILE.read_bytes()),
        coordinator,
        source_name=PLAN_FILE.name,
        today=today - timedelta(days=20),
    )
    by_position = {t.position: t for t in plan.tasks}
    for position, status, start, due, recurrence, text, figures in TASKS:
        task = by_position[position]
        service.update_task(
            db,
            task,
            coordinator,
            TaskChanges(
                start_on=today + timedelta(days=start),
                due_on=today + timedelta(days=due),
                recurrence=recurrence,
                priority="high" if due <= 3 else "normal",
            ),
        )
        if text:
            service.add_report(db, ctx.settings, task, coordinator, text, figures=figures)
        if task.status != status:
            service.update_task(db, task, coordinator, TaskChanges(status=status))
    evidence = documents.to_pdf(
        documents.Document(
            title="Danh sách điểm tiêm tuần này",
            issuer=["SỞ Y TẾ TRÀ VINH"],
            header=documents.NATIONAL_HEADER,
            place=ctx.settings.province,
            date=today,
            blocks=[
                documents.Table(
                    ["Huyện", "Điểm tiêm", "Ngày"],
                    [
                        ["Cầu Ngang", "Trạm Y tế xã Mỹ Long Nam", "Thứ Bảy"],
                        ["Trà Cú", "Trường THCS Đại An", "Chủ nhật"],
                    ],
                )
            ],
        )
    )
    service.add_report(
        db,
        ctx.settings,
        by_position[1],
        ctx.users["agency_member"],
        "Gửi danh sách điểm tiêm tuần này để Đài phát trên truyền thanh cơ sở.",
        links=["https://syt.travinh.gov.vn"],
        files=[("diem-tiem.pdf", evidence)],
    )
    seed_district(db, ctx, plan)


# Huyện ủy Cầu Kè's own tasks: (text, carries out the n-th starting task or None, communes, status, due offset,
# report text, figures)
DISTRICT_TASKS = [
    (
        "Đài truyền thanh các xã, thị trấn phát thông báo lịch tiêm bằng tiếng Việt và tiếng Khmer, 2 lần mỗi ngày.",
        0,
        ["Thị trấn Cầu Kè", "Xã Hòa Ân", "Xã Phong Thạnh"],
        "done",
        -3,
        "Các đài xã đã phát đủ 2 lần mỗi ngày trong đợt tiêm tuần này.",
        {"Lượt phát": 84},
    ),
    (
        "Phối hợp các chùa Khmer nhờ sư cả nhắc bà con đi tiêm đúng lịch.",
        0,
        ["Xã An Phú Tân", "Xã Tam Ngãi"],
        "in_progress",
        5,
        "Đã làm việc với 6 chùa; 4 chùa đã thông báo sau giờ lễ.",
        {"Chùa tham gia": 4},
    ),
    (
        "Tổ công nghệ cộng đồng hỗ trợ người cao tuổi khai báo, đăng ký tiêm.",
        None,
        ["Xã Châu Điền", "Xã Thạnh Phú"],
        "not_started",
        7,
        "",
        {},
    ),
    ("Treo băng rôn tại các điểm tiêm.", None, ["Trung tâm Văn hóa - Thể thao huyện"], "not_started", -2, "", {}),
]


def seed_district(db: Session, ctx, plan) -> None:
    """Huyện ủy Cầu Kè makes its plan from the provincial one, adds its own tasks for its communes and reports."""
    agency = ctx.agencies["hu_caughe"]
    member = next((u for u in agency.users if "agency_member" in u.roles), ctx.users["coordinator"])
    today = today_local()
    own = districts.create_district_plan(db, plan, agency, member)
    starting = list(own.tasks)
    service.add_report(
        db, ctx.settings, starting[0], member, "Đã có văn bản chỉ đạo 11 xã, thị trấn phát thông báo lịch tiêm."
    )
    service.add_report(
        db, ctx.settings, starting[1], member, "Đã gửi Sở Y tế 23 câu hỏi của bà con ở 5 xã.", status="done"
    )
    for text, source, units, status, due, report, figures in DISTRICT_TASKS:
        task = districts.add_task(
            db,
            own,
            member,
            text,
            source_task_id=starting[source].source_task_id if source is not None else None,
            units=units,
            start_on=today - timedelta(days=10),
            due_on=today + timedelta(days=due),
        )
        if report:
            service.add_report(db, ctx.settings, task, member, report, figures=figures)
        if task.status != status:
            service.update_task(db, task, member, TaskChanges(status=status))

"""Demo data: a plan of our own making (data/ke-hoach-mau.txt) imported, with tasks in every status,
due dates around today and progress reports."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from loa import documents
from loa.clock import today_local
from loa.plans import service
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
        "",
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
    (6, "not_started", -5, -1, "", "", {}),
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

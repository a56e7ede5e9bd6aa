"""Demo content for Trà Vinh: channels, themes, two weeks of items in every state, a Khmer placeholder,
and a loudspeaker week out of balance so the dashboard shows a warning."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from loa.clock import local_day_start, today_local, utcnow, week_start
from loa.content import service
from loa.content.models import EARS_THEMES

CHANNELS = [
    ("Báo Trà Vinh", "newspaper", "Báo in và báo điện tử của tỉnh", 30, 60, 40),
    ("Đài PT-TH Trà Vinh", "radio_tv", "Bản tin thời sự, chuyên mục sức khỏe", 30, 60, 40),
    ("Cổng thông tin điện tử tỉnh", "portal", "Chuyên trang phòng, chống dịch", 40, 90, 30),
    ("Fanpage Sở Y tế Trà Vinh", "social", "Trang mạng xã hội chính thức của Sở Y tế", 40, 90, 40),
    ("Loa truyền thanh xã Long Hòa", "loudspeaker", "Huyện Châu Thành; phát 6:00 và 17:00", 30, 70, 40),
    ("Tờ rơi, áp phích", "print", "In và phát qua tổ COVID cộng đồng", 50, 100, 30),
]

PLAN_THEMES = [
    "Tiêm chủng vắc xin",
    "Thực hiện 5K",
    "Chăm sóc F0 tại nhà",
    "Phục hồi sản xuất, kinh doanh",
    "Gương người tốt, việc tốt",
    "Phòng, chống tin sai lệch",
]

# (kind, title, body, themes, audiences, channels, tone, epidemic, minutes, health facts, final state, slots)
# slots: (channel index, day offset from this week's Monday, hour); past slots of published items went out,
# those of scheduled items move a week on.
ITEMS = [
    (
        "article",
        "Trà Vinh hoàn thành tiêm mũi 2 cho 85% người từ 18 tuổi trở lên",
        "Tính đến hết tuần trước, toàn tỉnh đã tiêm mũi 2 cho khoảng 85% người từ 18 tuổi trở lên.\n\n"
        "Sở Y tế đề nghị các huyện tiếp tục rà soát người chưa tiêm, nhất là người cao tuổi và người có bệnh nền, "
        "tổ chức tiêm tại nhà cho người không thể đi lại.",
        ["Tiêm chủng vắc xin"],
        ["public", "elderly"],
        [0, 2],
        "hopeful",
        True,
        None,
        True,
        "published",
        [(0, -6, 5), (2, -6, 8)],
    ),
    (
        "script",
        "Bản tin loa: lịch tiêm vắc xin tại trạm y tế xã Long Hòa",
        "Thưa bà con, trạm y tế xã Long Hòa tổ chức tiêm vắc xin phòng COVID-19 vào sáng thứ Năm và thứ Sáu tuần này, "
        "từ 7 giờ đến 11 giờ.\n\nBà con mang theo căn cước công dân và giấy hẹn tiêm. Người trên 65 tuổi được ưu tiên.",
        ["Tiêm chủng vắc xin"],
        ["public", "elderly", "khmer"],
        [4],
        "neutral",
        True,
        4,
        True,
        "published",
        [(4, -5, 6), (4, -5, 17)],
    ),
    (
        "script",
        "Bản tin loa: số ca mắc mới trong huyện tăng",
        "Thưa bà con, trong tuần qua huyện Châu Thành ghi nhận thêm nhiều ca mắc mới tại các ấp giáp ranh.\n\n"
        "Bà con hạn chế tụ tập đông người, đeo khẩu trang khi ra khỏi nhà "
        "và báo ngay cho trạm y tế khi có triệu chứng.",
        ["Thực hiện 5K"],
        ["public"],
        [4],
        "alarming",
        True,
        5,
        True,
        "published",
        [(4, 0, 6), (4, 1, 6)],
    ),
    (
        "script",
        "Bản tin loa: cảnh báo tụ tập đông người dịp cuối tuần",
        "Thưa bà con, ngành y tế khuyến cáo không tổ chức đám tiệc đông người trong thời gian dịch diễn biến phức tạp.",
        ["Thực hiện 5K"],
        ["public"],
        [4],
        "alarming",
        True,
        3,
        False,
        "scheduled",
        [(4, 4, 17), (4, 5, 6)],
    ),
    (
        "script",
        "Bản tin loa: hướng dẫn chăm sóc người mắc COVID-19 tại nhà",
        "Người mắc COVID-19 không triệu chứng hoặc triệu chứng nhẹ có thể được theo dõi tại nhà.\n\n"
        "Gia đình đo nhiệt độ, nhịp thở mỗi ngày; khi khó thở hoặc SpO2 dưới 96% phải báo ngay trạm y tế.",
        ["Chăm sóc F0 tại nhà"],
        ["patients", "public"],
        [4, 1],
        "neutral",
        True,
        6,
        True,
        "scheduled",
        [(4, 2, 17), (1, 3, 19), (4, 8, 6), (4, 10, 17)],
    ),
    (
        "article",
        "Người khỏi bệnh ở Cầu Ngang trở về, hàng xóm đón bằng giỏ rau",
        "Sau 10 ngày điều trị, anh Thạch Sa Ranh ở xã Long Sơn đã khỏi bệnh. Bà con trong ấp góp rau, gạo đón anh "
        "về nhà.\n\nCâu chuyện nhỏ cho thấy người khỏi bệnh không cần bị xa lánh.",
        ["Gương người tốt, việc tốt"],
        ["public", "khmer"],
        [0, 3],
        "hopeful",
        True,
        None,
        False,
        "published",
        [(0, -3, 6), (3, -3, 20)],
    ),
    (
        "social",
        "5K khi đi chợ phiên cuối tuần",
        "Đi chợ phiên cuối tuần, bà con nhớ: khẩu trang – khử khuẩn – khoảng cách – không tụ tập – khai báo y tế.",
        ["Thực hiện 5K"],
        ["public"],
        [3],
        "neutral",
        True,
        None,
        False,
        "approved",
        [],
    ),
    (
        "article",
        "Giá lúa vụ thu đông nhích lên, nông dân Tiểu Cần phấn khởi",
        "Vụ thu đông năm nay, giá lúa tại Tiểu Cần tăng nhẹ so với vụ trước. Hợp tác xã bố trí tổ thu hoạch "
        "bảo đảm an toàn phòng dịch cho người lao động.",
        ["Phục hồi sản xuất, kinh doanh"],
        ["public", "workers"],
        [0, 1],
        "hopeful",
        False,
        3,
        False,
        "scheduled",
        [(0, 2, 5), (1, 2, 18), (2, 9, 8)],
    ),
    (
        "qa",
        "Hỏi - đáp: đã khỏi bệnh có cần tiêm mũi nhắc lại không?",
        "Hỏi: Tôi đã mắc COVID-19 và khỏi bệnh, có cần tiêm mũi nhắc lại không?\n\n"
        "Đáp: Có. Người đã khỏi bệnh vẫn nên tiêm đủ liều theo hướng dẫn của Bộ Y tế; thời điểm tiêm do cán bộ y tế "
        "tư vấn.",
        ["Tiêm chủng vắc xin"],
        ["public", "patients"],
        [2, 3],
        "neutral",
        True,
        None,
        True,
        "review",
        [],
    ),
    (
        "fact_check",
        "Kiểm chứng: xông hơi bằng lá sả không diệt được vi rút",
        "Thông tin lan truyền cho rằng xông hơi bằng lá sả, lá bưởi giúp diệt vi rút trong phổi là không đúng.\n\n"
        "Xông hơi không thay thế được tiêm vắc xin và điều trị; xông quá lâu có thể gây bỏng, mất nước.",
        ["Phòng, chống tin sai lệch", "Tin đồn, thông tin sai"],
        ["public", "elderly"],
        [3, 2],
        "neutral",
        True,
        None,
        True,
        "review",
        [],
    ),
    (
        "print",
        "Tờ rơi: 5 việc cần làm khi trong nhà có người mắc COVID-19",
        "1. Cách ly người bệnh ở phòng riêng.\n2. Đeo khẩu trang khi chăm sóc.\n3. Rửa tay thường xuyên.\n"
        "4. Theo dõi nhiệt độ, nhịp thở.\n5. Gọi trạm y tế khi có dấu hiệu nặng.",
        ["Chăm sóc F0 tại nhà"],
        ["patients", "public"],
        [5],
        "neutral",
        True,
        None,
        True,
        "draft",
        [],
    ),
    (
        "article",
        "Lễ hội Ok Om Bok năm nay tổ chức quy mô nhỏ",
        "Lễ hội Ok Om Bok của đồng bào Khmer năm nay được tổ chức trong khuôn viên chùa, không đua ghe ngo, "
        "bảo đảm yêu cầu phòng dịch.",
        ["Thực hiện 5K"],
        ["khmer", "public"],
        [0],
        "neutral",
        False,
        None,
        False,
        "draft",
        [],
    ),
    (
        "social",
        "Cảm ơn tình nguyện viên tổ COVID cộng đồng",
        "Cảm ơn các anh chị tình nguyện viên tổ COVID cộng đồng đã không quản ngày đêm hỗ trợ bà con.",
        ["Gương người tốt, việc tốt"],
        ["public"],
        [3],
        "hopeful",
        True,
        None,
        False,
        "archived",
        [(3, -9, 20)],
    ),
]


def seed(db: Session, ctx) -> None:
    editor, reviewer, coordinator = ctx.users["editor"], ctx.users["reviewer"], ctx.users["coordinator"]
    channels = [
        service.create_channel(
            db, name, kind, description=desc, epidemic_min_pct=lo, epidemic_max_pct=hi, hopeful_min_pct=hope
        )
        for name, kind, desc, lo, hi, hope in CHANNELS
    ]
    for name in PLAN_THEMES:
        service.ensure_theme(db, name, source="Kế hoạch truyền thông phòng, chống dịch tỉnh Trà Vinh")
    for name in EARS_THEMES:
        service.ensure_theme(db, name, source="Phân loại lắng nghe (EARS)")
    monday = week_start(today_local())
    now = utcnow()
    for kind, title, body, themes, audiences, chans, tone, epidemic, minutes, health, state, slots in ITEMS:
        item = service.create_item(
            db,
            kind=kind,
            title=title,
            body=body,
            author=editor,
            themes=themes,
            audiences=audiences,
            channels=[channels[i] for i in chans],
            tone=tone,
            epidemic_related=epidemic,
            duration_seconds=minutes * 60 if minutes else None,
            states_health_facts=health,
        )
        if state == "draft":
            continue
        service.submit(db, item, editor)
        service.add_comment(db, item, coordinator, "Đề nghị ghi rõ nguồn số liệu của Sở Y tế.")
        if state == "review":
            continue
        service.approve(db, item, reviewer, "Nội dung chính xác, đồng ý đăng.")
        for ch, day, hour in slots:
            at = local_day_start(monday + timedelta(days=day)) + timedelta(hours=hour)
            if at <= now and state == "scheduled":  # what is still to go out lies ahead (a week on)
                at += timedelta(days=7)
            slot = service.schedule(db, item, editor, channels[ch], at)
            if at <= now and state in ("published", "archived"):
                service.publish(db, item, editor, slot=slot, now=at)
        if state == "archived":
            service.archive(db, item, editor)
    first = service.list_items(db, kind="script", q="lịch tiêm vắc xin")[0]
    service.create_variant(
        db,
        first,
        language="km",
        title="[Khmer] Lịch tiêm vắc xin tại trạm y tế xã Long Hòa",
        body="(Bản tiếng Khmer đang được Hội Văn học Nghệ thuật dịch; đọc bằng bản ghi âm, "
        "chưa có giọng đọc Khmer ngoại tuyến.)",
        author=editor,
    )
    revised = service.list_items(db, state="draft", q="Ok Om Bok")[0]
    service.update_item(
        db,
        revised,
        editor,
        service.ItemChanges(
            body=revised.body
            + "\n\nNgười dân theo dõi lễ hội qua sóng Đài PT-TH Trà Vinh và trang mạng xã hội của tỉnh."
        ),
        note="Thêm cách theo dõi lễ hội",
    )

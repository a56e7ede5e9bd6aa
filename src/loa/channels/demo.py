"""Demo data: Trà Vinh's commune register, with loudspeaker slots at 6:00 and 17:00 and a player (device) in the
communes of Cầu Ngang and Trà Cú, published portal news, today's loudspeaker bulletin (read aloud when espeak-ng
is installed, a priority item for Trà Cú) with a Khmer version awaiting a recording, and this morning's play
reports (one commune silent)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy.orm import Session

from loa.channels import devices, service, speech
from loa.channels.models import DeviceBeat, Play
from loa.clock import LOCAL, now_local
from loa.content import service as content

# district → [(commune, broadcast languages)]; Trà Cú is home to many Khmer families.
COMMUNES = {
    "Cầu Ngang": [
        ("Thị trấn Cầu Ngang", "vi"),
        ("Mỹ Long Nam", "vi"),
        ("Hiệp Mỹ Đông", "vi"),
        ("Long Sơn", "vi,km"),
        ("Kim Hòa", "vi,km"),
    ],
    "Trà Cú": [
        ("Thị trấn Trà Cú", "vi,km"),
        ("Ngọc Biên", "vi,km"),
        ("Tân Sơn", "vi,km"),
        ("Kim Sơn", "vi,km"),
        ("Đại An", "vi"),
    ],
}

ARTICLES = [
    (
        "Tiêm vắc xin mũi 3 cho người cao tuổi",
        "Từ ngày 20/9/2021, các trạm y tế xã, phường, thị trấn tiêm mũi 3 vắc xin phòng COVID-19 cho người từ 65 tuổi "
        "trở lên và người có bệnh nền.\n\nNgười dân mang theo căn cước công dân, sổ hoặc giấy xác nhận đã tiêm mũi 1 "
        "và mũi 2. Người có sốt trên 37,5°C hoặc đang điều trị bệnh cấp tính "
        "xin báo cán bộ y tế để được khám sàng lọc.",
        "hopeful",
        3,
    ),
    (
        "Huyện Cầu Ngang 14 ngày không ghi nhận ca mắc mới",
        "Nhờ người dân thực hiện tốt 5K và tiêm chủng đầy đủ, huyện Cầu Ngang đã 14 ngày liên tiếp không ghi nhận ca "
        "F0 mới trong cộng đồng. Trung tâm Y tế huyện cảm ơn các tổ COVID cộng đồng và bà con đã chung tay.",
        "hopeful",
        2,
    ),
    (
        "Khuyến cáo phòng dịch khi đi chợ, đến nơi đông người",
        "Đeo khẩu trang đúng cách, giữ khoảng cách ít nhất 2 mét, sát khuẩn tay trước và sau khi mua bán. Người có ho, "
        "sốt, khó thở liên hệ trạm y tế xã hoặc đường dây nóng 1900 9095 để được hướng dẫn.",
        "neutral",
        1,
    ),
]

BULLETIN = (
    "Thông báo lịch tiêm vắc xin tại trạm y tế xã",
    "Kính thưa bà con! Sáng mai, từ 7h00 đến 11h00, trạm y tế xã tổ chức tiêm vắc xin phòng COVID-19 mũi 3 cho "
    "người từ 65 tuổi trở lên. Bà con mang theo căn cước công dân và sổ tiêm chủng. Tỷ lệ tiêm đủ 2 mũi của "
    "xã đã đạt 92,5%. Khi có sốt trên 37,5°C, ho, khó thở, bà con gọi ngay trạm y tế qua số 0294.3855.123 "
    "hoặc đường dây nóng 1900 9095. Hãy thực hiện tốt 5K để bảo vệ mình và gia đình.",
)
KHMER = (
    "Lịch tiêm vắc xin (bản tiếng Khmer)",
    "Bản tiếng Khmer do cộng tác viên người Khmer của xã dịch và đọc; cần tải lên bản ghi âm để phát trên loa.",
)


def _channel(db: Session, kind: str, name: str, slug: str):
    found = [c for c in content.list_channels(db) if c.kind == kind]
    return found[0] if found else content.create_channel(db, name, kind, slug=slug)


def seed(db: Session, ctx) -> None:
    coordinator, editor, reviewer = ctx.users["coordinator"], ctx.users["editor"], ctx.users["reviewer"]
    players = []
    for district, communes in COMMUNES.items():
        for name, languages in communes:
            commune = service.create_commune(db, coordinator, name, district, languages)
            service.add_slot(db, coordinator, commune, "6:00", 30, "Bản tin sáng")
            service.add_slot(db, coordinator, commune, "17:00", 30, "Bản tin chiều")
            players.append(devices.create_device(db, coordinator, commune, f"Cụm loa {name}")[0])
    service.seed_register(db, coordinator, ctx.settings.province)
    portal = _channel(db, "portal", f"Cổng thông tin điện tử tỉnh {ctx.settings.province}", "cong-thong-tin")
    loudspeaker = _channel(db, "loudspeaker", "Loa truyền thanh cơ sở", "loa-truyen-thanh")
    now = now_local()
    for title, body, tone, days_ago in ARTICLES:
        item = content.create_item(
            db,
            kind="article",
            title=title,
            body=body,
            author=editor,
            channels=[portal],
            tone=tone,
            states_health_facts=True,
            source="Sở Y tế tỉnh Trà Vinh",
            audiences=["public"],
        )
        content.submit(db, item, editor)
        content.approve(db, item, reviewer, "Thông tin chính xác.")
        content.publish(db, item, editor, now=now - timedelta(days=days_ago))
    script = content.create_item(
        db,
        kind="script",
        title=BULLETIN[0],
        body=BULLETIN[1],
        author=editor,
        channels=[loudspeaker],
        states_health_facts=True,
        audiences=["public", "elderly"],
        source="Trung tâm Y tế huyện",
        duration_seconds=90,
    )
    khmer = content.create_variant(db, script, language="km", title=KHMER[0], body=KHMER[1], author=editor)
    for item in (script, khmer):
        content.submit(db, item, editor)
        content.approve(db, item, reviewer)
    slot = content.schedule(db, script, editor, loudspeaker, datetime.combine(now.date(), time(5, 30), tzinfo=LOCAL))
    service.set_broadcast(db, editor, script, "priority", "districts", ["Trà Cú"])
    if slot.planned_at <= now:  # it went out this morning, as the worker would have recorded
        content.publish(db, script, None, slot=slot, now=slot.planned_at)
    morning = datetime.combine(now.date(), time(6, 0), tzinfo=LOCAL)
    for n, player in enumerate(players):
        db.add(DeviceBeat(device_id=player.id, seen_at=now - timedelta(minutes=1 if n else 300), state="idle"))
        if n > 1 and morning < now:  # the first commune is offline, the second silent
            db.add(
                Play(
                    device_id=player.id,
                    commune_id=player.commune_id,
                    item_id=script.id,
                    started_at=morning + timedelta(seconds=n),
                    ended_at=morning + timedelta(seconds=n + 75),
                    complete=n != 5,
                )
            )
    if speech.espeak_available():
        service.speech_file(ctx.settings, script, "mp3")

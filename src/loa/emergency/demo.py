"""Demo data: last week's emergency notice (a flooded road in Cầu Ngang and Trà Cú), approved by the leadership and
the health reviewer, sent out and ended, with the communes' playback confirmations."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from loa.channels import service as channels
from loa.channels.models import Device, Play
from loa.clock import utcnow
from loa.emergency import service
from loa.emergency.models import NoticeApproval


def seed(db: Session, ctx) -> None:
    editor, reviewer, leader = ctx.users["editor"], ctx.users["reviewer"], ctx.users["leader"]
    sent = utcnow() - timedelta(days=6)
    notice = service.create_notice(
        db,
        editor,
        title="Thông báo khẩn: nước lũ tràn đường tỉnh 912",
        body="Đường tỉnh 912 đoạn qua xã Kim Hòa và Ngọc Biên bị ngập sâu. Bà con không đi qua đoạn này, trẻ em "
        "không tắm sông; người bị thương, đau ốm gọi ngay số 115 hoặc trạm y tế xã.",
        scope="districts",
        districts=["Cầu Ngang", "Trà Cú"],
        expires_at=utcnow() + timedelta(hours=1),
        repeat_minutes=30,
    )
    service.approve(db, notice, leader)
    service.approve(db, notice, reviewer)
    notice.expires_at = sent + timedelta(hours=12)
    notice.approved_at = sent
    for n, approval in enumerate(db.query(NoticeApproval).filter_by(notice_id=notice.id)):
        approval.created_at = sent - timedelta(minutes=6 - 4 * n)
    service.place(db, ctx.settings, notice)
    notice.placed_at = sent + timedelta(seconds=4)
    service.publish(db, notice, "")
    service.end_notice(db, notice, editor, now=sent + timedelta(hours=10))
    for n, device in enumerate(db.query(Device).all()):
        commune = device.commune
        if commune.district in ("Cầu Ngang", "Trà Cú") and n != 3:  # one commune never confirmed
            start = sent + timedelta(seconds=40 + 9 * n)
            db.add(
                Play(
                    device_id=device.id,
                    commune_id=commune.id,
                    item_id=notice.item_id,
                    started_at=start,
                    ended_at=start + timedelta(seconds=31),
                    complete=True,
                    received_at=start + timedelta(seconds=32),
                )
            )
    channels.end_emergency(db, notice.item, sent + timedelta(hours=10))
    db.flush()

"""Emergency notices: written (or an approved item picked), targeted, approved by two people from the leadership
or the health reviewers (never the author; an editor cannot), then sent everywhere by one job (``jobs.py``), and
ended by a person or by their expiry. Callers own the transaction."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa import documents, hooks, mail
from loa.auth.models import Agency, User
from loa.channels import service as channels
from loa.clock import LOCAL, local_day, utcnow
from loa.config import Settings
from loa.content import service as content
from loa.content.models import ItemReview
from loa.db import get_or_404
from loa.emergency.models import AgencyNotice, ApprovalLink, EmergencyNotice, NoticeApproval
from loa.errors import UserError
from loa.formats import vn_datetime
from loa.jobs.models import JobFile

WRITERS = ("editor", "coordinator")
REPORT_MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
NEEDED = 2  # approvals
MAX_HOURS = 14 * 24


def _need(user: User, roles: tuple[str, ...]) -> None:
    if not user.has_role(*roles):
        raise UserError("Bạn không có quyền thực hiện thao tác này.", "You may not do this.", 403)


def may_approve(user: User) -> bool:
    """Leadership, or a reviewer of the health sector. Held roles only: an administrator or an editor without
    one of them cannot approve."""
    return "leader" in user.roles or ("reviewer" in user.roles and bool(user.agency and user.agency.is_health))


def why_not(notice: EmergencyNotice, user: User) -> tuple[str, str] | None:
    """Why ``user`` may not approve ``notice`` now (Vietnamese, English), or None."""
    if notice.state != "pending":
        return "Thông báo này không còn chờ duyệt.", "This notice is no longer awaiting approval."
    if not may_approve(user):
        return (
            "Chỉ lãnh đạo hoặc người duyệt của ngành y tế mới duyệt được thông báo khẩn.",
            "Only the leadership or a health reviewer may approve an emergency notice.",
        )
    if user.id in (notice.created_by_id, notice.item.author_id):
        return "Người soạn không được tự duyệt thông báo của mình.", "The author may not approve their own notice."
    if any(a.user_id == user.id for a in notice.approvals):
        return "Bạn đã duyệt thông báo này; cần một người khác duyệt.", "You approved already; another person must."
    return None


def _expiry(expires_at: datetime | None, now: datetime) -> datetime:
    if expires_at is None or expires_at.tzinfo is None:
        raise UserError("Hãy chọn thời điểm hết hiệu lực.", "Choose when the notice expires.")
    if expires_at <= now or expires_at > now + timedelta(hours=MAX_HOURS):
        raise UserError(
            "Thời điểm hết hiệu lực phải sau bây giờ và trong vòng 14 ngày.",
            "The expiry must be after now and within 14 days.",
        )
    return expires_at


def create_notice(
    db: Session,
    user: User,
    *,
    item_id: int | None = None,
    title: str = "",
    body: str = "",
    scope: str = "province",
    districts=(),
    commune_ids=(),
    expires_at: datetime | None = None,
    repeat_minutes: int = 30,
) -> EmergencyNotice:
    """A notice awaiting two approvals: a new text (``title``, ``body``) or an approved item (``item_id``)."""
    _need(user, WRITERS)
    now = utcnow()
    expires_at = _expiry(expires_at, now)
    if not 5 <= int(repeat_minutes) <= 240:
        raise UserError("Khoảng lặp lại phải từ 5 đến 240 phút.", "Repeat every 5 to 240 minutes.")
    names, ids = channels.check_targets(db, scope, districts, commune_ids)
    if item_id:
        item = content.get_item(db, int(item_id))
        if item.state not in channels.LIVE_STATES or item.approved_version != item.version:
            raise UserError("Chỉ chọn được bài đã duyệt.", "Only an approved item can be picked.", 409)
    else:
        if not " ".join((title or "").split()) or not (body or "").strip():
            raise UserError("Thông báo khẩn cần tiêu đề và nội dung.", "An emergency notice needs a title and a text.")
        item = content.create_item(
            db,
            kind="script",
            title=title,
            body=body,
            author=user,
            channels=channels.portal_channels(db) + channels.loudspeaker_channels(db)[:1],
            tone="alarming",
            audiences=["public"],
        )
        content.submit(db, item, user)
    notice = EmergencyNotice(
        item=item,
        scope=scope,
        districts=names,
        commune_ids=ids,
        expires_at=expires_at,
        repeat_minutes=int(repeat_minutes),
        created_by_id=user.id,
        state="pending",
        outputs={},
    )
    db.add(notice)
    db.flush()
    return notice


def get_notice(db: Session, notice_id: int) -> EmergencyNotice:
    return get_or_404(db, EmergencyNotice, notice_id, "Không tìm thấy thông báo khẩn.", "Emergency notice not found.")


def list_notices(db: Session, limit: int = 100) -> list[EmergencyNotice]:
    return list(db.scalars(select(EmergencyNotice).order_by(EmergencyNotice.id.desc()).limit(limit)))


def approvers(db: Session, notice: EmergencyNotice) -> list[User]:
    """Everyone who may approve the notice (links are made for them)."""
    users = db.scalars(select(User).where(User.active.is_(True)).order_by(User.full_name, User.username))
    return [u for u in users if may_approve(u) and u.id not in (notice.created_by_id, notice.item.author_id)]


# ---- one-click links ----------------------------------------------------------------------------------------


def _signature(settings: Settings, link: ApprovalLink) -> str:
    message = f"emergency-approve:{link.id}:{link.notice_id}:{link.user_id}:{link.nonce}".encode()
    return hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def approval_link(db: Session, settings: Settings, notice: EmergencyNotice, user: User) -> str:
    """A new signed, single-use approval address for ``user`` (``/emergency/a/<token>``)."""
    link = ApprovalLink(notice_id=notice.id, user_id=user.id, nonce=secrets.token_urlsafe(24))
    db.add(link)
    db.flush()
    return f"/emergency/a/{link.id}.{link.nonce}.{_signature(settings, link)}"


def mail_approvers(db: Session, settings: Settings, notice: EmergencyNotice, base_url: str) -> dict:
    """Each approver with an e-mail address gets their own one-click link by e-mail (SMTP set); the counts are
    kept in ``notice.outputs["approval_mail"]`` for the notice page."""
    people = approvers(db, notice)
    to = [u for u in people if u.email]
    sent = 0
    title = notice.item.title
    if to and settings.smtp_host:
        try:
            with mail.connect(settings) as server:
                for user in to:
                    link = base_url.rstrip("/") + approval_link(db, settings, notice, user)
                    text = (
                        f"Kính gửi {user.full_name or user.username},\n\nThông báo khẩn “{title}” đang chờ duyệt "
                        f"(cần 2 người duyệt; hết hiệu lực lúc {vn_datetime(notice.expires_at.astimezone(LOCAL))})"
                        f".\n\n{notice.item.body}\n\nDuyệt bằng liên kết của riêng anh/chị (đăng nhập Loa, dùng "
                        f"một lần):\n{link}\n\nXin không chuyển tiếp thư này."
                    )
                    try:
                        server.send_message(mail.message(settings, user.email, f"[Loa] Cần duyệt gấp: {title}", text))
                        sent += 1
                    except mail.ERRORS:
                        continue
        except mail.ERRORS:
            pass  # the server cannot be reached: counted as not sent, the links page still works
    result = {"approvers": len(people), "emailed": sent, "failed": len(to) - sent, "no_address": len(people) - len(to)}
    notice.outputs = {**(notice.outputs or {}), "approval_mail": result}
    db.flush()
    return result


def link_for(db: Session, settings: Settings, token: str, user: User) -> tuple[EmergencyNotice, ApprovalLink]:
    """The notice a link approves, if the link is genuine, unused and ``user``'s own."""
    bad = UserError(
        "Liên kết duyệt không hợp lệ, đã dùng hoặc không dành cho bạn.",
        "The approval link is invalid, used, or not yours.",
        403,
    )
    parts = (token or "").split(".")
    if len(parts) != 3 or not parts[0].isdecimal():
        raise bad
    link = db.get(ApprovalLink, int(parts[0]))
    if (
        link is None
        or not hmac.compare_digest(link.nonce, parts[1])
        or not hmac.compare_digest(_signature(settings, link), parts[2])
        or link.user_id != user.id
        or link.used_at is not None
    ):
        raise bad
    return get_notice(db, link.notice_id), link


# ---- approving, ending --------------------------------------------------------------------------------------


def approve(
    db: Session, notice: EmergencyNotice, user: User, via: str = "web", link: ApprovalLink | None = None
) -> bool:
    """Record ``user``'s approval; True when it is the second (the caller then submits the dispatch job)."""
    reason = why_not(notice, user)
    if reason:
        raise UserError(*reason, 403)
    now = utcnow()
    if notice.expires_at <= now:
        raise UserError("Thông báo đã hết hiệu lực trước khi được duyệt.", "The notice expired before approval.", 409)
    notice.approvals.append(NoticeApproval(user=user, via=via, created_at=now))
    if link is not None:
        link.used_at = now
    if len(notice.approvals) < NEEDED:
        db.flush()
        return False
    item = notice.item
    if item.state == "review":  # a text written for the notice: the two approvals are its review
        item.state, item.approved_by, item.approved_at, item.approved_version = "approved", user, now, item.version
        names = ", ".join(a.user.full_name or a.user.username for a in notice.approvals)
        item.reviews.append(
            ItemReview(reviewer=user, decision="approve", version=item.version, note=f"Thông báo khẩn, duyệt: {names}")
        )
    notice.state, notice.approved_at = "sending", now
    db.flush()
    return True


def end_notice(db: Session, notice: EmergencyNotice, user: User | None, now: datetime | None = None) -> EmergencyNotice:
    """End a notice: the banner goes, and the playlists drop it. ``user`` None: its expiry."""
    if user is not None:
        _need(user, WRITERS + ("leader",))
    if notice.state == "ended":
        raise UserError("Thông báo đã kết thúc.", "The notice has ended already.", 409)
    now = now or utcnow()
    notice.state, notice.ended_at, notice.ended_by_id = "ended", now, user.id if user else None
    channels.end_emergency(db, notice.item, now)
    db.flush()
    return notice


def expire_due(db: Session, now: datetime | None = None) -> int:
    """End the notices whose expiry has passed (the periodic job)."""
    now = now or utcnow()
    due = db.scalars(
        select(EmergencyNotice).where(
            EmergencyNotice.state.in_(("sending", "active")), EmergencyNotice.expires_at <= now
        )
    )
    return sum(1 for n in list(due) if end_notice(db, n, None, n.expires_at))


def current(db: Session, now: datetime | None = None) -> list[EmergencyNotice]:
    """The notices in force now (the banner)."""
    now = now or utcnow()
    rows = db.scalars(
        select(EmergencyNotice)
        .where(EmergencyNotice.state.in_(("sending", "active")), EmergencyNotice.expires_at > now)
        .order_by(EmergencyNotice.id)
    )
    return list(rows)


def public_path(notice: EmergencyNotice) -> str:
    return f"/khan-cap/{notice.id}"


def public_notice(db: Session, notice_id: int) -> EmergencyNotice:
    """A notice the public may read: approved (in force or ended), else 404."""
    try:
        notice = get_notice(db, notice_id)
    except UserError:
        notice = None
    if notice is None or notice.approved_at is None:
        raise UserError("Không tìm thấy thông báo khẩn.", "Emergency notice not found.", 404)
    return notice


# ---- what the dispatch job does -------------------------------------------------------------------------------


def target_communes(db: Session, notice: EmergencyNotice) -> list:
    b = channels.broadcast_of(db, notice.item)
    if b is not None and b.level == "emergency":
        return channels.emergency_communes(db, b)
    return [
        c
        for c in channels.list_communes(db)
        if notice.scope == "province"
        or (notice.scope == "districts" and c.district in notice.districts)
        or (notice.scope == "communes" and c.id in notice.commune_ids)
    ]


def place(db: Session, settings: Settings, notice: EmergencyNotice) -> int:
    """Render the loudspeaker audio once and put the notice first into every targeted commune's playlist; returns
    how many communes it reaches."""
    item = notice.item
    if channels.speech.espeak_available() and channels.recording_of(item) is None:
        channels.speech_file(settings, item)
    channels.place_emergency(
        db,
        item,
        notice.scope,
        notice.districts,
        notice.commune_ids,
        notice.expires_at,
        notice.repeat_minutes,
        now=notice.approved_at,
    )
    notice.placed_at, notice.state = utcnow(), "active"
    db.flush()
    return len(target_communes(db, notice))


def publish(db: Session, notice: EmergencyNotice, base_url: str) -> dict:
    """The notice on the portal (first in its RSS/Atom feeds: it is the newest item) and as social-media text."""
    item = notice.item
    portals = channels.portal_channels(db)
    for channel in portals:
        if not any(s.channel_id == channel.id and s.status == "published" for s in item.schedules):
            slot = content.schedule(db, item, notice.created_by, channel, utcnow())
            content.publish(db, item, None, slot=slot)
    url = base_url.rstrip("/") + public_path(notice)
    return {
        "portals": len(portals),
        "social": [{"label": s.label, "text": s.text, "fits": s.fits} for s in channels.social_texts(item, url)],
    }


def tell_subscribers(db: Session, notice: EmergencyNotice) -> int:
    """Through the hook ``emergency_notice``: the tiplines send it to subscribers of the targeted districts."""
    codes = sorted({c.district_code for c in target_communes(db, notice) if c.district_code})
    if not codes:
        return 0
    text = f"THÔNG BÁO KHẨN: {notice.item.title}\n{notice.item.body}"
    return sum(r or 0 for r in hooks.call().emergency_notice(db=db, districts=codes, text=text))


def tell_agencies(db: Session, settings: Settings, notice: EmergencyNotice, base_url: str) -> dict:
    """Each active agency gets an in-app notice, and an e-mail when SMTP is set and it has an address."""
    agencies = list(db.scalars(select(Agency).where(Agency.active.is_(True))))
    told = {a.agency_id for a in db.scalars(select(AgencyNotice).where(AgencyNotice.notice_id == notice.id))}
    emailed = 0
    for agency in agencies:
        if agency.id in told:
            continue
        row = AgencyNotice(notice_id=notice.id, agency_id=agency.id)
        if settings.smtp_host and agency.email:
            try:
                with mail.connect(settings) as server:
                    server.send_message(
                        mail.message(
                            settings,
                            agency.email,
                            f"[Loa] THÔNG BÁO KHẨN: {notice.item.title}",
                            f"{notice.item.title}\n\n{notice.item.body}\n\n{base_url.rstrip('/')}{public_path(notice)}",
                        )
                    )
                row.emailed, emailed = True, emailed + 1
            except mail.ERRORS as exc:
                row.error = str(exc)[:500]
        db.add(row)
    db.flush()
    return {"agencies": len(agencies), "emailed": emailed}


def quick_report(db: Session, notice: EmergencyNotice, province: str) -> documents.Document:
    """The "Báo cáo nhanh" upward, in administrative layout, for signature."""
    item = notice.item
    communes = target_communes(db, notice)
    where = {
        "province": f"toàn tỉnh ({len(communes)} xã, phường, thị trấn)",
        "districts": f"các huyện {', '.join(notice.districts)} ({len(communes)} xã, phường, thị trấn)",
        "communes": ", ".join(c.name for c in communes),
    }[notice.scope]
    approved = ", ".join(
        f"{a.user.full_name or a.user.username} ({vn_datetime(a.created_at.astimezone(LOCAL))})"
        for a in notice.approvals
    )
    blocks = [
        documents.Paragraph(
            f"Thực hiện chỉ đạo về thông tin khi có tình huống khẩn cấp, Ban Chỉ đạo tỉnh {province} "
            "báo cáo nhanh như sau:"
        ),
        documents.Heading("1. Tình hình", 2),
        documents.Paragraph(item.body),
        documents.Heading("2. Thông tin đã phát đi", 2),
        documents.Paragraph(
            f"Thông báo khẩn “{item.title}” được duyệt lúc "
            f"{vn_datetime((notice.approved_at or utcnow()).astimezone(LOCAL))} (người duyệt: {approved}); phát "
            f"trên hệ thống loa truyền thanh cơ sở tại {where}, nhắc lại mỗi {notice.repeat_minutes} phút đến "
            f"{vn_datetime(notice.expires_at.astimezone(LOCAL))}; đăng trên cổng thông tin điện tử, nguồn tin "
            "RSS/Atom và mạng xã hội; gửi tới người đăng ký nhận tin và các cơ quan, đơn vị."
        ),
        documents.Heading("3. Đề xuất", 2),
        documents.Paragraph("Tiếp tục theo dõi, cập nhật tình hình và báo cáo kịp thời khi có diễn biến mới."),
    ]
    return documents.Document(
        title="BÁO CÁO NHANH",
        subtitle=f"Về thông tin tình huống khẩn cấp: {item.title}",
        issuer=[f"TỈNH ỦY {province.upper()}", "BAN TUYÊN GIÁO"],
        number="…-BC/BTGTU",
        place=province,
        date=local_day(notice.approved_at or utcnow()),
        blocks=blocks,
        recipients=["Ban Tuyên giáo Trung ương (để báo cáo)", "Ban Thường vụ Tỉnh ủy (để báo cáo)", "Lưu VT"],
        signature=documents.Signature("TRƯỞNG BAN", on_behalf="T/M BAN THƯỜNG VỤ"),
    )


def notices_for(db: Session, user: User) -> list[EmergencyNotice]:
    """The notices in force that the user's agency was told of (the in-app notice)."""
    if user.agency_id is None:
        return []
    told = select(AgencyNotice.notice_id).where(AgencyNotice.agency_id == user.agency_id)
    return [n for n in current(db) if n.id in set(db.scalars(told))]


def report_file(db: Session, notice: EmergencyNotice, fmt: str):
    """The quick report (a JobFile of the dispatch job) in ``fmt``, or a 404 while it is not made."""
    found = None
    if fmt in REPORT_MEDIA and notice.job_id:
        found = db.scalar(
            select(JobFile).where(
                JobFile.job_id == notice.job_id, JobFile.role == "output", JobFile.name == f"bao-cao-nhanh.{fmt}"
            )
        )
    if found is None:
        raise UserError("Báo cáo nhanh chưa được soạn.", "The quick report is not drafted yet.", 404)
    return found

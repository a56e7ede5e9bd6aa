"""The one job that sends an approved emergency notice everywhere, and the minute check that ends expired ones."""

from __future__ import annotations

from loa import documents
from loa.config import Settings
from loa.db import session_scope
from loa.emergency import service
from loa.jobs.registry import periodic, task
from loa.jobs.runner import JobContext

LABELS = {
    "communes": ("Xã đã nhận vào danh sách phát", "Communes with the notice in their playlist"),
    "subscribers": ("Người đăng ký nhận tin", "Subscribers"),
    "agencies": ("Cơ quan được báo", "Agencies told"),
}


@task("emergency.dispatch", "Phát thông báo khẩn", "Emergency notice dispatch", LABELS)
def dispatch(ctx: JobContext, notice_id: int, base_url: str) -> dict:
    """Loudspeakers first (audio rendered once, placed in every targeted commune), then the portal and its feeds,
    social text, the tiplines' subscribers, the agencies and the quick report (DOCX and PDF). Each step is
    committed on its own and skips what an earlier attempt did, so a retried job finishes the rest."""
    with ctx.session() as db:
        notice = service.get_notice(db, notice_id)
        if notice.state == "ended":
            return {"message": "Thông báo đã kết thúc trước khi phát đi.", "url": f"/emergency/{notice_id}"}
        communes = len(service.target_communes(db, notice))
        if notice.placed_at is None:
            communes = service.place(db, ctx.settings, notice)
    ctx.progress(0.4, f"Đã đưa vào danh sách phát của {communes} xã.", force=True, communes=communes)
    with ctx.session() as db:
        notice = service.get_notice(db, notice_id)
        outputs = dict(notice.outputs or {})
        if "social" not in outputs:
            outputs.update(service.publish(db, notice, base_url))
            notice.outputs = outputs
    with ctx.session() as db:
        notice = service.get_notice(db, notice_id)
        outputs = dict(notice.outputs)
        if "subscribers" not in outputs:
            outputs["subscribers"] = service.tell_subscribers(db, notice)
            notice.outputs = outputs
    with ctx.session() as db:
        notice = service.get_notice(db, notice_id)
        outputs = {**notice.outputs, **service.tell_agencies(db, ctx.settings, notice, base_url)}
        notice.outputs = outputs
        doc = service.quick_report(db, notice, ctx.settings.province)
    ctx.progress(0.8, "Đang soạn báo cáo nhanh…", force=True, subscribers=outputs["subscribers"])
    for fmt, media in service.REPORT_MEDIA.items():
        ctx.output(f"bao-cao-nhanh.{fmt}", media, documents.to_docx(doc) if fmt == "docx" else documents.to_pdf(doc))
    return {
        "message": f"Đã phát thông báo khẩn tới {communes} xã, {outputs['subscribers']} người đăng ký và "
        f"{outputs['agencies']} cơ quan; báo cáo nhanh (DOCX, PDF) ở bên dưới.",
        "url": f"/emergency/{notice_id}",
        "communes": communes,
        "subscribers": outputs["subscribers"],
        "agencies": outputs["agencies"],
    }


@task(
    "emergency.ask_approval",
    "Gửi thư xin duyệt thông báo khẩn",
    "Emergency approval requests",
    {"emailed": ("Người duyệt đã nhận thư", "Approvers e-mailed")},
)
def ask_approval(ctx: JobContext, notice_id: int, base_url: str) -> dict:
    """E-mail each approver their own one-click link, once (a retried job sends nothing again)."""
    url = f"/emergency/{notice_id}"
    with ctx.session() as db:
        notice = service.get_notice(db, notice_id)
        if notice.state != "pending":
            return {"message": "Thông báo không còn chờ duyệt.", "url": url}
        done = (notice.outputs or {}).get("approval_mail") or service.mail_approvers(db, ctx.settings, notice, base_url)
    return {
        "message": f"Đã gửi thư xin duyệt tới {done['emailed']} trong {done['approvers']} người duyệt"
        f" ({done['no_address']} người chưa có địa chỉ thư, {done['failed']} thư không gửi được).",
        "url": url,
        **done,
    }


@periodic("emergency.expire", "every 1m", "Kết thúc thông báo khẩn hết hiệu lực", "End expired emergency notices")
def expire(settings: Settings) -> str:
    """Playlists and the banner already ignore an expired notice; this records its end."""
    with session_scope(settings.db_url, source="job") as db:
        ended = service.expire_due(db)
    return f"{ended} thông báo hết hiệu lực."

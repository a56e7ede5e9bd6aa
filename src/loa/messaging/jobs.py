"""The tiplines' background work: sending (one job per reply, or per 50 messages of a fan-out), the minute's
dispatch of answers, corrections and notices, the daily bulletin, and forgetting senders after the retention
period."""

from __future__ import annotations

from loa.config import Settings
from loa.db import session_scope
from loa.jobs.registry import periodic, task
from loa.jobs.runner import JobContext
from loa.messaging import sending, service
from loa.messaging.config import Setup


@task("messaging.send", "Gửi tin nhắn", "Send messages", {"sent": ("Đã gửi", "Sent"), "failed": ("Gửi lỗi", "Failed")})
def send(ctx: JobContext, items: list[dict]) -> dict:
    return sending.deliver(ctx, items)


@periodic(
    "messaging.dispatch",
    "every 1m",
    "Gửi câu trả lời, kết luận kiểm chứng và tin khẩn cấp qua tin nhắn",
    "Send answers, fact-check verdicts and emergency notices by message",
)
def dispatch(settings: Settings) -> str:
    with session_scope(settings.db_url, source="job") as db:
        c = service.dispatch(db, Setup.of(settings))
    return (
        f"{c['answers']} câu trả lời, {c['corrections']} kết luận, {c['notices']} tin khẩn cấp, "
        f"{c['resent']} tin gửi lại; {c['expired']} quá thời hạn nền tảng cho phép"
    )


@periodic(
    "messaging.bulletin",
    "daily 17:00",
    "Gửi bản tin hằng ngày cho người đăng ký",
    "Send the daily bulletin to subscribers",
)
def bulletin(settings: Settings) -> str:
    with session_scope(settings.db_url, source="job") as db:
        c = service.send_bulletins(db, Setup.of(settings))
    return f"Bản tin của {c['districts']} huyện gửi tới {c['sent']} người đăng ký"


@periodic(
    "messaging.retention",
    "daily 03:30",
    "Xóa dữ liệu người gửi tin nhắn quá hạn lưu trữ",
    "Forget tipline senders past the retention period",
)
def retention(settings: Settings) -> str:
    with session_scope(settings.db_url, source="job") as db:
        c = service.retention(db, Setup.of(settings))
    return f"Đã xóa {c['senders']} người gửi, {c['followups']} thông báo chờ, {c['addresses']} địa chỉ của tin gửi lỗi"

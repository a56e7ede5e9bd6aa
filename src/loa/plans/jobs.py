"""Plans' background work: the report upward rendered as a job, and the daily digest of reminders."""

from __future__ import annotations

from loa.clock import parse_day, today_local
from loa.config import Settings
from loa.db import session_scope
from loa.errors import UserError
from loa.jobs.registry import periodic, task
from loa.jobs.runner import JobContext
from loa.plans import service


@task("plans.report", "Báo cáo kết quả thực hiện kế hoạch", "Report on the plan's implementation")
def report(ctx: JobContext, plan_id: int, start: str, end: str, format: str) -> dict:
    """Render the report for [start, end] as PDF or DOCX; the file is downloaded from the job page. Reads only,
    so running it again is harmless."""
    ctx.progress(0.1, "Đang lập báo cáo…", force=True)
    with ctx.session() as db:
        plan = service.get_plan(db, plan_id)
        data = service.render_report(plan, parse_day(start), parse_day(end), format, ctx.settings.province)
        name = service.report_filename(plan, format)
    ctx.output(name, service.REPORT_MEDIA[format], data)
    return {
        "message": f"Đã lập báo cáo {format.upper()} ({len(data) // 1024 + 1} KB): bấm “Tải tệp kết quả”.",
        "url": f"/plans/{plan_id}",
    }


@periodic(
    "plans.digest", "daily 07:00", "Gửi thư nhắc việc kế hoạch cho các cơ quan", "E-mail plan reminders to agencies"
)
def digest(settings: Settings) -> str:
    """E-mail each agency its reminders of the day when SMTP is configured (once a day: a second run sends only
    what the first did not); otherwise count the agencies with reminders, which show in the app."""
    today = today_local()
    with session_scope(settings.db_url, source="job") as db:
        if not settings.smtp_host:
            waiting = len(service.digests(db, today))
            return f"Chưa cấu hình SMTP: {waiting} cơ quan có việc cần nhắc, xem trong ứng dụng (Kế hoạch → Nhắc việc)."
        deliveries = service.send_digests(db, settings, today)
    count = {s: sum(d.status == s for d in deliveries) for s in ("sent", "already_sent", "failed")}
    summary = f"Đã gửi {count['sent']} thư nhắc việc; {count['already_sent']} cơ quan đã nhận thư hôm nay."
    failed = [d for d in deliveries if d.status == "failed"]
    if failed:  # what was sent stays recorded (committed above); the run shows as failed
        names = "; ".join(f"{d.agency} <{d.address}>: {d.error}" for d in failed)
        raise UserError(
            f"{summary} Gửi lỗi {len(failed)} thư: {names}",
            f"Sent {count['sent']} digests; {len(failed)} failed: {names}",
        )
    return summary

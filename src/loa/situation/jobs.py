"""The periodic report's background work: the DOCX/PDF export, and the weekly report drafted and e-mailed."""

from __future__ import annotations

from loa.clock import parse_day
from loa.config import Settings
from loa.db import session_scope
from loa.jobs.registry import periodic, task
from loa.jobs.runner import JobContext
from loa.situation import report


@task("situation.report", "Báo cáo công tác thông tin, tuyên truyền", "Periodic information and communication report")
def export(ctx: JobContext, start: str, end: str, format: str) -> dict:
    """Render the report for [start, end] with the saved draft as PDF or DOCX; reads only, so it may run again."""
    ctx.progress(0.1, "Đang lập báo cáo…", force=True)
    first, last = parse_day(start), parse_day(end)
    with ctx.session() as db:
        data = report.render(db, first, last, format)
    ctx.output(report.filename(first, last, format), report.MEDIA[format], data)
    return {
        "message": f"Đã lập báo cáo {format.upper()} ({len(data) // 1024 + 1} KB): bấm “Tải tệp kết quả”.",
        "url": f"/dieu-hanh/bao-cao?from={start}&to={end}",
    }


@periodic(
    "situation.weekly",
    "daily 07:30",
    "Lập và gửi báo cáo tuần công tác thông tin, tuyên truyền",
    "Draft and e-mail the weekly information and communication report",
)
def weekly(settings: Settings) -> str:
    """Last week's report (Monday to Sunday), drafted and kept, and e-mailed once to the plan's recipients when
    SMTP is set. It runs daily so a missed Monday is made up; a week already sent is not sent again."""
    with session_scope(settings.db_url, source="job") as db:
        return report.send_weekly(db, settings)

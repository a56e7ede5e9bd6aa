"""Statistics imports as background jobs: the check of an uploaded file, whose report (the job's result) is the
preview page where a person accepts warnings, and the confirmed import, all or nothing."""

from __future__ import annotations

from collections.abc import Callable

from loa.auth.models import User
from loa.bulletins import service
from loa.jobs.registry import task
from loa.jobs.runner import JobContext

LABELS = {
    "rows": ("Dòng đã kiểm tra", "Rows checked"),
    "total": ("Tổng số dòng", "Rows in the file"),
    "errors": ("Lỗi phải sửa", "Errors to fix"),
    "warnings": ("Cảnh báo", "Warnings"),
    "values": ("Giá trị trong tệp", "Values in the file"),
    "stored": ("Giá trị đã lưu", "Values stored"),
}


def chosen_mode(mode: str) -> str | None:
    """The form's mode: "auto" lets the file tell."""
    return None if mode == "auto" else mode


def _checking(ctx: JobContext, share: float) -> Callable[[int, int], None]:
    """A progress callback for ``importer.analyse``, filling ``share`` of the bar."""

    def report(done: int, total: int) -> None:
        ctx.progress(
            share * done / max(total, 1),
            f"Đã kiểm tra {done}/{total} dòng.",
            force=done == total,
            rows=done,
            total=total,
        )

    return report


@task("bulletins.check", "Kiểm tra tệp số liệu", "Statistics file check", LABELS)
def check_file(ctx: JobContext, filename: str, mode: str = "auto", metric: str = "cases") -> dict:
    """Read and check an uploaded file; nothing is stored. The report leads to the preview page."""
    _name, content = ctx.input()
    ctx.progress(0.0, "Đang đọc tệp…", force=True)
    with ctx.session() as db:
        analysis, earlier = service.preview(
            db,
            content,
            filename,
            chosen_mode(mode),
            metric,
            service.home_code(ctx.settings.province),
            _checking(ctx, 0.95),
        )
    report = analysis.summary()
    ctx.progress(force=True, errors=len(analysis.errors), warnings=len(analysis.warnings), values=report["values"])
    if earlier:
        message = f"Tệp này đã được nhập (lần nhập #{earlier.id}); không có gì thay đổi."
    else:
        message = (
            f"Đã kiểm tra tệp: {len(analysis.errors)} lỗi phải sửa, {len(analysis.warnings)} cảnh báo. "
            "Xem kết quả để chấp nhận cảnh báo và xác nhận nhập."
        )
    return {
        "message": message,
        "url": f"/bulletins/import/{ctx.job_id}",
        "report": report,
        "already_imported": earlier.id if earlier else None,
    }


@task("bulletins.import", "Nhập số liệu dịch", "Statistics import", LABELS)
def import_file(
    ctx: JobContext, filename: str, mode: str = "auto", metric: str = "cases", accept: list[str] | str = ()
) -> dict:
    """Check the file again and store it in one transaction once it has no error and every warning is accepted
    (``accept``: the accepted problem ids, or "all"). The same bytes imported again change nothing."""
    _name, content = ctx.input()
    ctx.progress(0.0, "Đang đọc tệp…", force=True)
    with ctx.session() as db:
        analysis, earlier = service.preview(
            db,
            content,
            filename,
            chosen_mode(mode),
            metric,
            service.home_code(ctx.settings.province),
            _checking(ctx, 0.8),
        )
        # the last progress write before this transaction writes (SQLite lets one connection write at a time)
        ctx.progress(
            0.85, "Đang lưu số liệu…", force=True, errors=len(analysis.errors), warnings=len(analysis.warnings)
        )
        user = db.get(User, ctx.user_id) if ctx.user_id else None
        record, created = service.store(db, analysis, earlier, True if accept == "all" else set(accept), user)
        result = {
            "import_id": record.id,
            "created": created,
            "points": record.points,
            "report": analysis.summary(),
            "url": f"/bulletins?imported={record.id}",
        }
    if created:
        ctx.progress(force=True, stored=record.points)
        message = f"Đã nhập {record.points} giá trị (lần nhập #{record.id})."
    else:
        message = f"Tệp này đã được nhập (lần nhập #{record.id}); không có gì thay đổi."
    return {"message": message, **result}

"""The bulk FAQ import as a background job: all or nothing, a fault named by its line, known entries skipped."""

from __future__ import annotations

from loa.answers import service, transfer
from loa.auth.models import User
from loa.config import Settings
from loa.jobs.registry import periodic, task, warmup
from loa.jobs.runner import JobContext

LABELS = {
    "rows": ("Mục đã kiểm tra", "Entries checked"),
    "total": ("Số mục trong tệp", "Entries in the file"),
    "created": ("Mục mới", "New entries"),
    "skipped": ("Mục đã có, bỏ qua", "Already present, skipped"),
}


@task("answers.import", "Nhập hỏi đáp từ tệp", "Import questions and answers from a file", LABELS)
def import_file(ctx: JobContext, filename: str, status: str = "draft") -> dict:
    """Import a CSV, XLSX or UIT-ViCoV19QA file in one transaction; its entries arrive unapproved (a reviewer
    other than the importer approves each)."""
    _name, data = ctx.input()
    ctx.progress(0.0, "Đang đọc tệp…", force=True)
    records = transfer.read_file(filename, data)
    ctx.progress(0.1, f"Đã đọc {len(records)} mục; đang kiểm tra…", force=True, total=len(records))

    def checking(done: int, total: int) -> None:
        # the last call comes before anything is written (SQLite lets one connection write at a time)
        last = done == total
        ctx.progress(
            0.1 + 0.7 * done / total,
            "Đã kiểm tra xong; đang lưu…" if last else f"Đã kiểm tra {done}/{total} mục.",
            force=last,
            rows=done,
        )

    with ctx.session() as db:
        author = db.get(User, ctx.user_id) if ctx.user_id else None
        counts = transfer.import_records(db, records, author=author, status=status, progress=checking)
    ctx.progress(force=True, **counts)
    return {
        "message": f"Đã nhập {counts['created']} mục mới, bỏ qua {counts['skipped']} mục đã có.",
        "url": "/answers",
        **counts,
    }


@periodic("answers.index", "every 1m", "Cập nhật chỉ mục hỏi đáp", "Rebuild the FAQ index")
def rebuild(settings: Settings) -> str:
    """Build and store the FAQ index when the approved entries changed (citizens meanwhile get the previous one)."""
    return "đã dựng lại" if service.rebuild_index(settings) else "không đổi"


@warmup
def warm(settings: Settings) -> None:
    service.warm(settings)

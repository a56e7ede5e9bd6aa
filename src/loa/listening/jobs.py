"""Listening's background work: uploads and feed files imported as jobs, the insights report rendered as a job,
and the periodic poll, retention and alert detection."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from sqlalchemy import select

from loa.clock import today_local
from loa.config import Settings
from loa.db import session_scope
from loa.jobs import service as jobs
from loa.jobs.models import Job, JobFile
from loa.jobs.registry import periodic, task
from loa.jobs.runner import WORKER, Cancelled, JobContext
from loa.listening import chunks, service
from loa.listening import report as insights
from loa.listening.config import ListeningSettings
from loa.listening.models import ImportJob

LABELS = {
    "rows": ("Dòng đã xử lý", "Rows processed"),
    "total": ("Tổng số dòng", "Rows in the file"),
    "added": ("Bài mới", "New stories"),
    "reposts": ("Bài đăng lại", "Reposts"),
    "already_seen": ("Đã có từ trước", "Already stored"),
    "skipped": ("Bỏ qua (không còn chữ, hoặc cũ hơn thời hạn lưu giữ)", "Skipped (no text left, or past retention)"),
}


@task("listening.import", "Nhập bài đăng để lắng nghe", "Listening import", LABELS)
def import_file(ctx: JobContext, filename: str, mapping: dict | None = None, platform: str = "") -> dict:
    """The upload is raw text that may hold phone numbers and the like: it is dropped once the import ends (done,
    failed or cancelled); only a killed import keeps it, to be resumed."""
    try:
        return _import_file(ctx, filename, mapping, platform)
    finally:
        ctx.drop_input()


def _import_file(ctx: JobContext, filename: str, mapping: dict | None, platform: str) -> dict:
    """Validate an export (every row, before anything is stored), then ingest it batch by batch. Run again
    after a crash or a cancel, it resumes after the last committed batch. Helper jobs prepare the chunks ahead
    on other workers (``loa.listening.chunks``); this job merges them in file order. It commits as it goes: the
    one exception to the request-commits rule, see ``loa.listening.imports``."""
    _name, data = ctx.input()
    with ctx.session() as db:
        if service.file_format(filename, data) == "feed":
            stats = service.import_feed_bytes(db, data).as_dict()
            ctx.progress(1.0, force=True, **{k: v for k, v in stats.items() if k in LABELS})
            return {"message": f"Đã nhập tệp nguồn tin: {stats.get('added', 0)} bài mới.", "url": "/listening", **stats}
        imp = service.start_import(db, data, filename, mapping or None, platform)
        db.commit()
        total = sum(1 for _ in service.read_rows(data, imp.mapping.get("_format", "csv")))
        cfg = ListeningSettings()
        helpers = min(cfg.prepare_jobs, chunks.chunk_count(total - imp.position, cfg.chunk_size) - 1)
        shared = None
        # with an immediate queue a helper would run here and now, before the import: nothing to share
        if imp.status != "done" and helpers > 0 and ctx.settings.broker_url != "immediate":
            for _ in range(helpers):
                jobs.submit(db, ctx.settings, "listening.prepare", params={"job_id": ctx.job_id, "import_id": imp.id})
            db.commit()
            shared = chunks.Shared(ctx.settings.db_url, imp, data, total, cfg.chunk_size)

        def report(job: ImportJob) -> None:
            ctx.progress(
                job.position / total, f"Đã xử lý {job.position}/{total} dòng.", force=True, **_counts(job, total)
            )

        try:
            service.run_import(db, imp, data, cfg, progress=report, prepared=shared)
        except Cancelled:
            imp.status = "failed"
            imp.error = f"Đã hủy sau dòng {imp.position}; tải lại cùng tệp để nhập tiếp phần còn lại."
            db.commit()
            raise Cancelled(
                f"Đã hủy theo yêu cầu. Dữ liệu đã lưu đến lô cuối cùng (dòng {imp.position}/{total}) "
                "được giữ nguyên; tải lại cùng tệp để nhập tiếp phần còn lại."
            ) from None
        chunks.forget(db, imp.id)
        db.commit()
        counts = _counts(imp, total)
        ctx.progress(1.0, force=True, **counts)
        skipped = f", {n} bỏ qua (không còn chữ, hoặc cũ hơn thời hạn lưu giữ)" if (n := counts["skipped"]) else ""
        return {
            "message": f"Đã nhập {imp.position} dòng: {imp.added} bài mới, {imp.reposts} bài đăng lại, "
            f"{imp.duplicates} đã có từ trước{skipped}.",
            "url": f"/listening/sources?job={imp.id}",
            "import_id": imp.id,
            **counts,
        }


def _counts(job: ImportJob, total: int) -> dict:
    return {
        "rows": job.position,
        "total": total,
        "added": job.added,
        "reposts": job.reposts,
        "already_seen": job.duplicates,
        "skipped": job.position - job.added - job.reposts - job.duplicates,  # rows no story came of
    }


@task(
    "listening.prepare",
    "Chuẩn bị bài đăng cho lần nhập",
    "Prepare posts for an import",
    {"chunks": ("Phần đã chuẩn bị", "Chunks prepared")},
)
def prepare_chunks(ctx: JobContext, job_id: int, import_id: int) -> dict:
    """Prepare (scrub, hash, classify) the chunks of import job ``job_id`` that no worker has taken yet, from
    the one after the import's current chunk on, until none is free or the import has ended. Never waits. Not
    in the import's own process: its threads share one interpreter lock, so there it would only slow the import
    down."""
    cfg = ListeningSettings()
    with ctx.session() as db:
        imp = db.get(ImportJob, import_id)
        data = db.scalar(select(JobFile.data).where(JobFile.job_id == job_id, JobFile.role == "input"))
    if data is None:  # the import has ended and dropped its upload
        return {"message": "Lần nhập đã xong, không còn phần nào cần chuẩn bị."}
    count = chunks.chunk_count(
        sum(1 for _ in service.read_rows(data, imp.mapping.get("_format", "csv"))), cfg.chunk_size
    )
    reader, done = chunks.Chunks(imp, data, cfg.chunk_size), 0
    while (start := _first_free(ctx, job_id, import_id, cfg.chunk_size)) is not None:
        if chunks.prepare_next(ctx.settings.db_url, reader, start, count) is None:
            break
        done += 1
        ctx.progress(None, f"Đã chuẩn bị {done} phần ({cfg.chunk_size} dòng mỗi phần).", chunks=done)
    return {"message": f"Đã chuẩn bị {done} phần của lần nhập.", "chunks": done}


def _first_free(ctx: JobContext, job_id: int, import_id: int, size: int) -> int | None:
    """The first chunk a helper may take (the one after the import's current chunk); None when the import has
    ended or runs in this very process."""
    with ctx.session() as db:
        status, worker = db.execute(select(Job.status, Job.worker).where(Job.id == job_id)).one()
        position = db.scalar(select(ImportJob.position).where(ImportJob.id == import_id))
    if status not in ("queued", "running") or worker == WORKER:
        return None
    return position // size + 1


@task("listening.poll", "Lấy tin từ nguồn", "Poll sources")
def poll_sources(ctx: JobContext, source_id: int | None = None, force: bool = False) -> dict:
    with ctx.session() as db:
        results = (
            [service.poll_source(db, service.get_source(db, source_id))] if source_id else service.poll(db, force=force)
        )
    failing = [r for r in results if r["status"] != "ok"]
    return {
        "message": f"Đã lấy {len(results)} nguồn tin, {len(failing)} nguồn lỗi.",
        "url": "/listening/sources",
        "results": results,
    }


@task("listening.report", "Báo cáo lắng nghe dư luận", "Listening insights report")
def render_report(ctx: JobContext, start: str, end: str, format: str, district: str = "", language: str = "") -> dict:
    """The insights report for [start, end] (in a district, a language) as PDF or DOCX, downloaded from the job
    page. Reads only."""
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    ctx.progress(0.1, "Đang lập báo cáo…", force=True)
    with ctx.session() as db:
        data = insights.build(db, first, last, district=district, language=language)
    body = insights.render(data, format, ctx.settings.province)
    ctx.output(insights.filename(first, last, format), insights.MEDIA[format], body)
    query = urlencode(
        {k: v for k, v in (("start", start), ("end", end), ("district", district), ("language", language)) if v}
    )
    return {
        "message": f"Đã lập báo cáo {format.upper()} ({len(body) // 1024 + 1} KB): bấm “Tải tệp kết quả”.",
        "url": f"/listening/report?{query}",
    }


@periodic("listening.poll", "every 5m", "Lấy tin từ các nguồn đến hạn", "Poll due feeds and pages")
def poll_due(settings: Settings) -> str:
    with session_scope(settings.db_url, source="job") as db:
        results = service.poll(db)
    failing = sum(r["status"] != "ok" for r in results)
    return f"{len(results)} nguồn, {failing} lỗi"


@periodic("listening.retention", "daily 02:00", "Xóa văn bản quá hạn lưu giữ", "Delete texts past retention")
def retention(settings: Settings) -> str:
    with session_scope(settings.db_url, source="job") as db:
        result = service.apply_retention(db)
    return ", ".join(f"{k}={v}" for k, v in result.items())


@periodic("listening.alerts", "daily 06:00", "Phát hiện chủ đề tăng bất thường", "Detect rising topics")
def alerts(settings: Settings) -> str:
    with session_scope(settings.db_url, source="job") as db:
        today = today_local()
        raised = service.detect(db, today) + service.detect(db, today - timedelta(days=1))
    return f"{len(raised)} cảnh báo"

"""The job system's own periodic work: forget unconfirmed uploads and old finished jobs."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from loa.clock import utcnow
from loa.config import Settings
from loa.db import session_scope
from loa.jobs.models import FINISHED, Job, JobFile
from loa.jobs.registry import periodic

WAITING_HOURS = 1  # an upload nobody confirmed (e.g. a column mapping left open) is dropped after this
FILES_DAYS = 7  # files of finished jobs (uploads, reports, ZIPs) are kept this long
JOBS_DAYS = 90  # finished jobs themselves


@periodic("jobs.cleanup", "every 1h", "Dọn công việc nền cũ", "Clean up old jobs")
def cleanup(settings: Settings) -> str:
    now = utcnow()
    with session_scope(settings.db_url, source="job") as db:
        waiting = db.execute(
            delete(Job).where(Job.status == "waiting", Job.created_at < now - timedelta(hours=WAITING_HOURS))
        ).rowcount
        old_files = select(Job.id).where(Job.status.in_(FINISHED), Job.finished_at < now - timedelta(days=FILES_DAYS))
        files = db.execute(delete(JobFile).where(JobFile.job_id.in_(old_files))).rowcount
        jobs = db.execute(
            delete(Job).where(Job.status.in_(FINISHED), Job.finished_at < now - timedelta(days=JOBS_DAYS))
        ).rowcount
    return f"{waiting} tải lên chưa xác nhận, {files} tệp, {jobs} công việc cũ đã xóa"

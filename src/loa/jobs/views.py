"""Job pages (progress, cancel, result), the administrators' *Công việc nền* page and the jobs API."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from loa.auth.models import User
from loa.clock import utcnow
from loa.config import Settings
from loa.errors import UserError
from loa.jobs import queue, runner, service
from loa.jobs.models import STATUSES, Job
from loa.jobs.registry import KINDS, PERIODIC
from loa.web.deps import DB, current_user, get_settings, render, require

router = APIRouter()
api = APIRouter(tags=["jobs"])


def _job(db: Session, job_id: int, user: User) -> Job:
    job = service.get_job(db, job_id)
    if not service.visible(job, user):
        raise UserError("Không tìm thấy công việc.", "Job not found.", 404)
    return job


def _context(job: Job) -> dict:
    kind = KINDS.get(job.kind)
    return {
        "job": job,
        "statuses": STATUSES,
        "output": service.output(job),
        "labels": kind.labels if kind else {},
        "title": service.title,
    }


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: int, db: Session = DB, user: User = Depends(current_user)):
    job = _job(db, job_id, user)
    return render(request, "jobs/job.html", _context(job))


@router.get("/jobs/{job_id}/progress")
def job_progress(request: Request, job_id: int, db: Session = DB, user: User = Depends(current_user)):
    return render(request, "jobs/_progress.html", _context(_job(db, job_id, user)))


@router.post("/jobs/{job_id}/cancel")
def job_cancel(job_id: int, db: Session = DB, user: User = Depends(current_user)):
    service.cancel(db, _job(db, job_id, user))
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


@router.get("/jobs/{job_id}/file")
def job_file(job_id: int, db: Session = DB, user: User = Depends(current_user)):
    found = service.output(_job(db, job_id, user))
    if found is None:
        raise UserError("Công việc chưa có tệp kết quả.", "The job has no result file yet.", 404)
    return Response(
        found.data, media_type=found.media_type, headers={"Content-Disposition": f'attachment; filename="{found.name}"'}
    )


@router.get("/admin/jobs")
def admin_jobs(
    request: Request,
    db: Session = DB,
    settings: Settings = Depends(get_settings),
    user: User = Depends(require("admin")),
):
    return render(
        request,
        "jobs/admin.html",
        {
            "jobs": service.recent_jobs(db),
            "statuses": STATUSES,
            "title": service.title,
            "periodic": service.periodic_status(db, settings),
            "health": service.health(db, settings),
        },
    )


@router.post("/admin/jobs/{name}/run")
def admin_run(name: str, settings: Settings = Depends(get_settings), user: User = Depends(require("admin"))):
    if name not in PERIODIC:
        raise UserError("Không có công việc định kỳ này.", "No such periodic job.", 404)
    if not runner.claim_periodic(settings, name, utcnow(), due_only=False):
        raise UserError("Công việc này đang chạy.", "This job is running already.", 409)
    queue.enqueue_periodic(settings, name)
    return RedirectResponse("/admin/jobs", status_code=303)


@api.get("/jobs")
def api_jobs(db: Session = DB, user: User = Depends(current_user)):
    return {"jobs": [service.as_dict(j) for j in service.recent_jobs(db, 200) if service.visible(j, user)]}


@api.get("/jobs/{job_id}")
def api_job(job_id: int, db: Session = DB, user: User = Depends(current_user)):
    return service.as_dict(_job(db, job_id, user))


@api.post("/jobs/{job_id}/cancel")
def api_cancel(job_id: int, db: Session = DB, user: User = Depends(current_user)):
    return service.as_dict(service.cancel(db, _job(db, job_id, user)))

"""The job page in a real browser: the progress bar follows the job through HTMX polling, without reloads,
up to the result link; cancel from the page."""

from __future__ import annotations

import pytest

from loa.db import utcnow
from loa.jobs.models import Job
from tests.conftest import ARTIFACTS, browser_login

pytestmark = pytest.mark.browser


def test_progress_bar_follows_the_job_to_its_result(live_server, page, db, people):
    job = Job(
        kind="listening.import",
        title="Nhập bài đăng để lắng nghe",
        params={},
        status="running",
        progress=0.3,
        message="Đã xử lý 150/500 dòng.",
        counts={"rows": 150, "total": 500},
        created_by_id=people["coordinator"].id,
        heartbeat_at=utcnow(),
    )
    db.add(job)
    db.commit()
    browser_login(page, live_server, "coordinator")
    page.goto(f"{live_server}/jobs/{job.id}")
    assert page.locator("[data-testid=job-percent]").inner_text() == "30%"
    assert "Dòng đã xử lý" in page.locator("#job-progress").inner_text()
    page.evaluate("window.loaded_once = true")  # gone if the page were reloaded
    job.progress, job.counts, job.message = 0.8, {"rows": 400, "total": 500}, "Đã xử lý 400/500 dòng."
    db.commit()
    page.wait_for_selector("[data-testid=job-percent]:text('80%')", timeout=10000)
    job.status, job.progress, job.result, job.message = "done", 1.0, {"url": "/listening/sources"}, "Đã nhập 500 dòng."
    db.commit()
    page.wait_for_selector("[data-testid=job-result]", timeout=10000)
    assert page.evaluate("window.loaded_once") is True
    assert page.locator("[data-testid=job-status]").inner_text() == "Hoàn thành"
    assert page.locator("[data-testid=job-cancel]").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "job-page.png"), full_page=True)
    page.click("[data-testid=job-result]")
    page.wait_for_url("**/listening/sources")


def test_cancel_from_the_job_page(live_server, page, db, people):
    job = Job(
        kind="listening.import",
        title="Nhập bài đăng để lắng nghe",
        params={},
        status="running",
        progress=0.1,
        created_by_id=people["coordinator"].id,
        heartbeat_at=utcnow(),
    )
    db.add(job)
    db.commit()
    browser_login(page, live_server, "coordinator")
    page.goto(f"{live_server}/jobs/{job.id}")
    page.click("[data-testid=job-cancel]")
    page.wait_for_selector("[data-testid=job-message]:text('Đang hủy')")
    db.expire_all()
    assert db.get(Job, job.id).cancel_requested is True

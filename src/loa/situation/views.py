"""The situation room (/dieu-hanh), the periodic report's draft and export (/dieu-hanh/bao-cao), and the report as
JSON for the level above (/api/v1/reports/periodic). Thin: parse the period, call ``service.collect``, render."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from loa import formats
from loa.auth.models import User
from loa.clock import parse_day, today_local
from loa.config import Settings
from loa.errors import UserError
from loa.i18n import N_, translator
from loa.jobs import service as jobs
from loa.situation import charts, report, service, summary
from loa.situation.schemas import PeriodicReport
from loa.web.deps import DB, FORM, get_settings, lang, render, require

router = APIRouter()
api = APIRouter(tags=["situation"])
SEE = ("leader", "coordinator")  # who may open the room and export the report (administrators always)
EDIT = ("coordinator",)  # who may edit the report's draft


def period(start: str | None, end: str | None) -> tuple[date, date]:
    """The period a form or query asks for; this week so far by default."""
    first, last = service.default_period(today_local())
    if start or end:
        last = parse_day(end, today_local())
        first = parse_day(start, last - timedelta(days=6))
    report.check_period(first, last)
    return first, last


def shortcuts(today: date) -> list[tuple[str, date, date]]:
    """Quick periods: this week, last week, this month, last month."""
    monday = today - timedelta(days=today.weekday())
    month = today.replace(day=1)
    last_month_end = month - timedelta(days=1)
    return [
        (N_("Tuần này"), monday, today),
        (N_("Tuần trước"), monday - timedelta(days=7), monday - timedelta(days=1)),
        (N_("Tháng này"), month, today),
        (N_("Tháng trước"), last_month_end.replace(day=1), last_month_end),
    ]


def districts(data: dict) -> list[dict]:
    """The per-district grid: each district's figures this period and the previous one (plan completion, items
    heard), from the sections that give them per district."""
    found: dict[str, dict] = {}
    for section, key, label, unit in (
        ("plan", "completion_pct", N_("Hoàn thành kế hoạch"), "%"),
        ("listening", "count", N_("Tin dư luận"), ""),
    ):
        now = {r["district"]: r.get(key) for r in (data["sections"].get(section) or {}).get("per_district") or []}
        before = {r["district"]: r.get(key) for r in (data["previous"].get(section) or {}).get("per_district") or []}
        for name in now.keys() | before.keys():
            found.setdefault(name, {"district": name, "cells": []})["cells"].append(
                {
                    "label": label,
                    "now": now.get(name),
                    "before": before.get(name),
                    "unit": unit,
                    "url": (data["sections"].get(section) or {}).get("url", ""),
                }
            )
    return sorted(found.values(), key=lambda d: d["district"])


@router.get("/dieu-hanh")
def room(
    request: Request,
    start: str = Query("", alias="from"),
    end: str = Query("", alias="to"),
    db: Session = DB,
    user: User = Depends(require(*SEE)),
):
    """The leadership's situation room for a period against the previous one."""
    first, last = period(start, end)
    data = service.collect(db, first, last)
    fmt, _ = formats.ForLanguage(lang(request)), translator(lang(request))
    s = data["sections"]
    plan, content = s.get("plan") or {}, s.get("content") or {}
    agency_bars = charts.bars(
        [
            {"label": a["agency"], "value": a.get("completion_pct") or 0, "url": plan.get("url", "")}
            for a in plan.get("per_agency") or []
        ],
        top=100,
        unit="%",
        fmt=fmt,
        title=_("Tỷ lệ hoàn thành theo cơ quan"),
    )
    channel_bars = charts.bars(
        [
            {
                "label": c["channel"],
                "value": c.get("published") or 0,
                "target": c["target"] if isinstance(c.get("target"), (int, float)) else None,
                "url": content.get("url", ""),
            }
            for c in content.get("per_channel") or []
        ],
        fmt=fmt,
        title=_("Tin bài theo kênh"),
    )
    grid = districts(data)
    for d in grid:
        for cell in d["cells"]:
            title = f"{d['district']}: {_(cell['label'])}"
            cell["chart"] = charts.pair(cell["now"], cell["before"], fmt=fmt, unit=cell["unit"], title=title)
    return render(
        request,
        "situation/room.html",
        {
            "data": data,
            "s": s,
            "start": first,
            "end": last,
            "previous": (
                date.fromisoformat(data["previous_period"]["from"]),
                date.fromisoformat(data["previous_period"]["to"]),
            ),
            "rows": summary.headline(data),
            "titles": summary.SECTION_TITLES,
            "shown": summary.shown,
            "agency_bars": agency_bars,
            "channel_bars": channel_bars,
            "grid": grid,
            "shortcuts": shortcuts(today_local()),
            "can_edit": user.has_role(*EDIT),
        },
    )


@router.get("/dieu-hanh/xu-huong")
def trend_fragment(
    request: Request,
    start: str = Query("", alias="from"),
    end: str = Query("", alias="to"),
    db: Session = DB,
    user: User = Depends(require(*SEE)),
):
    """The headline figures over the last periods of equal length, as small multiples (loaded after the page)."""
    first, last = period(start, end)
    trend = report.trends(db, service.collect(db, first, last))
    fmt, _ = formats.ForLanguage(lang(request)), translator(lang(request))
    for x in trend["series"]:
        x["chart"] = charts.line(x["values"], trend["labels"], fmt=fmt, title=_(x["label"]))
    return render(request, "situation/_trends.html", {"trend": trend})


@router.get("/dieu-hanh/bao-cao")
def report_page(
    request: Request,
    start: str = Query("", alias="from"),
    end: str = Query("", alias="to"),
    saved: str = "",
    db: Session = DB,
    user: User = Depends(require(*SEE)),
):
    """The periodic report for a period: its figures and the drafted assessment and direction to edit, then export."""
    first, last = period(start, end) if start or end else report.last_week()
    data = service.collect(db, first, last)
    texts, row = report.texts_for(db, data, first, last)
    return render(
        request,
        "situation/report.html",
        {
            "start": first,
            "end": last,
            "name": report.period_name(first, last),
            "rows": summary.headline(data),
            "shown": summary.shown,
            "groups": report.groups(db, data["sections"]["plan"]) if data["sections"].get("plan") else [],
            "texts": texts,
            "draft": row,
            "keys": summary.DRAFT_KEYS,
            "draft_titles": summary.DRAFT_TITLES,
            "can_edit": user.has_role(*EDIT),
            "saved": bool(saved),
            "shortcuts": shortcuts(today_local()),
        },
    )


def _period_of(form: FormData) -> tuple[date, date]:
    first, last = parse_day(str(form.get("from", "")), None), parse_day(str(form.get("to", "")), None)
    report.check_period(first, last)
    return first, last


@router.post("/dieu-hanh/bao-cao")
def report_save(form: FormData = FORM, db: Session = DB, user: User = Depends(require(*EDIT))):
    """Keep the edited assessment and direction for the period."""
    first, last = _period_of(form)
    report.save_draft(db, first, last, {k: str(form.get(k, "")) for k in summary.DRAFT_KEYS}, user.username)
    return RedirectResponse(f"/dieu-hanh/bao-cao?from={first}&to={last}&saved=1", status_code=303)


@router.post("/dieu-hanh/bao-cao.{fmt}")
def report_export(
    fmt: str,
    form: FormData = FORM,
    db: Session = DB,
    settings: Settings = Depends(get_settings),
    user: User = Depends(require(*SEE)),
):
    """Export the report as DOCX or PDF (a job; its page offers the file). A coordinator's texts in the form are
    saved first, so the export prints what is on the screen."""
    if fmt not in report.MEDIA:
        raise UserError("Định dạng phải là docx hoặc pdf.", "The format must be docx or pdf.", 404)
    first, last = _period_of(form)
    if user.has_role(*EDIT) and any(k in form for k in summary.DRAFT_KEYS):
        report.save_draft(db, first, last, {k: str(form.get(k, "")) for k in summary.DRAFT_KEYS}, user.username)
    job = jobs.submit(
        db,
        settings,
        "situation.report",
        user=user,
        params={"start": first.isoformat(), "end": last.isoformat(), "format": fmt},
    )
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@api.get("/reports/periodic", response_model=PeriodicReport)
def api_periodic(
    start: str = Query("", alias="from", description="First day (YYYY-MM-DD); default: Monday of this week"),
    end: str = Query("", alias="to", description="Last day (YYYY-MM-DD); default: today"),
    db: Session = DB,
    user: User = Depends(require(*SEE)),
):
    """ "Báo cáo công tác thông tin, tuyên truyền phòng, chống dịch" for [from, to] as data, in one schema for every
    province: headline figures with the previous period's (same `section`/`key` everywhere, so they add up), results
    per agency group, the assessment and direction as the coordinator saved them, and each module's section."""
    first, last = period(start, end)
    return report.as_json(db, first, last)

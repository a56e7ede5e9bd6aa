"""Content pages (/content), the publishing calendar (/calendar) and their JSON API."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from fastapi import APIRouter, Depends, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from loa import clock
from loa.auth.models import User
from loa.clock import LOCAL, local_day, local_day_start, today_local, week_start
from loa.config import Settings
from loa.content import service
from loa.content.models import (
    AUDIENCES,
    CHANNEL_KINDS,
    KINDS,
    LANGUAGES,
    SCHEDULE_STATES,
    STATES,
    TONES,
    ContentItem,
    Schedule,
)
from loa.content.schemas import (
    ChannelIn,
    CommentIn,
    ItemIn,
    ItemPatch,
    NoteIn,
    PublishIn,
    RescheduleIn,
    ScheduleIn,
    TargetsIn,
    VariantIn,
)
from loa.content.service import COMMENTERS, REVIEWERS, WRITERS
from loa.errors import UserError
from loa.formats import parse_number
from loa.web.deps import DB, FORM, current_user, get_settings, lang, render, require

router = APIRouter()
api = APIRouter(tags=["content"])

LABELS = {
    "kinds": KINDS,
    "states": STATES,
    "audiences": AUDIENCES,
    "languages": LANGUAGES,
    "tones": TONES,
    "channel_kinds": CHANNEL_KINDS,
    "schedule_states": SCHEDULE_STATES,
}


def page(request: Request, template: str, ctx: dict | None = None, status: int = 200):
    language = lang(request)
    ctx = {**LABELS, **(ctx or {})}
    ctx["lbl"] = lambda mapping, key: mapping[key][0 if language == "vi" else 1] if key in mapping else key
    ctx["writer"] = lambda u: u.has_role(*WRITERS)
    ctx["reviewer"] = lambda u: u.has_role(*REVIEWERS)
    ctx["commenter"] = lambda u: u.has_role(*COMMENTERS)
    ctx["body_html"] = service.body_html
    ctx["local"] = lambda dt: dt.astimezone(LOCAL).strftime("%Y-%m-%dT%H:%M") if dt else ""
    return render(request, template, ctx, status)


def _int(value, default=None):
    value = str(value or "").strip()
    if not value:
        return default
    if not value.isdecimal():
        raise UserError("Giá trị số không hợp lệ.", "Invalid number.")
    return int(value)


def _float(value, label: str) -> float:
    """A percentage as typed, in Vietnamese notation ("12,5", "12,5%")."""
    return float(parse_number(value, label))


def _form_fields(form) -> dict:
    themes = list(form.getlist("themes")) + [t for t in str(form.get("new_themes", "")).split(",") if t.strip()]
    minutes = str(form.get("duration_minutes", "")).strip()
    duration = round(parse_number(minutes, "Thời lượng (phút)") * 60) if minutes else None
    return dict(
        title=str(form.get("title", "")),
        body=str(form.get("body", "")),
        kind=str(form.get("kind", "")),
        themes=themes,
        audiences=list(form.getlist("audiences")),
        channels=[int(c) for c in form.getlist("channels") if str(c).isdecimal()],
        states_health_facts=bool(form.get("states_health_facts")),
        epidemic_related=bool(form.get("epidemic_related")),
        tone=str(form.get("tone", "neutral")),
        duration_seconds=duration,
        source=str(form.get("source", "")),
    )


def to_item(item: ContentItem) -> RedirectResponse:
    """The item's page after a change (``DB`` commits the request's session before this response goes out)."""
    return RedirectResponse(f"/content/{item.id}", status_code=303)


# ---- HTML: items ------------------------------------------------------------------------------------------


@router.get("/content")
def items_page(
    request: Request,
    state: str = "",
    kind: str = "",
    channel: str = "",
    q: str = "",
    db: Session = DB,
    user: User = Depends(current_user),
):
    items = service.list_items(db, state=state or None, kind=kind or None, channel=_int(channel), q=q)
    return page(
        request,
        "content/list.html",
        {
            "items": items,
            "channels": service.list_channels(db),
            "f": {"state": state, "kind": kind, "channel": channel, "q": q},
        },
    )


@router.get("/content/new")
def new_page(request: Request, db: Session = DB, user: User = Depends(require(*WRITERS))):
    return page(
        request,
        "content/form.html",
        {"item": None, "channels": service.list_channels(db), "themes": service.list_themes(db)},
    )


@router.post("/content")
def create(form: FormData = FORM, db: Session = DB, user: User = Depends(require(*WRITERS))):
    fields = _form_fields(form)
    item = service.create_item(db, author=user, language=str(form.get("language", "vi")), **fields)
    return to_item(item)


@router.get("/content/channels")
def channels_page(request: Request, db: Session = DB, user: User = Depends(current_user)):
    return page(request, "content/channels.html", {"channels": service.list_channels(db, active_only=False)})


@router.post("/content/channels")
def channel_create(form: FormData = FORM, db: Session = DB, user: User = Depends(require("coordinator"))):
    service.create_channel(
        db, str(form.get("name", "")), str(form.get("kind", "")), description=str(form.get("description", ""))
    )
    return RedirectResponse("/content/channels", status_code=303)


@router.post("/content/channels/{channel_id}/targets")
def channel_targets(
    channel_id: int, form: FormData = FORM, db: Session = DB, user: User = Depends(require("coordinator"))
):
    service.set_targets(
        service.get_channel(db, channel_id),
        _float(form.get("epidemic_min_pct"), "Về dịch tối thiểu %"),
        _float(form.get("epidemic_max_pct"), "Về dịch tối đa %"),
        _float(form.get("hopeful_min_pct"), "Tích cực tối thiểu %"),
    )
    return RedirectResponse("/content/channels", status_code=303)


@router.get("/content/balance")
def balance_page(request: Request, week: str = "", db: Session = DB, user: User = Depends(current_user)):
    day = week_start(clock.parse_day(week))
    return page(
        request,
        "content/balance.html",
        {
            "rows": service.balance(db, day),
            "week": day,
            "prev": day - timedelta(days=7),
            "next": day + timedelta(days=7),
        },
    )


@router.get("/content/attachments/{attachment_id}")
def attachment_file(
    attachment_id: int, db: Session = DB, user: User = Depends(current_user), settings: Settings = Depends(get_settings)
):
    att = service.get_attachment(db, attachment_id)
    return FileResponse(service.attachment_path(settings, att), media_type=att.media_type, filename=att.filename)


@router.get("/content/{item_id}")
def item_page(item_id: int, request: Request, db: Session = DB, user: User = Depends(current_user)):
    item = service.get_item(db, item_id)
    ok, why_vi, why_en = service.can_review(item, user)
    return page(
        request,
        "content/item.html",
        {
            "item": item,
            "channels": service.list_channels(db),
            "can_review": ok,
            "why_not": why_vi if lang(request) == "vi" else why_en,
        },
    )


@router.get("/content/{item_id}/edit")
def edit_page(item_id: int, request: Request, db: Session = DB, user: User = Depends(require(*WRITERS))):
    return page(
        request,
        "content/form.html",
        {
            "item": service.get_item(db, item_id),
            "channels": service.list_channels(db),
            "themes": service.list_themes(db),
        },
    )


@router.post("/content/{item_id}/edit")
def edit(item_id: int, form: FormData = FORM, db: Session = DB, user: User = Depends(require(*WRITERS))):
    item = service.get_item(db, item_id)
    service.update_item(db, item, user, service.ItemChanges(**_form_fields(form)), note=str(form.get("note", "")))
    return to_item(item)


@router.get("/content/{item_id}/diff")
def diff_page(
    item_id: int, request: Request, a: int = 0, b: int = 0, db: Session = DB, user: User = Depends(current_user)
):
    item = service.get_item(db, item_id)
    b = b or item.version
    a = a or max(1, b - 1)
    return page(
        request, "content/diff.html", {"item": item, "a": a, "b": b, "lines": service.diff_versions(item, a, b)}
    )


@router.post("/content/{item_id}/submit")
def submit(item_id: int, request: Request, db: Session = DB, user: User = Depends(require(*WRITERS))):
    return to_item(service.submit(db, service.get_item(db, item_id), user))


@router.post("/content/{item_id}/approve")
def approve(item_id: int, form: FormData = FORM, db: Session = DB, user: User = Depends(require(*REVIEWERS))):
    return to_item(service.approve(db, service.get_item(db, item_id), user, str(form.get("note", ""))))


@router.post("/content/{item_id}/reject")
def reject(item_id: int, form: FormData = FORM, db: Session = DB, user: User = Depends(require(*REVIEWERS))):
    return to_item(service.reject(db, service.get_item(db, item_id), user, str(form.get("note", ""))))


@router.post("/content/{item_id}/return")
def return_to_draft(item_id: int, request: Request, db: Session = DB, user: User = Depends(require(*WRITERS))):
    return to_item(service.return_to_draft(db, service.get_item(db, item_id), user))


@router.post("/content/{item_id}/publish")
def publish(item_id: int, form: FormData = FORM, db: Session = DB, user: User = Depends(require(*WRITERS))):
    """Đăng ngay: publish now on exactly the channels ticked in the form."""
    channels = [int(c) for c in form.getlist("channels") if str(c).isdecimal()]
    return to_item(service.publish(db, service.get_item(db, item_id), user, channels=channels))


@router.post("/content/{item_id}/archive")
def archive(item_id: int, request: Request, db: Session = DB, user: User = Depends(require(*WRITERS))):
    return to_item(service.archive(db, service.get_item(db, item_id), user))


@router.post("/content/{item_id}/comments")
def comment(item_id: int, form: FormData = FORM, db: Session = DB, user: User = Depends(require(*COMMENTERS))):
    item = service.get_item(db, item_id)
    service.add_comment(db, item, user, str(form.get("body", "")))
    return to_item(item)


@router.post("/content/{item_id}/schedule")
def schedule(item_id: int, form: FormData = FORM, db: Session = DB, user: User = Depends(require(*WRITERS))):
    item = service.get_item(db, item_id)
    channel = _int(form.get("channel_id"))
    if channel is None:
        raise UserError("Hãy chọn kênh.", "Choose a channel.")
    service.schedule(db, item, user, channel, clock.parse_local(str(form.get("at", ""))))
    return to_item(item)


@router.post("/content/{item_id}/variants")
def variant(item_id: int, form: FormData = FORM, db: Session = DB, user: User = Depends(require(*WRITERS))):
    v = service.create_variant(
        db,
        service.get_item(db, item_id),
        language=str(form.get("language", "")),
        title=str(form.get("title", "")),
        body=str(form.get("body", "")),
        author=user,
    )
    return to_item(v)


@router.post("/content/{item_id}/attachments")
def attach(
    item_id: int,
    form: FormData = FORM,
    db: Session = DB,
    user: User = Depends(require(*WRITERS)),
    settings: Settings = Depends(get_settings),
):
    upload = form.get("file")
    if not isinstance(upload, UploadFile) and not hasattr(upload, "read"):
        raise UserError("Hãy chọn tệp.", "Choose a file.")
    item = service.get_item(db, item_id)
    service.add_attachment(db, settings, item, user, upload.filename or "", upload.file.read())
    return to_item(item)


@router.post("/content/schedules/{schedule_id}/move")
def move(schedule_id: int, form: FormData = FORM, db: Session = DB, user: User = Depends(require(*WRITERS))):
    slot = service.get_schedule(db, schedule_id)
    service.reschedule(db, slot, user, clock.parse_local(str(form.get("at", ""))), _int(form.get("channel_id")))
    back = str(form.get("next", ""))
    back = back if back.startswith("/") and not back.startswith("//") else f"/content/{slot.item_id}"
    return RedirectResponse(back, status_code=303)


@router.post("/content/schedules/{schedule_id}/cancel")
def cancel(schedule_id: int, request: Request, db: Session = DB, user: User = Depends(require(*WRITERS))):
    slot = service.cancel_schedule(db, service.get_schedule(db, schedule_id), user)
    return RedirectResponse(f"/content/{slot.item_id}", status_code=303)


@router.post("/content/schedules/{schedule_id}/publish")
def publish_slot(schedule_id: int, request: Request, db: Session = DB, user: User = Depends(require(*WRITERS))):
    slot = service.get_schedule(db, schedule_id)
    service.publish(db, slot.item, user, slot=slot)
    return RedirectResponse(f"/content/{slot.item_id}", status_code=303)


# ---- HTML: calendar ---------------------------------------------------------------------------------------


def calendar_range(view: str, day: date) -> tuple[date, date]:
    if view == "month":
        first = day.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1)
        return week_start(first), week_start(last - timedelta(days=1)) + timedelta(days=7)
    start = week_start(day)
    return start, start + timedelta(days=7)


@router.get("/calendar")
def calendar_page(
    request: Request,
    view: str = "week",
    day: str = "",
    channel: str = "",
    db: Session = DB,
    user: User = Depends(current_user),
):
    view = "month" if view == "month" else "week"
    anchor = clock.parse_day(day)
    start, end = calendar_range(view, anchor)
    ch = service.get_channel(db, _int(channel)) if _int(channel) else None
    slots = service.schedules_between(db, local_day_start(start), local_day_start(end), ch)
    days: dict[date, list[Schedule]] = {start + timedelta(days=i): [] for i in range((end - start).days)}
    for s in slots:
        days.setdefault(local_day(s.at), []).append(s)
    if view == "month":
        prev = (anchor.replace(day=1) - timedelta(days=1)).replace(day=1)
        nxt = (anchor.replace(day=1) + timedelta(days=32)).replace(day=1)
    else:
        prev, nxt = start - timedelta(days=7), start + timedelta(days=7)
    return page(
        request,
        "content/calendar.html",
        {
            "view": view,
            "anchor": anchor,
            "start": start,
            "end": end,
            "days": days,
            "channel": ch,
            "channels": service.list_channels(db),
            "prev": prev,
            "next": nxt,
            "today": today_local(),
            "counts": {k: sum(s.status == k for s in slots) for k in ("planned", "published", "missed")},
        },
    )


@router.get("/calendar/{slug}.ics")
def calendar_ics(slug: str, db: Session = DB, user: User = Depends(current_user)):
    channel = service.channel_by_slug(db, slug)
    if channel is None:
        raise UserError("Không tìm thấy kênh.", "Channel not found.", 404)
    return Response(
        service.calendar_ics(db, channel),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="loa-{slug}.ics"'},
    )


@router.get("/lich/{token}.ics")
def calendar_feed(token: str, request: Request, db: Session = DB):
    """A calendar program's subscription: no login, the secret address is the key (revocable); links in the
    events are absolute."""
    feed = service.feed_by_token(db, token)
    return Response(
        service.calendar_ics(db, feed.channel, str(request.base_url)), media_type="text/calendar; charset=utf-8"
    )


def _feeds_page(request: Request, db: Session, user: User, new_url: str = ""):
    return page(
        request,
        "content/feeds.html",
        {
            "feeds": service.list_feeds(db),
            "channels": service.list_channels(db),
            "can_write": user.has_role(*WRITERS),
            "new_url": new_url,
            "base": str(request.base_url).rstrip("/"),
        },
    )


@router.get("/calendar/feeds")
def feeds_page(request: Request, db: Session = DB, user: User = Depends(current_user)):
    """The calendar subscription addresses in use, and a form to make one."""
    return _feeds_page(request, db, user)


@router.post("/calendar/feeds")
def feeds_create(request: Request, form: FormData = FORM, db: Session = DB, user: User = Depends(require(*WRITERS))):
    """A new secret address, shown once: the token is kept only as a hash."""
    _feed, token = service.create_feed(db, user, _int(form.get("channel_id")))
    return _feeds_page(request, db, user, f"{str(request.base_url).rstrip('/')}/lich/{token}.ics")


@router.post("/calendar/feeds/{feed_id}/revoke")
def feeds_revoke(feed_id: int, db: Session = DB, user: User = Depends(require(*WRITERS))):
    service.revoke_feed(db, user, feed_id)
    return RedirectResponse("/calendar/feeds", status_code=303)


# ---- JSON API ---------------------------------------------------------------------------------------------


def item_json(item: ContentItem, full: bool = True) -> dict:
    data = {
        "id": item.id,
        "kind": item.kind,
        "title": item.title,
        "slug": item.slug,
        "state": item.state,
        "language": item.language,
        "master_id": item.master_id,
        "version": item.version,
        "author": item.author.username,
        "audiences": item.audiences,
        "themes": [t.name for t in item.themes],
        "channels": [{"id": c.id, "slug": c.slug, "name": c.name} for c in item.channels],
        "tone": item.tone,
        "epidemic_related": item.epidemic_related,
        "states_health_facts": item.states_health_facts,
        "duration_seconds": item.duration_seconds,
        "source": item.source,
        "approved_by": item.approved_by.username if item.approved_by else None,
        "approved_at": item.approved_at,
        "published_at": item.published_at,
        "updated_at": item.updated_at,
    }
    if full:
        data.update(
            body=item.body,
            variants=[{"id": v.id, "language": v.language, "state": v.state} for v in item.variants],
            schedules=[schedule_json(s) for s in item.schedules],
            comments=[{"user": c.user.username, "body": c.body, "at": c.created_at} for c in item.comments],
            reviews=[
                {
                    "reviewer": r.reviewer.username,
                    "decision": r.decision,
                    "version": r.version,
                    "note": r.note,
                    "at": r.created_at,
                }
                for r in item.reviews
            ],
            attachments=[
                {
                    "id": a.id,
                    "filename": a.filename,
                    "media_type": a.media_type,
                    "size": a.size,
                    "url": f"/content/attachments/{a.id}",
                }
                for a in item.attachments
            ],
        )
    return data


def schedule_json(s: Schedule) -> dict:
    return {
        "id": s.id,
        "item_id": s.item_id,
        "title": s.item.title,
        "channel": s.channel.slug,
        "channel_id": s.channel_id,
        "status": s.status,
        "planned_at": _utc(s.planned_at),
        "published_at": _utc(s.published_at),
        "missed_reason": s.missed_reason,
    }


def _utc(dt: datetime | None) -> datetime | None:
    return dt.astimezone(UTC) if dt else None


def channel_json(c) -> dict:
    return {
        "id": c.id,
        "name": c.name,
        "slug": c.slug,
        "kind": c.kind,
        "active": c.active,
        "epidemic_min_pct": c.epidemic_min_pct,
        "epidemic_max_pct": c.epidemic_max_pct,
        "hopeful_min_pct": c.hopeful_min_pct,
    }


@api.get("/content/items")
def api_items(
    state: str = "",
    kind: str = "",
    channel: str = "",
    language: str = "",
    q: str = "",
    db: Session = DB,
    user: User = Depends(current_user),
):
    items = service.list_items(
        db, state=state or None, kind=kind or None, channel=channel or None, language=language or None, q=q
    )
    return [item_json(i, full=False) for i in items]


@api.post("/content/items", status_code=201)
def api_create(data: ItemIn, db: Session = DB, user: User = Depends(require(*WRITERS))):
    return item_json(service.create_item(db, author=user, **data.model_dump()))


@api.get("/content/items/{item_id}")
def api_item(item_id: int, db: Session = DB, user: User = Depends(current_user)):
    return item_json(service.get_item(db, item_id))


@api.patch("/content/items/{item_id}")
def api_update(item_id: int, data: ItemPatch, db: Session = DB, user: User = Depends(require(*WRITERS))):
    changes = service.ItemChanges(**data.model_dump(exclude_unset=True, exclude={"note"}))
    item = service.update_item(db, service.get_item(db, item_id), user, changes, note=data.note)
    return item_json(item)


@api.post("/content/items/{item_id}/submit")
def api_submit(item_id: int, db: Session = DB, user: User = Depends(require(*WRITERS))):
    return item_json(service.submit(db, service.get_item(db, item_id), user))


@api.post("/content/items/{item_id}/approve")
def api_approve(item_id: int, data: NoteIn, db: Session = DB, user: User = Depends(require(*REVIEWERS))):
    return item_json(service.approve(db, service.get_item(db, item_id), user, data.note))


@api.post("/content/items/{item_id}/reject")
def api_reject(item_id: int, data: NoteIn, db: Session = DB, user: User = Depends(require(*REVIEWERS))):
    return item_json(service.reject(db, service.get_item(db, item_id), user, data.note))


@api.post("/content/items/{item_id}/return")
def api_return(item_id: int, db: Session = DB, user: User = Depends(require(*WRITERS))):
    return item_json(service.return_to_draft(db, service.get_item(db, item_id), user))


@api.post("/content/items/{item_id}/publish")
def api_publish(item_id: int, data: PublishIn | None = None, db: Session = DB, user: User = Depends(require(*WRITERS))):
    """Publish now on ``channels`` (ids or slugs), by default on the item's own channels; planned slots stay."""
    channels = data.channels if data is not None else None
    return item_json(service.publish(db, service.get_item(db, item_id), user, channels=channels))


@api.post("/content/items/{item_id}/archive")
def api_archive(item_id: int, db: Session = DB, user: User = Depends(require(*WRITERS))):
    return item_json(service.archive(db, service.get_item(db, item_id), user))


@api.post("/content/items/{item_id}/comments", status_code=201)
def api_comment(item_id: int, data: CommentIn, db: Session = DB, user: User = Depends(require(*COMMENTERS))):
    c = service.add_comment(db, service.get_item(db, item_id), user, data.body)
    return {"id": c.id, "body": c.body}


@api.post("/content/items/{item_id}/variants", status_code=201)
def api_variant(item_id: int, data: VariantIn, db: Session = DB, user: User = Depends(require(*WRITERS))):
    variant = service.create_variant(db, service.get_item(db, item_id), author=user, **data.model_dump())
    return item_json(variant)


@api.get("/content/items/{item_id}/versions")
def api_versions(item_id: int, db: Session = DB, user: User = Depends(current_user)):
    item = service.get_item(db, item_id)
    return [
        {
            "number": v.number,
            "title": v.title,
            "body": v.body,
            "note": v.note,
            "at": v.created_at,
            "editor": v.editor.username if v.editor else None,
        }
        for v in item.versions
    ]


@api.get("/content/items/{item_id}/diff")
def api_diff(item_id: int, a: int, b: int, db: Session = DB, user: User = Depends(current_user)):
    return [{"mark": m, "line": line} for m, line in service.diff_versions(service.get_item(db, item_id), a, b)]


@api.post("/content/items/{item_id}/schedules", status_code=201)
def api_schedule(item_id: int, data: ScheduleIn, db: Session = DB, user: User = Depends(require(*WRITERS))):
    slot = service.schedule(db, service.get_item(db, item_id), user, data.channel, _aware(data.at))
    return schedule_json(slot)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=LOCAL)


@api.get("/content/channels")
def api_channels(db: Session = DB, user: User = Depends(current_user)):
    return [channel_json(c) for c in service.list_channels(db, active_only=False)]


@api.post("/content/channels", status_code=201)
def api_channel_create(data: ChannelIn, db: Session = DB, user: User = Depends(require("coordinator"))):
    return channel_json(service.create_channel(db, **data.model_dump()))


@api.put("/content/channels/{channel_id}/targets")
def api_targets(channel_id: int, data: TargetsIn, db: Session = DB, user: User = Depends(require("coordinator"))):
    channel = service.get_channel(db, channel_id)
    service.set_targets(channel, data.epidemic_min_pct, data.epidemic_max_pct, data.hopeful_min_pct)
    return channel_json(channel)


@api.get("/content/themes")
def api_themes(db: Session = DB, user: User = Depends(current_user)):
    return [{"id": t.id, "name": t.name, "source": t.source} for t in service.list_themes(db)]


@api.get("/content/balance")
def api_balance(week: str = "", channel: str = "", db: Session = DB, user: User = Depends(current_user)):
    return [b.as_dict() for b in service.balance(db, clock.parse_day(week), channel or None)]


@api.get("/calendar")
def api_calendar(
    start: str = "", end: str = "", channel: str = "", db: Session = DB, user: User = Depends(current_user)
):
    first = clock.parse_day(start)
    last = clock.parse_day(end) if end else first + timedelta(days=7)
    slots = service.schedules_between(db, local_day_start(first), local_day_start(last), channel or None)
    return [schedule_json(s) for s in slots]


@api.patch("/calendar/schedules/{schedule_id}")
def api_reschedule(schedule_id: int, data: RescheduleIn, db: Session = DB, user: User = Depends(require(*WRITERS))):
    slot = service.reschedule(db, service.get_schedule(db, schedule_id), user, _aware(data.at), data.channel)
    return schedule_json(slot)


@api.get("/calendar/channels/{channel}.ics")
def api_ics(channel: str, db: Session = DB, user: User = Depends(current_user)):
    return Response(service.calendar_ics(db, channel), media_type="text/calendar; charset=utf-8")

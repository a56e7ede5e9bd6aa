"""Loudspeaker stations and playlists (/loudspeakers), an item's channel outputs (/channels/items/...),
the public portal (/tin-tuc) with its feeds (/kenh/...), and their JSON API."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from loa import clock
from loa.auth.models import User
from loa.channels import devices, service, speech
from loa.channels.models import LEVELS, SCOPES
from loa.channels.schemas import CommuneIn, SlotIn, TextIn
from loa.channels.service import MANAGERS, RECORDERS
from loa.clock import today_local
from loa.config import Settings
from loa.content import service as content
from loa.content.models import STATES
from loa.errors import UserError
from loa.jobs import service as jobs
from loa.jobs.models import Job
from loa.web.deps import BODY, DB, FORM, current_user, get_settings, lang, optional_user, render, require

router = APIRouter()
api = APIRouter(tags=["channels"])

LANGUAGE_NAMES = {"vi": "Tiếng Việt", "km": "Tiếng Khmer", "en": "Tiếng Anh"}
STATE_NAMES = {
    "ok": "Đang hoạt động",
    "silent": "Im lặng (không phát trong 24 giờ)",
    "offline": "Mất kết nối",
    "none": "Chưa có thiết bị",
}
SOURCE_NAMES = {"speech": "Giọng đọc máy", "recording": "Bản ghi âm", "missing": "Chưa có bản ghi âm"}


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def page(request: Request, template: str, ctx: dict | None = None):
    settings = request.app.state.settings
    region = speech.region_for(settings.province)
    english = lang(request) == "en"
    return render(
        request,
        template,
        {
            "language_names": LANGUAGE_NAMES,
            "source_names": SOURCE_NAMES,
            "state_label": lambda key: STATES.get(key, (key, key))[english],
            "voice_label": speech.VOICE_LABELS[region],
            "voice": speech.VOICES[region],
            "espeak": speech.espeak_available(),
            "article_path": service.article_path,
            "ready": lambda item: service.has_ready_audio(settings, item),
            "body_html": content.body_html,
            "levels": LEVELS,
            "scopes": SCOPES,
            "local": devices.local,
            **(ctx or {}),
        },
    )


def to_job(job: Job) -> RedirectResponse:
    """The job page, where the person follows the work and then downloads or opens its result."""
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def job_ref(job: Job) -> dict:
    return {"job": {"id": job.id, "status": job.status, "url": f"/api/v1/jobs/{job.id}"}}


def _queue_speech(db: Session, settings: Settings, item, fmt: str, user: User | None) -> None:
    """Queue the making of an item's speech unless a job is making it already."""
    params = {"item_id": item.id, "formats": [fmt]}
    busy = db.scalars(select(Job).where(Job.kind == "channels.item_audio", Job.status.in_(("queued", "running"))))
    if not any(j.params == params for j in busy):
        jobs.submit(
            db,
            settings,
            "channels.item_audio",
            params=params,
            user=user,
            title=f"Tạo âm thanh đọc bài: {item.title}"[:200],
        )


def _upload(form: FormData) -> tuple[str, bytes]:
    upload = form.get("file")
    if upload is None or not hasattr(upload, "read"):
        raise UserError("Hãy chọn tệp ghi âm.", "Choose a recording file.")
    return upload.filename or "", upload.file.read()


# ---- HTML: loudspeakers -----------------------------------------------------------------------------------


@router.get("/loudspeakers")
def loudspeakers_page(
    request: Request,
    text: str = "",
    db: Session = DB,
    user: User = Depends(current_user),
    settings: Settings = Depends(get_settings),
):
    spoken = speech.normalize(text[:2000]) if text.strip() else ""
    return page(
        request,
        "channels/loudspeakers.html",
        {
            "communes": service.list_communes(db),
            "text": text[:2000],
            "spoken": spoken,
            "spoken_ready": bool(spoken)
            and service.speech_cache_path(settings, spoken, speech.voice_for(settings.province)).exists(),
            "manager": user.has_role(*MANAGERS),
            "today": today_local(),
            "channels": service.loudspeaker_channels(db),
            "has_register": service.register_data(settings.province) is not None,
        },
    )


@router.post("/loudspeakers/register")
def register_seed(
    db: Session = DB, user: User = Depends(require(*MANAGERS)), settings: Settings = Depends(get_settings)
):
    """Add the province's communes from the shipped register."""
    service.seed_register(db, user, settings.province)
    return RedirectResponse("/loudspeakers", status_code=303)


@router.post("/loudspeakers/communes")
def commune_create(form: FormData = FORM, db: Session = DB, user: User = Depends(require(*MANAGERS))):
    commune = service.create_commune(
        db, user, str(form.get("name", "")), str(form.get("district", "")), list(form.getlist("languages")) or ["vi"]
    )
    return RedirectResponse(f"/loudspeakers/communes/{commune.id}", status_code=303)


@router.get("/loudspeakers/communes/{commune_id}")
def commune_page(
    commune_id: int,
    request: Request,
    date: str = "",
    db: Session = DB,
    user: User = Depends(current_user),
    settings: Settings = Depends(get_settings),
):
    commune = service.get_commune(db, commune_id)
    day = clock.parse_day(date)
    entries = service.daily_playlist(db, commune, day, settings)
    return page(
        request,
        "channels/commune.html",
        {
            "commune": commune,
            "day": day,
            "entries": entries,
            "overflow": service.overflow(entries),
            "devices": devices.list_devices(db, commune),
            "channels": service.loudspeaker_channels(db),
            "unready": sum(not service.has_ready_audio(settings, i) for i in service.audio_items(entries)),
            "manager": user.has_role(*MANAGERS),
            "recorder": user.has_role(*RECORDERS),
        },
    )


@router.post("/loudspeakers/communes/{commune_id}/slots")
def slot_create(commune_id: int, form: FormData = FORM, db: Session = DB, user: User = Depends(require(*MANAGERS))):
    minutes = str(form.get("minutes", "30")).strip()
    if not minutes.isdecimal():
        raise UserError("Thời lượng phải là số phút.", "The length must be a number of minutes.")
    commune = service.get_commune(db, commune_id)
    service.add_slot(db, user, commune, str(form.get("start", "")), int(minutes), str(form.get("label", "")))
    return RedirectResponse(f"/loudspeakers/communes/{commune.id}", status_code=303)


@router.post("/loudspeakers/communes/{commune_id}/channel")
def commune_channel(commune_id: int, form: FormData = FORM, db: Session = DB, user: User = Depends(require(*MANAGERS))):
    """Make a loudspeaker channel the commune's own, or undo it (empty)."""
    commune = service.get_commune(db, commune_id)
    ref = str(form.get("channel_id", "")).strip()
    service.set_commune_channel(db, user, commune, int(ref) if ref.isdecimal() else None)
    return RedirectResponse(f"/loudspeakers/communes/{commune.id}", status_code=303)


@router.post("/loudspeakers/communes/{commune_id}/devices")
def device_create(
    commune_id: int, request: Request, form: FormData = FORM, db: Session = DB, user: User = Depends(require(*MANAGERS))
):
    """A new player of the commune; its key is shown once."""
    poll = str(form.get("poll_seconds", "60")).strip()
    if not poll.isdecimal():
        raise UserError("Chu kỳ hỏi phải là số giây.", "The polling interval must be a number of seconds.")
    commune = service.get_commune(db, commune_id)
    device, key = devices.create_device(db, user, commune, str(form.get("name", "")), int(poll))
    return page(request, "channels/device_key.html", {"device": device, "key": key, "base": base_url(request)})


@router.post("/loudspeakers/devices/{device_id}/key")
def device_key(device_id: int, request: Request, db: Session = DB, user: User = Depends(require(*MANAGERS))):
    device = devices.get_device(db, device_id)
    key = devices.new_key(db, user, device)
    return page(request, "channels/device_key.html", {"device": device, "key": key, "base": base_url(request)})


@router.get("/loudspeakers/devices")
def devices_page(request: Request, days: int = 7, db: Session = DB, user: User = Depends(current_user)):
    """Which communes are offline or silent, and what played where over the last ``days`` days."""
    days = max(1, min(days, 90))
    now = clock.utcnow()
    status = devices.commune_status(db, now)
    return page(
        request,
        "channels/devices.html",
        {
            "status": status,
            "state_names": STATE_NAMES,
            "counts": {k: sum(1 for s in status if s["state"] == k) for k in STATE_NAMES},
            "totals": devices.play_totals(db, now - timedelta(days=days), now),
            "days": days,
        },
    )


@router.post("/loudspeakers/slots/{slot_id}/delete")
def slot_delete(slot_id: int, db: Session = DB, user: User = Depends(require(*MANAGERS))):
    slot = service.get_slot(db, slot_id)
    commune_id = slot.commune_id
    service.remove_slot(db, user, slot)
    return RedirectResponse(f"/loudspeakers/communes/{commune_id}", status_code=303)


@router.get("/loudspeakers/communes/{commune_id}/playlist.m3u")
def playlist_file(
    commune_id: int, request: Request, date: str = "", db: Session = DB, user: User = Depends(current_user)
):
    commune, day = service.get_commune(db, commune_id), clock.parse_day(date)
    entries = service.daily_playlist(db, commune, day, request.app.state.settings)
    text = service.playlist_m3u(commune, day, entries, base_url(request))
    name = f"loa-{content.slugify(commune.name)}-{day:%Y-%m-%d}.m3u"
    return PlainTextResponse(
        text,
        media_type="audio/x-mpegurl; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


PLAYLIST_JOBS = {
    "channels.playlist_audio": "Âm thanh loa xã {name}, ngày {day:%d/%m/%Y}",
    "channels.playlist_zip": "Gói ZIP loa xã {name}, ngày {day:%d/%m/%Y}",
}


def _submit_playlist(db: Session, settings: Settings, kind: str, commune_id: int, date: str, user: User) -> Job:
    commune, day = service.get_commune(db, commune_id), clock.parse_day(date)
    return jobs.submit(
        db,
        settings,
        kind,
        params={"commune_id": commune.id, "day": day.isoformat()},
        user=user,
        title=PLAYLIST_JOBS[kind].format(name=commune.name, day=day),
    )


@router.post("/loudspeakers/communes/{commune_id}/audio")
def playlist_audio(
    commune_id: int,
    form: FormData = FORM,
    db: Session = DB,
    user: User = Depends(current_user),
    settings: Settings = Depends(get_settings),
):
    """Make every audio file of the day's playlist (a job), so that the stations' players get them at once."""
    return to_job(
        _submit_playlist(db, settings, "channels.playlist_audio", commune_id, str(form.get("date", "")), user)
    )


@router.post("/loudspeakers/communes/{commune_id}/bundle")
def playlist_zip(
    commune_id: int,
    form: FormData = FORM,
    db: Session = DB,
    user: User = Depends(current_user),
    settings: Settings = Depends(get_settings),
):
    """The day's playlist with its audio files in a ZIP for a station that plays offline, built by a job; the
    job page offers the file."""
    return to_job(_submit_playlist(db, settings, "channels.playlist_zip", commune_id, str(form.get("date", "")), user))


@router.get("/loudspeakers/audio/{item_id}.{fmt}")
def item_audio(
    item_id: int,
    fmt: str,
    db: Session = DB,
    user: User | None = Depends(optional_user),
    settings: Settings = Depends(get_settings),
):
    """Audio of an approved item, open to the commune's player; drafts only for signed-in staff. Speech not
    made yet is queued as a job and the player is asked to come back (503 with Retry-After)."""
    item = content.get_item(db, item_id)
    if user is None and item.state not in service.LIVE_STATES:
        raise UserError("Không tìm thấy nội dung.", "Content item not found.", 404)
    found = service.ready_audio(settings, item, fmt)
    if found is None:
        if not speech.espeak_available():
            raise UserError(
                "Máy chủ chưa cài espeak-ng nên chưa đọc được văn bản thành tiếng.",
                "espeak-ng is not installed on the server, so text cannot be read aloud.",
                503,
            )
        _queue_speech(db, settings, item, fmt, user)
        return PlainTextResponse(
            "Âm thanh đang được chuẩn bị, xin thử lại sau ít phút. / The audio is being "
            "prepared; try again in a few minutes.",
            status_code=503,
            headers={"Retry-After": "30"},
        )
    path, media_type = found
    return FileResponse(path, media_type=media_type, filename=f"{content.slugify(item.title)}{path.suffix}")


@router.get("/loudspeakers/speak.{fmt}")
def speak_text(
    fmt: str, text: str = "", user: User = Depends(current_user), settings: Settings = Depends(get_settings)
):
    """A try-out of the province's voice made before (``POST /loudspeakers/speak`` makes it)."""
    path = service.speech_cache_path(settings, speech.normalize(text[:2000]), speech.voice_for(settings.province), fmt)
    if not path.exists():
        raise UserError("Chưa có âm thanh đọc thử cho văn bản này.", "This text has not been read aloud yet.", 404)
    return FileResponse(path, media_type=service.AUDIO_TYPES[fmt])


@router.post("/loudspeakers/speak")
def speak_job(
    form: FormData = FORM,
    db: Session = DB,
    user: User = Depends(current_user),
    settings: Settings = Depends(get_settings),
):
    """Read a text aloud with the province's voice, as a job."""
    text, fmt = str(form.get("text", ""))[:2000], str(form.get("fmt", "mp3"))
    if not text.strip():
        raise UserError("Hãy nhập văn bản cần đọc.", "Enter the text to read.")
    if fmt not in service.AUDIO_TYPES:
        raise UserError("Định dạng âm thanh phải là WAV, MP3 hoặc OGG.", "Audio format must be WAV, MP3 or OGG.")
    return to_job(jobs.submit(db, settings, "channels.speak", params={"text": text, "fmt": fmt}, user=user))


# ---- HTML: an item's outputs ------------------------------------------------------------------------------


@router.get("/channels/items/{item_id}")
def outputs_page(
    item_id: int,
    request: Request,
    db: Session = DB,
    user: User = Depends(current_user),
    settings: Settings = Depends(get_settings),
):
    item = content.get_item(db, item_id)
    master = item.master or item
    url = base_url(request) + service.article_path(item)
    return page(
        request,
        "channels/outputs.html",
        {
            "item": item,
            "versions": [master] + list(master.variants),
            "url": url,
            "formats": lambda v: service.ready_formats(settings, v),
            "social": _social(item, request),
            "spoken": service.spoken_text(item),
            "recording_of": service.recording_of,
            "recorder": user.has_role(*RECORDERS),
            "live": item.state in service.LIVE_STATES,
            "speakable": service.SPEAKABLE,
            "public": item.state == "published"
            and any(s.status == "published" and s.channel.kind == "portal" for s in item.schedules),
            "feeds": [c for c in item.channels if c.active],
            "broadcast": service.broadcast_of(db, item),
            "districts": service.districts(db),
            "communes": service.list_communes(db),
        },
    )


@router.post("/channels/items/{item_id}/broadcast")
def item_broadcast(item_id: int, form: FormData = FORM, db: Session = DB, user: User = Depends(require(*RECORDERS))):
    """An item's loudspeaker level (normal or priority) and targets."""
    item = content.get_item(db, item_id)
    service.set_broadcast(
        db,
        user,
        item,
        str(form.get("level", "normal")),
        str(form.get("scope", "province")),
        [str(x) for x in form.getlist("districts")],
        [str(x) for x in form.getlist("communes")],
    )
    return RedirectResponse(f"/channels/items/{(item.master or item).id}#broadcast", status_code=303)


def _submit_recording(db: Session, settings: Settings, item_id: int, user: User, form: FormData) -> Job:
    """The quick checks now; decoding the recording (seconds for a long MP3) in a job."""
    filename, data = _upload(form)
    item = content.get_item(db, item_id)
    kind = service.recording_kind(settings, data)
    return jobs.submit(
        db,
        settings,
        "channels.recording",
        params={"item_id": item.id, "filename": filename},
        user=user,
        file=(filename, service.AUDIO_TYPES[kind], data),
        title=f"Bản ghi âm: {item.title}"[:200],
    )


@router.post("/channels/items/{item_id}/recording")
def recording_upload(
    item_id: int,
    form: FormData = FORM,
    db: Session = DB,
    user: User = Depends(require(*RECORDERS)),
    settings: Settings = Depends(get_settings),
):
    return to_job(_submit_recording(db, settings, item_id, user, form))


@router.post("/channels/items/{item_id}/speech")
def item_speech(
    item_id: int, db: Session = DB, user: User = Depends(current_user), settings: Settings = Depends(get_settings)
):
    """Make an item's speech in WAV, MP3 and OGG (a job)."""
    item = content.get_item(db, item_id)
    service.need_voice(item)
    return to_job(
        jobs.submit(
            db,
            settings,
            "channels.item_audio",
            params={"item_id": item.id, "formats": list(service.AUDIO_TYPES)},
            user=user,
            title=f"Tạo âm thanh đọc bài: {item.title}"[:200],
        )
    )


@router.post("/channels/items/{item_id}/print")
def print_export(
    item_id: int,
    form: FormData = FORM,
    db: Session = DB,
    user: User = Depends(current_user),
    settings: Settings = Depends(get_settings),
):
    """Queue the print document (DOCX or PDF) of an approved item; its job page offers the file."""
    item = content.get_item(db, item_id)
    fmt = str(form.get("format", "pdf"))
    service.check_print(item, fmt)
    return to_job(
        jobs.submit(
            db,
            settings,
            "channels.print",
            params={"item_id": item.id, "format": fmt},
            user=user,
            title=f"Bản in {fmt.upper()}: {item.title}"[:200],
        )
    )


# ---- public portal and feeds ------------------------------------------------------------------------------


def _social(item, request: Request) -> list:
    """The item's social posts, with the public addresses of its pictures."""
    base = base_url(request)
    pictures = tuple(base + service.image_path(item, a) for a in service.images(item))
    return service.social_texts(item, base + service.article_path(item), pictures)


@router.get("/tin-tuc")
def news_page(request: Request, db: Session = DB, user: User | None = Depends(optional_user)):
    return page(
        request, "channels/news.html", {"items": service.portal_items(db), "portals": service.portal_channels(db)}
    )


@router.get("/tin-tuc/{ref}")
def article_page(
    ref: str,
    request: Request,
    db: Session = DB,
    user: User | None = Depends(optional_user),
    settings: Settings = Depends(get_settings),
):
    item = service.portal_item(db, ref)
    canonical = service.article_path(item)
    if request.url.path != canonical:
        return RedirectResponse(canonical, status_code=301)
    return page(
        request,
        "channels/article.html",
        {
            "item": item,
            "others": service.public_versions(item),
            "has_audio": service.has_ready_audio(settings, item),
            "images": [(service.image_path(item, a), service.caption(a)) for a in service.images(item)],
        },
    )


@router.get("/tin-tuc/{ref}/anh/{attachment_id}")
def article_image(ref: str, attachment_id: int, db: Session = DB, settings: Settings = Depends(get_settings)):
    """A picture of a published portal article (a bulletin's chart), public like the article."""
    att = service.public_image(db, ref, attachment_id)
    return FileResponse(
        content.attachment_path(settings, att),
        media_type=att.media_type,
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get("/kenh/{slug}/{kind}.xml")
def feed_file(slug: str, kind: str, request: Request, db: Session = DB):
    if kind not in ("rss", "atom"):
        raise UserError("Không có nguồn tin này.", "No such feed.", 404)
    data = service.feed(db, slug, base_url(request), kind, request.app.state.settings.province)
    return Response(data, media_type=f"application/{kind}+xml; charset=utf-8")


# ---- JSON API ---------------------------------------------------------------------------------------------


def commune_dict(c) -> dict:
    return {
        "id": c.id,
        "name": c.name,
        "district": c.district,
        "languages": c.language_list,
        "slots": [{"id": s.id, "start": s.start, "minutes": s.minutes, "label": s.label} for s in c.slots],
    }


@api.get("/loudspeakers/communes")
def api_communes(db: Session = DB, user: User = Depends(current_user)):
    return [commune_dict(c) for c in service.list_communes(db)]


@api.post("/loudspeakers/communes", status_code=201)
def api_commune_create(body: CommuneIn, db: Session = DB, user: User = Depends(require(*MANAGERS))):
    return commune_dict(service.create_commune(db, user, body.name, body.district, body.languages))


@api.post("/loudspeakers/communes/{commune_id}/slots", status_code=201)
def api_slot_create(commune_id: int, body: SlotIn, db: Session = DB, user: User = Depends(require(*MANAGERS))):
    commune = service.get_commune(db, commune_id)
    service.add_slot(db, user, commune, body.start, body.minutes, body.label)
    return commune_dict(commune)


@api.delete("/loudspeakers/slots/{slot_id}", status_code=204)
def api_slot_delete(slot_id: int, db: Session = DB, user: User = Depends(require(*MANAGERS))):
    service.remove_slot(db, user, service.get_slot(db, slot_id))


@api.get("/loudspeakers/communes/{commune_id}/playlist")
def api_playlist(
    commune_id: int, request: Request, date: str = "", db: Session = DB, user: User = Depends(current_user)
):
    commune, day = service.get_commune(db, commune_id), clock.parse_day(date)
    return {
        "commune": commune_dict(commune),
        "date": day.isoformat(),
        "entries": [
            {
                "slot": e.slot.start,
                "item_id": e.item.id,
                "title": e.item.title,
                "language": e.language,
                "source": e.source,
                "level": e.level,
                "seconds": round(e.seconds, 1),
                "measured": e.measured,
                "fits": e.fits,
                "at": e.at.isoformat() if e.at else None,
                "audio": None if e.source == "missing" else base_url(request) + e.audio_path,
            }
            for e in service.daily_playlist(db, commune, day, request.app.state.settings)
        ],
    }


@api.post("/loudspeakers/communes/{commune_id}/bundle", status_code=202)
def api_bundle(
    commune_id: int,
    date: str = "",
    db: Session = DB,
    user: User = Depends(current_user),
    settings: Settings = Depends(get_settings),
):
    """Queue the day's ZIP for an offline station; when the job is done its ``file_url`` downloads it."""
    return job_ref(_submit_playlist(db, settings, "channels.playlist_zip", commune_id, date, user))


@api.post("/loudspeakers/communes/{commune_id}/audio", status_code=202)
def api_playlist_audio(
    commune_id: int,
    date: str = "",
    db: Session = DB,
    user: User = Depends(current_user),
    settings: Settings = Depends(get_settings),
):
    """Queue the making of every audio file of the day's playlist."""
    return job_ref(_submit_playlist(db, settings, "channels.playlist_audio", commune_id, date, user))


@api.post("/speech/normalize")
def api_normalize(body: TextIn, user: User = Depends(current_user), settings: Settings = Depends(get_settings)):
    """The text exactly as the loudspeaker voice will speak it."""
    return {"spoken": speech.normalize(body.text), "voice": speech.voice_for(settings.province)}


@api.get("/channels/items/{item_id}/social")
def api_social(item_id: int, request: Request, db: Session = DB, user: User = Depends(current_user)):
    item = content.get_item(db, item_id)
    return [
        {
            "platform": s.platform,
            "label": s.label,
            "limit": s.limit,
            "length": s.length,
            "fits": s.fits,
            "shortened": s.shortened,
            "text": s.text,
            "images": list(s.images),
        }
        for s in _social(item, request)
    ]


@api.post("/channels/items/{item_id}/recordings", status_code=202)
def api_recording(
    item_id: int,
    form: FormData = FORM,
    db: Session = DB,
    user: User = Depends(require(*RECORDERS)),
    settings: Settings = Depends(get_settings),
):
    """Queue the check and storage of a recording; the job's result names the attachment."""
    return job_ref(_submit_recording(db, settings, item_id, user, form))


@api.get("/portal/items")
def api_portal(request: Request, db: Session = DB):
    """Published portal items (public)."""
    return [
        {
            "id": i.id,
            "title": i.title,
            "language": i.language,
            "url": base_url(request) + service.article_path(i),
            "published_at": i.published_at.isoformat() if i.published_at else None,
        }
        for i in service.portal_items(db)
    ]


@api.get("/feeds/{slug}/{kind}")
def api_feed(slug: str, kind: str, request: Request, db: Session = DB):
    """RSS or Atom of a channel (public)."""
    return feed_file(slug, kind, request, db)


# ---- devices (a key instead of a login) -------------------------------------------------------------------


def _device(request: Request, db: Session, device_id: str):
    auth = request.headers.get("authorization", "")
    key = auth[7:].strip() if auth.lower().startswith("bearer ") else request.headers.get("x-device-key", "")
    return devices.authenticate(db, device_id, key)


def _json_body(body: bytes):
    try:
        return json.loads(body or b"null")
    except ValueError:
        raise UserError("Nội dung gửi lên phải là JSON.", "The body must be JSON.", 422) from None


DEVICE_KEY = {401: {"description": "Missing or invalid device key"}}  # the body: the API's error body


@api.get("/loudspeakers/devices/{device_id}/playlist", tags=["devices"], responses=DEVICE_KEY)
def device_playlist(
    device_id: str, request: Request, db: Session = DB, settings: Settings = Depends(get_settings)
) -> Response:
    """Today's playlist of the device's commune, for the device (``Authorization: Bearer <device key>``).
    Emergencies come first: play each at once and again at every time of ``plays_at`` until ``until``. Send the
    ETag back as ``If-None-Match``: an unchanged playlist answers 304 with no body. A poll counts as a
    heartbeat."""
    device = _device(request, db, device_id)
    devices.beat(db, device)
    tag = devices.revision(db, settings, device)
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    if tag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return JSONResponse(devices.device_playlist(db, settings, device, base_url(request)), headers=headers)


@api.post("/loudspeakers/devices/{device_id}/heartbeat", tags=["devices"], responses=DEVICE_KEY)
def device_heartbeat(device_id: str, request: Request, body: bytes = BODY, db: Session = DB):
    """The device is alive: ``{"state": "idle" | "playing" | "fault", "detail": "..."}`` (both optional)."""
    device = _device(request, db, device_id)
    data = _json_body(body) or {}
    if not isinstance(data, dict):
        raise UserError("Nhịp tim phải là một đối tượng JSON.", "A heartbeat must be a JSON object.", 422)
    devices.beat(db, device, str(data.get("state", "") or ""), str(data.get("detail", "") or ""))
    return {"ok": True, "poll_seconds": device.poll_seconds}


@api.post("/loudspeakers/devices/{device_id}/plays", tags=["devices"], responses=DEVICE_KEY)
def device_plays(device_id: str, request: Request, body: bytes = BODY, db: Session = DB):
    """What the device played: ``[{"item_id", "started_at", "ended_at", "outcome": "complete" |
    "interrupted"}]`` (ISO 8601 times with a zone). A report sent again is counted once."""
    device = _device(request, db, device_id)
    return devices.record_plays(db, device, _json_body(body))

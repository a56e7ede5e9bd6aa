"""Channel outputs made in the background: a commune's playlist (its audio files, or a ZIP for a station that
plays offline), an item's speech, a try-out of the voice, uploaded recordings checked by decoding, the speech of
the coming broadcasts prepared ahead of time, and an item's print document (DOCX/PDF). Synthesis, decoding and
rendering take seconds per file, so no web request waits for them."""

from __future__ import annotations

from datetime import date
from hashlib import sha256
from urllib.parse import urlencode

from loa.auth.models import User
from loa.channels import service, speech
from loa.clock import today_local
from loa.config import Settings
from loa.content import service as content
from loa.db import session_scope
from loa.formats import vn_date
from loa.jobs.registry import periodic, task
from loa.jobs.runner import JobContext

LABELS = {
    "files": ("Tệp âm thanh đã chuẩn bị", "Audio files ready"),
    "total": ("Số tệp cần có", "Audio files needed"),
    "made": ("Tệp mới tạo", "Files generated"),
}


def _reporter(ctx: JobContext):
    def report(done: int, total: int) -> None:
        ctx.progress(done / total, f"Đã chuẩn bị {done}/{total} tệp âm thanh.", force=True, files=done, total=total)

    return report


@task("channels.playlist_audio", "Chuẩn bị âm thanh danh sách phát loa", "Loudspeaker playlist audio", LABELS)
def playlist_audio(ctx: JobContext, commune_id: int, day: str) -> dict:
    """Generate the speech of every item a commune's loudspeakers play on ``day`` (run again, it skips what is
    made), so that the stations' players get their files at once."""
    when = date.fromisoformat(day)
    with ctx.session() as db:
        commune = service.get_commune(db, commune_id)
        items = service.audio_items(service.daily_playlist(db, commune, when))
        made = service.prepare_audio(ctx.settings, items, _reporter(ctx))
        name = commune.name
    return {
        "message": f"Danh sách phát ngày {vn_date(when)} của xã {name}: {len(items)} tệp âm thanh đã sẵn sàng "
        f"({made} tệp mới tạo).",
        "url": f"/loudspeakers/communes/{commune_id}?date={day}",
        "files": len(items),
        "made": made,
    }


@task("channels.playlist_zip", "Đóng gói danh sách phát loa (ZIP)", "Loudspeaker playlist bundle (ZIP)", LABELS)
def playlist_zip(ctx: JobContext, commune_id: int, day: str) -> dict:
    """The day's playlist with its audio files in one ZIP, kept with the job for download."""
    when = date.fromisoformat(day)
    with ctx.session() as db:
        commune = service.get_commune(db, commune_id)
        entries = service.daily_playlist(db, commune, when)
        files = len(service.audio_items(entries))
        data = service.playlist_bundle(ctx.settings, commune, when, entries, _reporter(ctx))
        name, filename = commune.name, service.bundle_name(commune, when)
    ctx.output(filename, "application/zip", data)
    return {
        "message": f"Đã đóng gói {files} tệp âm thanh cho {len(entries)} lượt phát ngày {vn_date(when)} của xã {name}.",
        "url": f"/loudspeakers/communes/{commune_id}?date={day}",
        "files": files,
        "entries": len(entries),
    }


@task("channels.item_audio", "Tạo âm thanh đọc bài", "Item speech", LABELS)
def item_audio(ctx: JobContext, item_id: int, formats: list[str] | None = None) -> dict:
    """An item read aloud, in each of ``formats`` (MP3 when none is named)."""
    formats = formats or ["mp3"]
    with ctx.session() as db:
        item = content.get_item(db, item_id)
        for n, fmt in enumerate(formats, 1):
            service.speech_file(ctx.settings, item, fmt)
            ctx.progress(
                n / len(formats), f"Đã tạo {n}/{len(formats)} tệp âm thanh.", force=True, files=n, total=len(formats)
            )
        title, target = item.title, (item.master or item).id
    return {
        "message": f"Đã tạo âm thanh đọc bài “{title}” ({', '.join(f.upper() for f in formats)}).",
        "url": f"/channels/items/{target}#audio",
    }


@task("channels.speak", "Đọc thử văn bản", "Voice try-out")
def speak(ctx: JobContext, text: str, fmt: str = "mp3") -> dict:
    """Any text read with the province's voice; the audio is kept with the job and in the speech cache."""
    path = service.cached_speech(ctx.settings, speech.normalize(text), speech.voice_for(ctx.settings.province), fmt)
    ctx.output(f"doc-thu.{fmt}", service.AUDIO_TYPES[fmt], path.read_bytes())
    query = urlencode({"text": text})
    return {
        "message": "Đã đọc xong: nghe trên trang đọc thử hoặc tải tệp âm thanh bên dưới.",
        "url": f"/loudspeakers?{query}" if len(query) < 2000 else "/loudspeakers",
    }


@task("channels.recording", "Nhận bản ghi âm", "Recording upload")
def recording(ctx: JobContext, item_id: int, filename: str) -> dict:
    """Decode an uploaded recording to check it, then keep it with its item (a retried job does not add the same
    file twice)."""
    _name, data = ctx.input()
    with ctx.session() as db:
        item = content.get_item(db, item_id)
        digest = sha256(data).hexdigest()
        att = next((a for a in item.attachments if a.sha256 == digest), None) if ctx.attempt > 1 else None
        if att is None:
            att = service.add_recording(db, ctx.settings, item, db.get(User, ctx.user_id), filename, data)
        name, target, att_id = att.filename, (item.master or item).id, att.id
    return {
        "message": f"Đã nhận bản ghi âm “{name}”.",
        "url": f"/channels/items/{target}#audio",
        "attachment_id": att_id,
    }


@task("channels.print", "Tạo bản in của bài", "Item print document")
def item_print(ctx: JobContext, item_id: int, format: str) -> dict:
    """An approved item laid out for printing, as DOCX or PDF, kept with the job for download. Reads only, so
    running it again is harmless."""
    ctx.progress(0.1, "Đang tạo bản in…", force=True)
    with ctx.session() as db:
        item = content.get_item(db, item_id)
        data = service.print_file(item, ctx.settings, format)
        name, title, target = service.print_filename(item, format), item.title, item.id
    ctx.output(name, service.PRINT_MEDIA[format], data)
    return {
        "message": f"Đã tạo bản in {format.upper()} của bài “{title}” ({len(data) // 1024 + 1} KB): bấm "
        f"“Tải tệp kết quả”.",
        "url": f"/channels/items/{target}",
    }


@periodic(
    "channels.prepare_audio",
    "every 15m",
    "Chuẩn bị âm thanh loa hôm nay và ngày mai",
    "Prepare loudspeaker audio for today and tomorrow",
)
def prepare_ahead(settings: Settings) -> str:
    """Speech for every item the communes play today and tomorrow and for the portal's articles, made before any
    player asks for it."""
    if not speech.espeak_available():
        return "Máy chủ chưa cài espeak-ng: chỉ phát được bản ghi âm."
    with session_scope(settings.db_url, source="job") as db:
        items = service.audio_ahead(db, today_local())
        made = service.prepare_audio(settings, items)
    return f"{len(items)} bài cần âm thanh, {made} tệp mới tạo."

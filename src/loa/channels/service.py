"""Channel outputs of approved content: commune loudspeaker stations, slots and daily playlists, spoken audio
and uploaded recordings, the public portal, RSS/Atom feeds, social-media texts and print documents.

Content comes only through ``loa.content.service``; callers own the transaction.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import re
import subprocess
import tempfile
import uuid
import wave
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from loa import documents
from loa.auth.models import User
from loa.channels import speech
from loa.channels.models import SCOPES, Broadcast, BroadcastSlot, Commune
from loa.clock import LOCAL, local_day, local_day_start, utcnow
from loa.config import Settings
from loa.content import service as content
from loa.db import get_or_404
from loa.errors import UserError
from loa.text import fold, sort_key

MANAGERS = ("coordinator",)
RECORDERS = ("editor", "coordinator")
LIVE_STATES = ("approved", "scheduled", "published")
SPEAKABLE = ("vi", "en")  # languages espeak-ng can read offline; there is no Khmer voice
LANGUAGE_CODES = ("vi", "km", "en")


# ---- communes and slots -----------------------------------------------------------------------------------


def _need(user: User, roles: tuple[str, ...]) -> None:
    if not user.has_role(*roles):
        raise UserError("Bạn không có quyền thực hiện thao tác này.", "You may not do this.", 403)


def list_communes(db: Session, active_only: bool = True) -> list[Commune]:
    q = select(Commune)
    if active_only:
        q = q.where(Commune.active.is_(True))
    return sorted(db.scalars(q), key=lambda c: (sort_key(c.district), sort_key(c.name)))


def get_commune(db: Session, commune_id: int) -> Commune:
    return get_or_404(db, Commune, commune_id, "Không tìm thấy xã.", "Commune not found.")


def find_commune(db: Session, ref: str) -> Commune:
    """A commune by id or by name (diacritics and case ignored)."""
    if str(ref).isdecimal():
        return get_commune(db, int(ref))
    wanted = fold(ref).strip()
    for c in list_communes(db, active_only=False):
        if fold(c.name).strip() == wanted:
            return c
    raise UserError(f"Không có xã “{ref}”.", f"No commune “{ref}”.", 404)


def create_commune(db: Session, user: User, name: str, district: str = "", languages=("vi",)) -> Commune:
    _need(user, MANAGERS)
    name, district = " ".join((name or "").split()), " ".join((district or "").split())
    langs = [x.strip() for x in (languages.split(",") if isinstance(languages, str) else languages) if x.strip()]
    if not name:
        raise UserError("Xã cần có tên.", "A commune needs a name.")
    if not langs or any(x not in LANGUAGE_CODES for x in langs):
        raise UserError("Ngôn ngữ phát phải là vi, km hoặc en.", "Broadcast languages must be vi, km or en.")
    if db.scalar(select(Commune.id).where(Commune.name == name, Commune.district == district)):
        raise UserError(f"Xã “{name}” đã có.", f"The commune “{name}” exists.", 409)
    commune = Commune(name=name, district=district, languages=",".join(dict.fromkeys(langs)))
    db.add(commune)
    db.flush()
    return commune


def parse_time(value) -> time:
    """ "6:00", "17h30", "6h" → a time of day."""
    if isinstance(value, time):
        return value
    m = re.fullmatch(r"\s*(\d{1,2})\s*(?:[:hg]\s*(\d{2})?)?\s*", str(value or ""))
    if not m or int(m.group(1)) > 23 or int(m.group(2) or 0) > 59:
        raise UserError(
            f"Giờ không hợp lệ: “{value}” (ví dụ 6:00 hoặc 17h30).", f"Invalid time “{value}” (e.g. 6:00 or 17h30)."
        )
    return time(int(m.group(1)), int(m.group(2) or 0))


def add_slot(db: Session, user: User, commune: Commune, start, minutes: int = 30, label: str = "") -> BroadcastSlot:
    """A daily broadcast time of a commune's loudspeakers."""
    _need(user, MANAGERS)
    at = parse_time(start)
    if not 5 <= int(minutes) <= 240:
        raise UserError("Thời lượng phát phải từ 5 đến 240 phút.", "A slot lasts 5 to 240 minutes.")
    if any(s.start_time == at for s in commune.slots):
        raise UserError(f"Xã đã có khung giờ {at:%H:%M}.", f"The commune already broadcasts at {at:%H:%M}.", 409)
    slot = BroadcastSlot(
        commune=commune, start=f"{at:%H:%M}", minutes=int(minutes), label=" ".join((label or "").split())
    )
    db.add(slot)
    db.flush()
    return slot


def get_slot(db: Session, slot_id: int) -> BroadcastSlot:
    return get_or_404(db, BroadcastSlot, slot_id, "Không tìm thấy khung giờ.", "Slot not found.")


def remove_slot(db: Session, user: User, slot: BroadcastSlot) -> None:
    _need(user, MANAGERS)
    slot.commune.slots.remove(slot)
    db.delete(slot)
    db.flush()


# ---- audio: speech and recordings ------------------------------------------------------------------------

AUDIO_TYPES = {"wav": "audio/wav", "mp3": "audio/mpeg", "ogg": "audio/ogg"}


def audio_kind(data: bytes) -> str | None:
    """ "wav", "mp3" or "ogg" from a file's first bytes, else None."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[:4] == b"OggS":
        return "ogg"
    if data[:3] == b"ID3" or data[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "mp3"
    return None


def audio_seconds(path: Path) -> float:
    """Duration of a WAV, MP3 or OGG file, decoded for real; raises UserError when it does not decode."""
    kind = audio_kind(path.read_bytes()[:16])
    try:
        if kind == "wav":
            return speech.wav_seconds(path)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "decoded.wav"
            cmd = (
                ["lame", "--quiet", "--decode", str(path), str(out)] if kind == "mp3" else ["sox", str(path), str(out)]
            )
            subprocess.run(cmd, check=True, capture_output=True, timeout=120)
            return speech.wav_seconds(out)
    except (wave.Error, EOFError, subprocess.CalledProcessError, FileNotFoundError, OSError):
        raise UserError(
            "Tệp âm thanh bị hỏng hoặc không đọc được.", "The audio file is damaged or unreadable.", 415
        ) from None


def recording_kind(settings: Settings, data: bytes) -> str:
    """The quick checks of an upload, before it is decoded: size, and "wav", "mp3" or "ogg" by its first bytes."""
    limit = min(20, settings.max_upload_mb)
    if len(data) > limit * 1024 * 1024:
        raise UserError(
            f"Tệp ghi âm quá lớn (tối đa {limit} MB).", f"The recording is too large (at most {limit} MB).", 413
        )
    kind = audio_kind(data[:16])
    if not data or kind is None:
        raise UserError(
            "Bản ghi âm phải là tệp âm thanh WAV, MP3 hoặc OGG.",
            "A recording must be a WAV, MP3 or OGG audio file.",
            415,
        )
    return kind


def add_recording(db: Session, settings: Settings, item, user: User, filename: str, data: bytes):
    """An uploaded recording (WAV, MP3 or OGG, up to 20 MB) of one language version of an item — the only way
    a Khmer version reaches the loudspeakers. Decodes it (seconds for a long MP3), so the web runs it as a job.
    Returns the content attachment."""
    _need(user, RECORDERS)
    kind = recording_kind(settings, data)
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / f"upload.{kind}"
        probe.write_bytes(data)
        if audio_seconds(probe) < 0.5:
            raise UserError("Bản ghi âm quá ngắn.", "The recording is too short.", 422)
    stem = Path(filename or "ghi-am").stem or "ghi-am"
    return content.add_attachment(db, settings, item, user, f"{stem}.{kind}", data)


def recording_of(item):
    """The newest uploaded audio of an item, or None."""
    audio = [a for a in item.attachments if a.is_audio]
    return audio[-1] if audio else None


def spoken_text(item) -> str:
    """What the loudspeaker reads for an item: its title, then its body, as normalised for speech."""
    text = f"{item.title}.\n{item.body}"
    return text if item.language == "en" else _normalized(text)


@functools.lru_cache(maxsize=512)
def _normalized(text: str) -> str:
    """The normaliser's reading, kept per text: playlists ask for it on every device poll."""
    return speech.normalize(text)


def voice_for_item(settings: Settings, item) -> str:
    return speech.ENGLISH_VOICE if item.language == "en" else speech.voice_for(settings.province)


def speech_cache_path(settings: Settings, spoken: str, voice: str, fmt: str = "mp3") -> Path:
    """Where already normalised text spoken with ``voice`` is kept once generated (it may not exist yet)."""
    if fmt not in AUDIO_TYPES:
        raise UserError("Định dạng âm thanh phải là WAV, MP3 hoặc OGG.", "Audio format must be WAV, MP3 or OGG.", 404)
    key = hashlib.sha256(f"{voice}\n{spoken}".encode()).hexdigest()[:24]
    return settings.files_dir / "channels" / "speech" / f"{key}.{fmt}"


def cached_speech(settings: Settings, spoken: str, voice: str, fmt: str = "mp3") -> Path:
    """Already normalised text spoken with ``voice``, generated once per text and voice (cached on disk).
    Synthesis takes seconds for a long text: web requests use :func:`ready_audio`, jobs generate."""
    path = speech_cache_path(settings, spoken, voice, fmt)
    if not path.exists():
        tmp = path.with_name(f".{uuid.uuid4().hex}{path.suffix}")
        speech.synthesize(spoken, tmp, voice=voice, normalized=True)
        tmp.replace(path)
    return path


def need_voice(item) -> None:
    """Refuse an item no offline voice can read (Khmer)."""
    if item.language not in SPEAKABLE:
        raise UserError(
            "Không có giọng đọc tiếng Khmer ngoại tuyến: hãy tải lên bản ghi âm của bản tiếng Khmer.",
            "There is no offline Khmer voice: upload a recording of the Khmer version.",
            404,
        )


def speech_file(settings: Settings, item, fmt: str = "mp3") -> Path:
    """The item read aloud with the province's voice (English versions with an English voice)."""
    need_voice(item)
    return cached_speech(settings, spoken_text(item), voice_for_item(settings, item), fmt)


def item_audio(settings: Settings, item, fmt: str = "mp3") -> tuple[Path, str]:
    """(file, media type) to play for an item: its uploaded recording, else generated speech (made now if
    needed: for jobs and commands)."""
    rec = recording_of(item)
    if rec is not None:
        return content.attachment_path(settings, rec), rec.media_type
    return speech_file(settings, item, fmt), AUDIO_TYPES[fmt]


def ready_audio(settings: Settings, item, fmt: str = "mp3") -> tuple[Path, str] | None:
    """Like :func:`item_audio`, without generating anything: None while the speech is not made yet."""
    rec = recording_of(item)
    if rec is not None:
        return content.attachment_path(settings, rec), rec.media_type
    need_voice(item)
    path = speech_cache_path(settings, spoken_text(item), voice_for_item(settings, item), fmt)
    return (path, AUDIO_TYPES[fmt]) if path.exists() else None


def has_ready_audio(settings: Settings, item) -> bool:
    """Whether the item can be played at once: a recording, or its MP3 speech made before."""
    return recording_of(item) is not None or "mp3" in ready_formats(settings, item)


def ready_formats(settings: Settings, item) -> list[str]:
    """The formats in which the item's generated speech exists already."""
    if item.language not in SPEAKABLE:
        return []
    spoken, voice = spoken_text(item), voice_for_item(settings, item)
    return [f for f in AUDIO_TYPES if speech_cache_path(settings, spoken, voice, f).exists()]


def estimated_seconds(item) -> int:
    """About how long the item takes to read (0.3 s per syllable), until its audio exists."""
    return item.duration_seconds or max(1, round(len(spoken_text(item).split()) * 0.3))


_SECONDS: dict[tuple[str, int, int], float] = {}  # audio file (path, size, mtime) → seconds: files never change


def audio_seconds_of(settings: Settings | None, item) -> float | None:
    """How long the item's rendered audio (recording or generated speech) lasts, or None while there is none."""
    if settings is None:
        return None
    try:
        found = ready_audio(settings, item)
    except UserError:  # a Khmer version without recording
        return None
    if found is None:
        return None
    path = found[0]
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _SECONDS:
        _SECONDS[key] = speech.file_seconds(path)
    return _SECONDS[key] or None


# ---- broadcast levels and targets ---------------------------------------------------------------------------

LEVEL_RANK = {"emergency": 0, "priority": 1, "normal": 2}
REGISTER = Path(__file__).parent / "data" / "communes.json"


def register_data(province: str) -> dict | None:
    """The shipped commune register of a province (by name), {"name", "districts": [{code, name, communes}]}."""
    data = json.loads(REGISTER.read_text(encoding="utf-8"))["provinces"]
    return next((p for p in data.values() if fold(p["name"]) == fold(province)), None)


def seed_register(db: Session, user: User, province: str) -> list[Commune]:
    """Add the province's communes from the shipped register (those already there are kept as they are, their
    district code filled in); returns the communes added. Each new commune broadcasts in Vietnamese; slots and
    languages are then edited per commune."""
    _need(user, MANAGERS)
    data = register_data(province)
    if data is None:
        raise UserError(
            f"Chưa có danh mục xã của tỉnh {province}: hãy thêm từng xã.",
            f"There is no commune register for {province}: add the communes one by one.",
            404,
        )
    existing = {(c.district, c.name): c for c in list_communes(db, active_only=False)}
    added = []
    for district in data["districts"]:
        for name in district["communes"]:
            commune = existing.get((district["name"], name))
            if commune is None:
                commune = create_commune(db, user, name, district["name"])
                added.append(commune)
            commune.district_code = commune.district_code or district["code"]
    db.flush()
    return added


def districts(db: Session) -> list[str]:
    """The districts of the register, in order."""
    return list(dict.fromkeys(c.district for c in list_communes(db) if c.district))


def set_commune_channel(db: Session, user: User, commune: Commune, channel) -> Commune:
    """Make a loudspeaker channel the commune's own (what is planned on it plays in this commune only), or
    None to undo it."""
    _need(user, MANAGERS)
    if channel is not None:
        channel = content.find_channel(db, channel)
        if channel.kind != "loudspeaker":
            raise UserError("Chỉ gắn được kênh loa truyền thanh.", "Only a loudspeaker channel can be attached.")
    commune.channel_id = channel.id if channel is not None else None
    db.flush()
    return commune


def broadcast_of(db: Session, item) -> Broadcast | None:
    """The level and targets of an item (its master's, for a language version)."""
    master_id = item.master_id or item.id
    return db.scalar(select(Broadcast).where(Broadcast.item_id == master_id))


def check_targets(db: Session, scope: str, district_names, commune_ids) -> tuple[list[str], list[int]]:
    if scope not in SCOPES:
        raise UserError("Phạm vi phát không hợp lệ.", "Invalid broadcast target.")
    if scope == "districts":
        known = set(districts(db))
        chosen = [d for d in dict.fromkeys(" ".join(str(x).split()) for x in district_names) if d]
        if not chosen or any(d not in known for d in chosen):
            raise UserError("Hãy chọn huyện có trong danh mục xã.", "Choose districts from the commune register.")
        return chosen, []
    if scope == "communes":
        ids = list(dict.fromkeys(int(x) for x in commune_ids if str(x).strip().isdecimal()))
        known = {c.id for c in list_communes(db)}
        if not ids or any(i not in known for i in ids) or len(ids) != len(list(commune_ids)):
            raise UserError("Hãy chọn xã có trong danh mục.", "Choose communes from the register.")
        return [], ids
    return [], []


def set_broadcast(
    db: Session, user: User, item, level: str = "normal", scope: str = "province", district_names=(), commune_ids=()
) -> Broadcast:
    """Set a loudspeaker item's level (normal or priority) and targets (whole province, chosen districts or
    chosen communes). An emergency is placed only through :func:`place_emergency` (two approvals)."""
    _need(user, RECORDERS)
    if level not in ("normal", "priority"):
        raise UserError(
            "Mức phát phải là thường hoặc ưu tiên; phát khẩn cấp cần thông báo khẩn được duyệt.",
            "The level must be normal or priority; an emergency needs an approved emergency notice.",
        )
    names, ids = check_targets(db, scope, district_names, commune_ids)
    master = item.master or item
    b = broadcast_of(db, master)
    if b is not None and b.level == "emergency":
        raise UserError("Bài đang là tin khẩn cấp.", "The item is an emergency broadcast.", 409)
    if b is None:
        b = Broadcast(item_id=master.id)
        db.add(b)
    b.level, b.scope, b.districts, b.commune_ids = level, scope, names, ids
    db.flush()
    return b


def place_emergency(
    db: Session,
    item,
    scope: str,
    district_names=(),
    commune_ids=(),
    expires_at: datetime | None = None,
    repeat_minutes: int = 30,
    now: datetime | None = None,
) -> Broadcast:
    """Put an approved item into every targeted commune's playlist at once, as an emergency repeated every
    ``repeat_minutes`` until ``expires_at``. Called by the emergency notices once two people approved."""
    if item.state not in LIVE_STATES or item.approved_at is None or item.approved_version != item.version:
        raise UserError(
            "Bài chưa được duyệt nên không phát được.", "The item is not approved, so it cannot be broadcast.", 409
        )
    if not 5 <= int(repeat_minutes) <= 240:
        raise UserError("Khoảng lặp lại phải từ 5 đến 240 phút.", "Repeat every 5 to 240 minutes.")
    now = now or utcnow()
    if expires_at is not None and expires_at <= now:
        raise UserError("Thời hạn đã qua.", "The expiry time has passed.")
    names, ids = check_targets(db, scope, district_names, commune_ids)
    master = item.master or item
    b = broadcast_of(db, master)
    if b is None:
        b = Broadcast(item_id=master.id)
        db.add(b)
    b.level, b.scope, b.districts, b.commune_ids = "emergency", scope, names, ids
    b.starts_at, b.expires_at, b.ended_at, b.repeat_minutes = now, expires_at, None, int(repeat_minutes)
    db.flush()
    return b


def end_emergency(db: Session, item, now: datetime | None = None) -> Broadcast | None:
    """Take an emergency off the air: it leaves every playlist."""
    b = broadcast_of(db, item)
    if b is not None and b.level == "emergency" and b.ended_at is None:
        b.ended_at = now or utcnow()
        db.flush()
    return b


def live_emergencies(db: Session, when: datetime | None = None) -> list[Broadcast]:
    when = when or utcnow()
    rows = db.scalars(select(Broadcast).where(Broadcast.level == "emergency").order_by(Broadcast.starts_at))
    return [b for b in rows if b.live_at(when)]


def emergency_communes(db: Session, b: Broadcast) -> list[Commune]:
    """The communes an emergency reaches."""
    return [c for c in list_communes(db) if b.targets(c)]


# ---- daily playlists --------------------------------------------------------------------------------------


@dataclass
class PlaylistEntry:
    slot: BroadcastSlot | None  # None: an emergency played outside the slots, at ``at``
    item: object  # a content item in the language it is played in
    language: str
    source: str  # "recording", "speech" or "missing" (a Khmer version without a recording)
    seconds: float  # from the rendered audio, else estimated (``measured`` False)
    level: str = "normal"
    measured: bool = False
    fits: bool = True  # False: beyond the slot's minutes, falls off
    at: datetime | None = None

    @property
    def audio_path(self) -> str:
        rec = recording_of(self.item)
        return f"/loudspeakers/audio/{self.item.id}.{rec.stored_name.rsplit('.', 1)[-1] if rec else 'mp3'}"

    @property
    def label(self) -> str:
        return str(self.slot) if self.slot is not None else f"{self.at.astimezone(LOCAL):%H:%M}"


def loudspeaker_channels(db: Session) -> list:
    return [c for c in content.list_channels(db) if c.kind == "loudspeaker"]


def _version_in(item, language: str):
    master = item.master or item
    for candidate in [master] + list(master.variants):
        if candidate.language == language and candidate.state in LIVE_STATES:
            return candidate
    return None


def _entries(settings, commune: Commune, item, slot, level: str, at=None) -> list[PlaylistEntry]:
    out = []
    for language in commune.language_list:
        version = _version_in(item, language)
        if version is None:
            continue
        rec = recording_of(version)
        source = "recording" if rec else "speech" if language in SPEAKABLE else "missing"
        seconds = audio_seconds_of(settings, version) if source != "missing" else None
        out.append(
            PlaylistEntry(
                slot,
                version,
                language,
                source,
                seconds or estimated_seconds(version),
                level,
                seconds is not None,
                at=at,
            )
        )
    return out


class Planner:
    """What the loudspeakers play on a day, read once for many communes: the day's loudspeaker schedules, the
    broadcasts' levels and targets, the communes' own channels and the emergencies on the air."""

    def __init__(self, db: Session, day: date, settings: Settings | None = None):
        self.day, self.settings = day, settings
        start = local_day_start(day)
        self.start, self.end = start, start + timedelta(days=1)
        self.planned = []
        for channel in loudspeaker_channels(db):
            self.planned += [
                s
                for s in content.schedules_between(db, start, self.end, channel, statuses=("planned", "published"))
                if s.item.state in LIVE_STATES
            ]
        self.planned.sort(key=lambda s: (s.at, s.id))
        self.owned = set(db.scalars(select(Commune.channel_id).where(Commune.channel_id.is_not(None))))
        self.broadcasts = {b.item_id: b for b in db.scalars(select(Broadcast))}
        self.emergencies = [
            b
            for b in self.broadcasts.values()
            if b.level == "emergency"
            and b.ended_at is None  # an ended emergency leaves the playlists altogether
            and b.starts_at is not None
            and b.starts_at < self.end
            and self._end(b) > start
        ]

    @staticmethod
    def _end(b: Broadcast) -> datetime:
        ends = [t for t in (b.expires_at, b.ended_at) if t is not None]
        return min(ends) if ends else datetime.max.replace(tzinfo=LOCAL)

    def _reaches(self, sched, commune: Commune) -> bool:
        if sched.channel_id in self.owned and sched.channel_id != commune.channel_id:
            return False  # planned on another commune's own channel
        b = self.broadcasts.get(sched.item.master_id or sched.item_id)
        return b is None or b.level == "emergency" or b.targets(commune)

    def level(self, item) -> str:
        b = self.broadcasts.get(item.master_id or item.id)
        return b.level if b is not None and b.level != "emergency" else "normal"

    def repeats(self, b: Broadcast) -> list[datetime]:
        """The times of the day an emergency plays outside the slots: at once, then every ``repeat_minutes``."""
        times, at, end = [], b.starts_at, min(self._end(b), self.end)
        step = timedelta(minutes=max(b.repeat_minutes, 1))
        while at < end:
            if at >= self.start:
                times.append(at)
            at += step
        return times

    def playlist(self, db: Session, commune: Commune) -> list[PlaylistEntry]:
        """Emergencies first in every slot while they are on the air, then priority items, then normal ones (in
        planned order); each slot holds what fits its minutes, the rest is marked as falling off. The
        emergencies' own plays outside the slots come last, in time order."""
        emergencies = [b for b in self.emergencies if b.targets(commune)]
        entries: list[PlaylistEntry] = []
        for slot in commune.slots:
            slot_start = datetime.combine(self.day, slot.start_time, tzinfo=LOCAL)
            slot_end = slot_start + timedelta(minutes=slot.minutes)
            chosen: list[tuple[int, int, object, str]] = []
            seen = set()  # messages (a master and its language variants are one)
            for b in emergencies:
                if b.starts_at < slot_end and self._end(b) > slot_start:
                    item = content.get_item(db, b.item_id)
                    chosen.append((0, len(chosen), item, "emergency"))
                    seen.add(item.id)
            for sched in self.planned:
                message = sched.item.master_id or sched.item_id
                if sched.at >= slot_end or message in seen or not self._reaches(sched, commune):
                    continue
                seen.add(message)
                level = self.level(sched.item)
                chosen.append((LEVEL_RANK[level], len(chosen), sched.item, level))
            used = 0.0
            for _rank, _n, item, level in sorted(chosen, key=lambda c: (c[0], c[1])):
                for e in _entries(self.settings, commune, item, slot, level):
                    if e.source != "missing":
                        used += e.seconds
                        e.fits = used <= slot.minutes * 60
                    entries.append(e)
        for b in emergencies:
            item = content.get_item(db, b.item_id)
            for at in self.repeats(b):
                entries += [e for e in _entries(self.settings, commune, item, None, "emergency", at=at)]
        return entries


def daily_playlist(db: Session, commune: Commune, day: date, settings: Settings | None = None) -> list[PlaylistEntry]:
    """What a commune's loudspeakers play on ``day``: every approved item planned on a loudspeaker channel that
    day (not missed) that targets the commune plays in each slot that ends after its planned time, once per
    broadcast language of the commune (a variant planned beside its master does not play the message twice);
    an item planned on a commune's own channel plays there only. With ``settings``, durations come from the
    rendered audio."""
    return Planner(db, day, settings).playlist(db, commune)


def overflow(entries: list[PlaylistEntry]) -> dict[str, list[PlaylistEntry]]:
    """Per slot ("06:00"), the entries that do not fit its minutes."""
    out: dict[str, list[PlaylistEntry]] = {}
    for e in entries:
        if not e.fits:
            out.setdefault(e.label, []).append(e)
    return out


def playlist_m3u(commune: Commune, day: date, entries: list[PlaylistEntry], base_url: str) -> str:
    """An extended M3U playlist of the day (missing recordings are left out, with a comment)."""
    lines = ["#EXTM3U", f"#PLAYLIST:{commune.name} {day:%d/%m/%Y}"]
    for e in entries:
        if e.source == "missing":
            lines.append(f"# {e.label} [{e.language}] {e.item.title}: chưa có bản ghi âm / no recording")
            continue
        if not e.fits:
            lines.append(f"# {e.label} [{e.language}] {e.item.title}: quá thời lượng khung giờ / over the slot's time")
            continue
        lines.append(f"#EXTINF:{round(e.seconds)},{e.label} [{e.language}] {e.item.title}")
        lines.append(base_url.rstrip("/") + e.audio_path)
    return "\r\n".join(lines) + "\r\n"


def playable(entries: list[PlaylistEntry]) -> list[PlaylistEntry]:
    """The entries that have audio: a recording, or speech where espeak-ng is installed."""
    speaks = speech.espeak_available()
    return [e for e in entries if e.source == "recording" or (e.source == "speech" and speaks)]


def audio_items(entries: list[PlaylistEntry]) -> list:
    """The items (language versions) whose audio a playlist plays, once each, in playing order."""
    return list({e.item.id: e.item for e in playable(entries)}.values())


def prepare_audio(settings: Settings, items: list, progress=None) -> int:
    """Generate the speech of ``items`` that is not made yet (recordings need nothing); ``progress(done, total)``
    after each file. Returns how many files were generated."""
    made = 0
    for done, item in enumerate(items, 1):
        if ready_audio(settings, item) is None:
            speech_file(settings, item)
            made += 1
        if progress:
            progress(done, len(items))
    return made


def audio_ahead(db: Session, day: date) -> list:
    """The items whose audio the communes play on ``day`` and the day after, and the public portal's speakable
    articles: what a worker prepares before any player asks for it."""
    items = {}
    for when in (day, day + timedelta(days=1)):
        planner = Planner(db, when)
        for commune in list_communes(db):
            items.update((i.id, i) for i in audio_items(planner.playlist(db, commune)))
    items.update((i.id, i) for i in portal_items(db) if i.language in SPEAKABLE)
    return list(items.values())


def playlist_bundle(
    settings: Settings, commune: Commune, day: date, entries: list[PlaylistEntry], progress=None
) -> bytes:
    """A ZIP for a station without a steady connection: the day's audio files and an M3U naming them;
    ``progress(done, total)`` after each audio file. Generates missing speech, so it runs as a job."""
    items = audio_items(entries)
    with_audio = {id(e) for e in playable(entries)}
    files: dict[int, tuple[str, Path]] = {}
    for n, item in enumerate(items, 1):
        path, _media = item_audio(settings, item)
        files[item.id] = (f"{n:02d}-{content.slugify(item.title, 50)}{path.suffix}", path)
        if progress:
            progress(n, len(items))
    lines = ["#EXTM3U", f"#PLAYLIST:{commune.name} {day:%d/%m/%Y}"]
    for e in entries:
        title = f"{e.label} [{e.language}] {e.item.title}"
        if id(e) not in with_audio or not e.fits:
            lines.append(f"# {title}: chưa có bản ghi âm / no recording")
            continue
        lines += [f"#EXTINF:{round(e.seconds)},{title}", files[e.item.id][0]]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("playlist.m3u", "\r\n".join(lines) + "\r\n")
        for name, path in files.values():
            z.write(path, name)
    return buf.getvalue()


def bundle_name(commune: Commune, day: date) -> str:
    return f"loa-{content.slugify(commune.name)}-{day:%Y-%m-%d}.zip"


# ---- the public portal ------------------------------------------------------------------------------------


def portal_channels(db: Session) -> list:
    return [c for c in content.list_channels(db) if c.kind == "portal"]


def portal_items(db: Session, limit: int = 50) -> list:
    """Items published on the province's portal channels, latest first."""
    found = {}
    for channel in portal_channels(db):
        for item in content.published_items(db, channel, limit=limit):
            found[item.id] = item
    return sorted(found.values(), key=lambda i: (i.published_at or utcnow(), i.id), reverse=True)[:limit]


def article_path(item) -> str:
    """A readable Vietnamese address: "/tin-tuc/tiem-vac-xin-mui-3-cho-nguoi-cao-tuoi-12"."""
    return f"/tin-tuc/{content.slugify(item.title)}-{item.id}"


def portal_item(db: Session, ref: str):
    """The published portal item named by the last number of ``ref``; 404 for anything not public."""
    m = re.search(r"(\d+)$", ref or "")
    try:
        item = content.get_item(db, int(m.group(1))) if m else None
    except UserError:
        item = None
    if (
        item is None
        or item.state != "published"
        or not any(s.status == "published" and s.channel.kind == "portal" for s in item.schedules)
    ):
        raise UserError("Không tìm thấy bài viết.", "Article not found.", 404)
    return item


def public_versions(item) -> list:
    """The item's other published language versions."""
    master = item.master or item
    return [v for v in [master] + list(master.variants) if v.id != item.id and v.state == "published"]


# ---- feeds ------------------------------------------------------------------------------------------------


def feed(db: Session, channel_slug: str, base_url: str, kind: str = "rss", province: str = "") -> bytes:
    """RSS 2.0 or Atom 1.0 of the items published on a channel (newest 50)."""
    from feedgen.feed import FeedGenerator  # imported here: it (with lxml) slows every CLI and web start

    channel = content.channel_by_slug(db, channel_slug)
    if channel is None or not channel.active:
        raise UserError("Không có kênh này.", "No such channel.", 404)
    base = base_url.rstrip("/")
    items = content.published_items(db, channel, limit=50)
    fg = FeedGenerator()
    fg.id(f"{base}/kenh/{channel.slug}")
    fg.title(f"{channel.name} — {province}" if province else channel.name)
    fg.subtitle(channel.description or f"Tin phòng, chống dịch trên kênh {channel.name}")
    fg.link(href=f"{base}/tin-tuc", rel="alternate")
    fg.link(href=f"{base}/kenh/{channel.slug}/{'atom' if kind == 'atom' else 'rss'}.xml", rel="self")
    fg.language("vi")
    fg.generator("Loa")
    fg.updated(max((i.published_at for i in items if i.published_at), default=channel.created_at))
    for item in reversed(items):
        entry = fg.add_entry()
        url = base + article_path(item)
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(item.title)
        entry.link(href=url)
        entry.summary(_excerpt(item.body, 300))
        entry.content(str(content.body_html(item.body)), type="html")
        entry.published(item.published_at)
        entry.updated(item.published_at)
        for theme in item.themes:
            entry.category(term=theme.name)
    return fg.atom_str(pretty=True) if kind == "atom" else fg.rss_str(pretty=True)


def _excerpt(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


# ---- social-media texts -----------------------------------------------------------------------------------

# platform → (label, limit in the platform's own count)
PLATFORMS = {
    "facebook": ("Facebook", 63206),
    "zalo": ("Zalo (Official Account)", 2000),
    "x": ("X (Twitter)", 280),
    "instagram": ("Instagram", 2200),
}
X_URL_LENGTH = 23
_X_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_URL = re.compile(r"https?://\S+")


def x_length(text: str) -> int:
    """Length as X counts it: links 23, Latin and basic punctuation 1, everything else — Vietnamese letters of
    Latin Extended Additional ("ế", "ộ") included — 2."""
    n = len(_URL.findall(text)) * X_URL_LENGTH
    for ch in _URL.sub("", text):
        n += 1 if any(lo <= ord(ch) <= hi for lo, hi in _X_LIGHT) else 2
    return n


def platform_length(platform: str, text: str) -> int:
    return x_length(text) if platform == "x" else len(text)


@dataclass
class SocialText:
    platform: str
    label: str
    limit: int
    text: str
    length: int
    shortened: bool
    images: tuple[str, ...] = ()  # addresses of the pictures to post with the text (the item's images)

    @property
    def fits(self) -> bool:
        return self.length <= self.limit


def social_texts(item, url: str, images: tuple[str, ...] = ()) -> list[SocialText]:
    """The item as a post for each platform: the whole text when it fits, else the body cut at a word with
    "…" and the link to the full article, short enough for the platform; ``images`` (addresses of the item's
    pictures, e.g. a bulletin's charts) go with every post."""
    out = []
    for platform, (label, limit) in PLATFORMS.items():
        full = f"{item.title}\n\n{item.body}\n\n{url}".strip()
        text, shortened = full, False
        if platform_length(platform, full) > limit:
            shortened = True
            words = f"{item.title}\n\n{item.body}".split(" ")
            while words:
                text = " ".join(words).rstrip(" ,.;:") + f"…\n{url}"
                if platform_length(platform, text) <= limit:
                    break
                words.pop()
            else:
                text = url
        out.append(SocialText(platform, label, limit, text, platform_length(platform, text), shortened, images))
    return out


# ---- print ------------------------------------------------------------------------------------------------


def images(item) -> list:
    """The item's picture attachments (a bulletin's charts), in the order they were added."""
    return sorted((a for a in item.attachments if a.media_type.startswith("image/")), key=lambda a: a.id)


def caption(attachment) -> str:
    """A picture's caption: its file name without the extension (a chart is named by its title)."""
    return attachment.filename.rsplit(".", 1)[0]


def image_path(item, attachment) -> str:
    """The public address of a picture of a portal article."""
    return f"{article_path(item)}/anh/{attachment.id}"


def public_image(db: Session, ref: str, attachment_id: int):
    """A picture of a published portal article; 404 for anything else."""
    item = portal_item(db, ref)
    found = next((a for a in images(item) if a.id == attachment_id), None)
    if found is None:
        raise UserError("Không tìm thấy ảnh.", "Image not found.", 404)
    return found


def print_document(item, province: str, figures: tuple[tuple[bytes, str], ...] = ()) -> documents.Document:
    """The item laid out as a Vietnamese leaflet/notice for printing, with its pictures (bytes, caption)."""
    agency = item.author.agency.name if item.author and item.author.agency else ""
    issuer = [f"TỈNH {province.upper()}"] + ([agency.upper()] if agency else [])
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", item.body or "") if p.strip()]
    blocks: list = [documents.Paragraph(p) for p in paragraphs]
    blocks += [documents.Figure(data, caption) for data, caption in figures]
    if item.source:
        blocks.append(documents.Paragraph(f"Nguồn: {item.source}"))
    when = local_day(item.published_at or item.approved_at or utcnow())
    return documents.Document(
        title=item.title, issuer=issuer, header=documents.NATIONAL_HEADER, place=province, date=when, blocks=blocks
    )


PRINT_MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def check_print(item, fmt: str) -> None:
    """Refuse what cannot be printed: an item not yet approved, a format other than DOCX or PDF."""
    if item.state not in LIVE_STATES:
        raise UserError("Chỉ in được bài đã duyệt.", "Only approved items can be printed.", 409)
    if fmt not in PRINT_MEDIA:
        raise UserError("Định dạng in phải là DOCX hoặc PDF.", "Print format must be DOCX or PDF.", 422)


def print_file(item, settings: Settings, fmt: str) -> bytes:
    """DOCX or PDF of an approved item, its pictures included."""
    check_print(item, fmt)
    figures = tuple((content.attachment_path(settings, a).read_bytes(), caption(a)) for a in images(item))
    doc = print_document(item, settings.province, figures)
    return documents.to_docx(doc) if fmt == "docx" else documents.to_pdf(doc)


def print_filename(item, fmt: str) -> str:
    return f"{content.slugify(item.title)}.{fmt}"

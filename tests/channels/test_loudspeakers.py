"""Communes, broadcast slots, daily playlists (M3U), spoken audio and uploaded recordings."""

import io
import shutil
import wave
from datetime import date

import pytest

from loa.channels import service, speech
from loa.errors import UserError
from tests.channels.conftest import local_at

DAY = date(2021, 9, 20)
needs_espeak = pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")


def wav_bytes(seconds=1.0, rate=16000):
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x01\x00" * int(seconds * rate))
    return buf.getvalue()


@pytest.fixture
def commune(db, people):
    c = service.create_commune(db, people["coordinator"], "Ngọc Biên", "Trà Cú", "vi,km")
    service.add_slot(db, people["coordinator"], c, "6:00", 30)
    service.add_slot(db, people["coordinator"], c, "17h00", 30)
    db.commit()
    return c


def test_commune_and_slots(db, people, commune):
    assert [str(s) for s in commune.slots] == ["06:00", "17:00"]
    assert commune.language_list == ["vi", "km"]
    assert service.find_commune(db, "ngoc bien").id == commune.id
    with pytest.raises(UserError) as e:
        service.add_slot(db, people["coordinator"], commune, "06:00")
    assert e.value.status == 409
    for bad in ("25:00", "6:75", "sáng"):
        with pytest.raises(UserError):
            service.add_slot(db, people["coordinator"], commune, bad)
    with pytest.raises(UserError) as e:
        service.create_commune(db, people["editor"], "Tân Sơn", "Trà Cú")
    assert e.value.status == 403
    with pytest.raises(UserError):
        service.create_commune(db, people["coordinator"], "Tân Sơn", "Trà Cú", "vi,fr")


def test_daily_playlist_and_m3u(db, people, commune, publish):
    morning = publish(
        "Lịch tiêm vắc xin mũi 3 tại xã",
        "Sáng 21/9/2021, trạm y tế xã tiêm cho người từ 50 tuổi.",
        channel="loudspeaker",
        at=local_at(DAY, 5, 30),
    )
    noon = publish(
        "Nhắc thực hiện 5K",
        "Bà con đeo khẩu trang, rửa tay thường xuyên.",
        channel="loudspeaker",
        at=local_at(DAY, 12, 0),
    )
    khmer = publish("Lịch tiêm (tiếng Khmer)", "Khmer text", master=morning, language="km")
    other_day = publish(
        "Tin ngày khác", "Không phát hôm nay.", channel="loudspeaker", at=local_at(date(2021, 9, 21), 5)
    )
    entries = service.daily_playlist(db, commune, DAY)
    rows = [(f"{e.slot}", e.item.id, e.language, e.source) for e in entries]
    assert rows == [
        ("06:00", morning.id, "vi", "speech"),
        ("06:00", khmer.id, "km", "missing"),
        ("17:00", morning.id, "vi", "speech"),
        ("17:00", khmer.id, "km", "missing"),
        ("17:00", noon.id, "vi", "speech"),
    ]
    assert other_day.id not in {e.item.id for e in entries}


def test_a_variant_planned_beside_its_master_plays_once(db, commune, publish):
    vi = publish(
        "Lịch tiêm vắc xin", "Trạm y tế xã tiêm vắc xin từ 7h00.", channel="loudspeaker", at=local_at(DAY, 5, 0)
    )
    km = publish("Lịch tiêm (Khmer)", "Khmer", master=vi, language="km", channel="loudspeaker", at=local_at(DAY, 5, 10))
    rows = [(str(e.slot), e.item.id, e.language) for e in service.daily_playlist(db, commune, DAY)]
    assert rows == [("06:00", vi.id, "vi"), ("06:00", km.id, "km"), ("17:00", vi.id, "vi"), ("17:00", km.id, "km")]


def test_recording_fills_the_khmer_gap(db, settings, people, commune, publish):
    vi = publish(
        "Lịch tiêm vắc xin", "Trạm y tế xã tiêm vắc xin từ 7h00.", channel="loudspeaker", at=local_at(DAY, 5, 0)
    )
    km = publish("Lịch tiêm (Khmer)", "Khmer", master=vi, language="km")
    service.add_recording(db, settings, km, people["editor"], "ban-khmer.wav", wav_bytes(2.0))
    db.commit()
    entries = service.daily_playlist(db, commune, DAY)
    assert [(e.language, e.source) for e in entries if str(e.slot) == "06:00"] == [
        ("vi", "speech"),
        ("km", "recording"),
    ]
    m3u = service.playlist_m3u(commune, DAY, entries, "http://loa.example")
    lines = m3u.splitlines()
    assert lines[0] == "#EXTM3U"
    assert f"http://loa.example/loudspeakers/audio/{km.id}.wav" in lines
    assert f"http://loa.example/loudspeakers/audio/{vi.id}.mp3" in lines
    assert sum(1 for x in lines if x.startswith("#EXTINF:")) == 4
    path, media_type = service.item_audio(settings, km)
    assert media_type == "audio/wav" and speech.wav_seconds(path) == pytest.approx(2.0, abs=0.01)


@pytest.mark.parametrize(
    "data,status",
    [
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, 415),  # an image is not a recording
        (b"plain text, not audio", 415),
        (b"RIFF\x00\x00\x00\x00WAVEbroken", 415),  # looks like WAV, does not decode
        (wav_bytes(0.1), 422),  # too short
    ],
)
def test_bad_recordings_are_refused(db, settings, people, publish, data, status):
    item = publish("Bài có ghi âm", "Nội dung.")
    before = len(item.attachments)
    with pytest.raises(UserError) as e:
        service.add_recording(db, settings, item, people["editor"], "x.wav", data)
    assert e.value.status == status
    assert len(item.attachments) == before


def test_too_large_recording(db, settings, people, publish):
    settings.max_upload_mb = 1
    item = publish("Bài có ghi âm lớn", "Nội dung.")
    with pytest.raises(UserError) as e:
        service.add_recording(db, settings, item, people["editor"], "x.wav", wav_bytes(40.0))
    assert e.value.status == 413


def test_viewer_cannot_upload(db, settings, people, publish):
    item = publish("Bài", "Nội dung.")
    with pytest.raises(UserError) as e:
        service.add_recording(db, settings, item, people["viewer"], "x.wav", wav_bytes(1.0))
    assert e.value.status == 403


@needs_espeak
def test_item_speech_is_cached_and_fits(db, settings, publish):
    item = publish("Thông báo", "Ngày 15/7/2021, xã ghi nhận 3 ca F0. Gọi 0294.3855.123 khi có triệu chứng.")
    path = service.speech_file(settings, item, "wav")
    assert path.stat().st_size > 10000
    seconds = speech.wav_seconds(path)
    assert 0.15 < seconds / len(service.spoken_text(item).split()) < 0.6
    mtime = path.stat().st_mtime_ns
    assert service.speech_file(settings, item, "wav").stat().st_mtime_ns == mtime


def test_no_offline_khmer_voice(db, settings, publish):
    vi = publish("Bài gốc", "Nội dung.")
    km = publish("Bản Khmer", "Khmer", master=vi, language="km")
    with pytest.raises(UserError) as e:
        service.speech_file(settings, km)
    assert "Khmer" in e.value.message and e.value.status == 404

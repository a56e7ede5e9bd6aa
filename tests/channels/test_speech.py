"""The Vietnamese pre-normaliser on a table of cases, and espeak-ng audio whose length fits the text."""

import shutil
import subprocess
import wave
from pathlib import Path

import pytest

from loa.channels import speech
from loa.errors import UserError

CASE_FILE = Path(speech.__file__).with_name("speech_cases.tsv")


def _cases() -> list[tuple[str, str]]:
    """The table beside the normaliser: "written<TAB>spoken" per line, "#" comments, "\\n" for a line break."""
    rows = []
    for line in CASE_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            written, spoken = line.split("\t")
            rows.append((written.replace("\\n", "\n"), spoken.replace("\\n", "\n")))
    return rows


CASES = _cases()


@pytest.mark.parametrize("written,spoken", CASES, ids=[c[0] for c in CASES])
def test_normalize(written, spoken):
    assert speech.normalize(written) == spoken


def test_table_is_large_enough():
    assert len(CASES) >= 200 and len({w for w, _ in CASES}) == len(CASES)


def test_a_sentence_reads_through():
    text = (
        "Ngày 15/7/2021, TTYT huyện ghi nhận 12 ca F0 (tăng 20%). Người dân thực hiện 5K, "
        "tiêm vắc-xin AstraZeneca mũi 2; cần hỗ trợ gọi 0294.3855.123."
    )
    assert speech.normalize(text) == (
        "Ngày mười lăm tháng bảy năm hai nghìn không trăm hai mươi mốt, trung tâm y tế huyện ghi nhận mười hai ca "
        "ép không, tăng hai mươi phần trăm. Người dân thực hiện năm ca, tiêm vắc xin át-xtra-dê-nê-ca mũi hai; "
        "cần hỗ trợ gọi không hai chín bốn, ba tám năm năm, một hai ba."
    )


def test_no_digit_survives():
    text = "Từ 6:00 đến 17h30 ngày 1/10/2021, 1.234 người (85,5%) đã tiêm 2 mũi; BHYT chi 3,5 tỷ đồng."
    assert not any(c.isdigit() for c in speech.normalize(text))


@pytest.mark.parametrize(
    "province,voice",
    [
        ("Trà Vinh", "vi-vn-x-south"),
        ("Tỉnh Cần Thơ", "vi-vn-x-south"),
        ("Thừa Thiên Huế", "vi-vn-x-central"),
        ("Hà Nội", "vi"),
    ],
)
def test_voice_per_province(province, voice):
    assert speech.voice_for(province) == voice


needs_espeak = pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")


@needs_espeak
@pytest.mark.parametrize("voice", sorted(speech.VOICES.values()))
def test_wav_duration_fits_the_text(tmp_path, voice):
    text = "Ngày 15/7/2021, xã Long Đức ghi nhận 3 ca F0. Bà con thực hiện 5K và đi tiêm vắc-xin đúng lịch."
    spoken = speech.normalize(text)
    syllables = len(spoken.replace("-", " ").split())
    out = speech.synthesize(text, tmp_path / "bulletin.wav", voice=voice)
    with wave.open(str(out), "rb") as w:
        assert w.getnchannels() == 1 and w.getframerate() >= 16000
        seconds = w.getnframes() / w.getframerate()
    assert 0.15 < seconds / syllables < 0.6, (seconds, syllables)
    short = speech.synthesize("Xin chào bà con.", tmp_path / "short.wav", voice=voice)
    assert speech.wav_seconds(short) < seconds / 3


@needs_espeak
@pytest.mark.parametrize("fmt", ["mp3", "ogg"])
def test_compressed_audio(tmp_path, fmt):
    out = speech.synthesize("Bà con đeo khẩu trang khi ra đường.", tmp_path / f"a.{fmt}")
    decoded = tmp_path / "decoded.wav"
    if fmt == "mp3":
        subprocess.run(["lame", "--quiet", "--decode", str(out), str(decoded)], check=True)
    else:
        subprocess.run(["sox", str(out), str(decoded)], check=True)
    seconds = speech.wav_seconds(decoded)
    assert 1.0 < seconds < 6.0
    head = out.read_bytes()[:4]
    assert head == b"OggS" if fmt == "ogg" else head[:3] == b"ID3" or head[0] == 0xFF


def test_refuses_bad_format_and_empty_text(tmp_path):
    with pytest.raises(UserError):
        speech.synthesize("Xin chào", tmp_path / "a.flac")
    with pytest.raises(UserError):
        speech.synthesize("  ", tmp_path / "a.wav")

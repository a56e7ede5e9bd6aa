"""`loa speak`, `loa content speak`, `loa loudspeakers` and the demo data, run as commands (`loa speak` as the
installed command)."""

import json
import shutil
import subprocess
import wave

import pytest

from loa.channels import demo, speech
from tests.conftest import run_cli, run_installed

needs_espeak = pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")


def test_speak_show_text_prints_exactly_what_is_spoken(cli_env):
    text = "Ngày 15/7/2021, BHYT chi trả 80% cho F0; gọi 0294.3855.123."
    r = run_installed(["speak", text, "--show-text"], cli_env)
    assert r.returncode == 0, r.stderr
    assert r.stdout == speech.normalize(text) + "\n"
    assert r.stdout.startswith("Ngày mười lăm tháng bảy năm hai nghìn không trăm hai mươi mốt, bảo hiểm y tế")
    piped = run_installed(["speak", "-", "--show-text"], cli_env, input="1.234 người")
    assert piped.stdout == "một nghìn hai trăm ba mươi tư người\n"
    assert run_installed(["speak", "xin chào"], cli_env).returncode == 1


@needs_espeak
def test_speak_out_writes_audio(cli_env, tmp_path):
    out = tmp_path / "loa.wav"
    r = run_cli(["speak", "Bà con thực hiện 5K.", "--out", str(out), "--voice", "central"], cli_env)
    assert r.returncode == 0, r.stderr
    assert "vi-vn-x-central" in r.stderr
    with wave.open(str(out)) as w:
        assert 1.0 < w.getnframes() / w.getframerate() < 8
    bad = run_cli(["speak", "x", "--out", str(tmp_path / "a.flac")], cli_env)
    assert bad.returncode == 1 and "WAV, MP3" in bad.stderr


@needs_espeak
def test_demo_then_content_speak_and_playlist(demo_province, cli_env, tmp_path):
    assert run_cli(["demo", "--no-serve"], cli_env).returncode == 0
    listing = run_cli(["loudspeakers", "communes", "--json"], cli_env)
    communes = json.loads(listing.stdout)
    assert {c["name"] for c in communes} >= {"Ngọc Biên", "Mỹ Long Nam"}
    assert len(communes) == 106  # the province's register; the demo gives ten of them their daily slots
    assert sorted(c["name"] for c in communes if c["slots"] == ["06:00", "17:00"]) == sorted(
        name for district in demo.COMMUNES.values() for name, _languages in district
    )
    m3u = run_cli(["loudspeakers", "playlist", "Ngoc Bien"], cli_env)
    assert m3u.returncode == 0, m3u.stderr
    assert m3u.stdout.startswith("#EXTM3U") and "chưa có bản ghi âm" in m3u.stdout
    items = json.loads(run_cli(["content", "list", "--json"], cli_env).stdout)
    bulletin = next(i for i in items if i["title"] == demo.BULLETIN[0])
    khmer_id = next(i["id"] for i in items if i["master_id"] == bulletin["id"] and i["language"] == "km")
    item_id = str(bulletin["id"])
    assert f"/loudspeakers/audio/{item_id}.mp3" in m3u.stdout
    out = tmp_path / "bulletin.mp3"
    r = run_cli(["content", "speak", item_id, "--out", str(out), "--show-text"], cli_env)
    assert r.returncode == 0, r.stderr
    assert (
        "không hai chín bốn, ba tám năm năm, một hai ba" in r.stdout and "chín mươi hai phẩy năm phần trăm" in r.stdout
    )
    decoded = tmp_path / "decoded.wav"
    subprocess.run(["lame", "--quiet", "--decode", str(out), str(decoded)], check=True)
    syllables = len(r.stdout.split())
    assert 0.15 < speech.wav_seconds(decoded) / syllables < 0.6
    khmer = run_cli(["content", "speak", str(khmer_id), "--out", str(tmp_path / "km.mp3")], cli_env)
    assert khmer.returncode == 1 and "Khmer" in khmer.stderr
    assert run_cli(["content", "speak", "9999", "--show-text"], cli_env).returncode == 1

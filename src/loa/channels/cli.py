"""``loa speak``, ``loa content speak`` and ``loa loudspeakers ...``: spoken audio and commune playlists."""

from __future__ import annotations

import shutil
import sys
from datetime import date
from pathlib import Path

import typer

from loa import clock
from loa.channels import service, speech
from loa.clitools import cli_session, echo_json, fail, settings
from loa.content import service as content
from loa.errors import UserError

loudspeakers_app = typer.Typer(help="Loa truyền thanh cơ sở / commune loudspeakers.", no_args_is_help=True)
REGIONS = ", ".join(speech.VOICES)


def _voice(region: str) -> str:
    if not region:
        return speech.voice_for(settings().province)
    if region not in speech.VOICES:
        fail(f"Giọng phải là một trong / voice must be one of: {REGIONS}")
    return speech.VOICES[region]


def _write(spoken: str, out: Path, voice: str) -> None:
    try:
        speech.synthesize(spoken, out, voice=voice, normalized=True)
    except UserError as exc:
        fail(f"{exc.message} / {exc.message_en}")
    typer.echo(f"Đã ghi / written: {out} ({voice})", err=True)


def speak(
    text: str = typer.Argument(..., help="Văn bản, hoặc '-' để đọc từ stdin / text, or '-' for stdin"),
    out: Path | None = typer.Option(None, "--out", "-o", help="WAV, MP3 hoặc OGG (theo đuôi tệp)"),
    show_text: bool = typer.Option(False, "--show-text", help="In văn bản đúng như máy sẽ đọc"),
    voice: str = typer.Option("", "--voice", help=f"{REGIONS}; mặc định theo tỉnh / default by province"),
) -> None:
    """Read Vietnamese text aloud with espeak-ng, after the pre-normaliser (numbers, dates, abbreviations...)."""
    if text == "-":
        text = sys.stdin.read()
    if not show_text and out is None:
        fail("Cần --out FILE hoặc --show-text / give --out FILE or --show-text.")
    spoken = speech.normalize(text)
    if show_text:
        typer.echo(spoken)
    if out is not None:
        _write(spoken, out, _voice(voice))


def content_speak(
    item: str = typer.Argument(..., help="Mã hoặc đường dẫn (slug) của bài / item id or slug"),
    out: Path | None = typer.Option(None, "--out", "-o", help="WAV, MP3 hoặc OGG"),
    show_text: bool = typer.Option(False, "--show-text", help="In văn bản đúng như máy sẽ đọc"),
) -> None:
    """Read a content item aloud (title, then body) with the province's voice; a recording, if uploaded, is copied."""
    if not show_text and out is None:
        fail("Cần --out FILE hoặc --show-text / give --out FILE or --show-text.")
    with cli_session() as db:
        try:
            found = content.get_item(db, int(item)) if item.isdecimal() else content.item_by_slug(db, item)
        except UserError as exc:
            fail(f"{exc.message} / {exc.message_en}")
        if found is None:
            fail(f"Không có bài “{item}” / no such item.")
        if show_text and found.language in service.SPEAKABLE:
            typer.echo(service.spoken_text(found))
        if out is None:
            return
        recording = service.recording_of(found)
        if recording is not None and out.suffix.lower() == Path(recording.stored_name).suffix:
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(content.attachment_path(settings(), recording), out)
            typer.echo(f"Đã chép bản ghi âm / copied the recording: {out}", err=True)
            return
        if found.language not in service.SPEAKABLE:
            fail(
                "Không có giọng đọc tiếng Khmer ngoại tuyến: hãy tải lên bản ghi âm. / "
                "There is no offline Khmer voice: upload a recording."
            )
        _write(service.spoken_text(found), out, service.voice_for_item(settings(), found))


@loudspeakers_app.command("communes")
def communes_cmd(as_json: bool = typer.Option(False, "--json")) -> None:
    """List communes with their broadcast times."""
    with cli_session() as db:
        rows = service.list_communes(db)
        if as_json:
            echo_json(
                [
                    {
                        "id": c.id,
                        "name": c.name,
                        "district": c.district,
                        "languages": c.language_list,
                        "slots": [s.start for s in c.slots],
                    }
                    for c in rows
                ]
            )
            return
        for c in rows:
            slots = " ".join(s.start for s in c.slots) or "-"
            typer.echo(f"{c.id:4} {c.district:18} {c.name:22} {c.languages:6} {slots}")


@loudspeakers_app.command("playlist")
def playlist_cmd(
    commune: str = typer.Argument(..., help="Mã hoặc tên xã / commune id or name"),
    day: str = typer.Option("", "--date", help="YYYY-MM-DD; mặc định hôm nay / default today"),
    base_url: str = typer.Option("http://127.0.0.1:8000", "--base-url"),
    out: Path | None = typer.Option(None, "--out", "-o", help="Tệp M3U; mặc định in ra / stdout"),
) -> None:
    """A commune's playlist of the day as M3U."""
    with cli_session() as db:
        try:
            found = service.find_commune(db, commune)
            when: date = clock.parse_day(day)
        except UserError as exc:
            fail(f"{exc.message} / {exc.message_en}")
        text = service.playlist_m3u(found, when, service.daily_playlist(db, found, when), base_url)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"Đã ghi / written: {out}", err=True)


def register(app: typer.Typer) -> None:
    app.command("speak")(speak)
    app.add_typer(loudspeakers_app, name="loudspeakers")
    group = next((g for g in app.registered_groups if g.name == "content"), None)
    if group is not None:
        group.typer_instance.command("speak")(content_speak)

"""``loa text scrub``: print each line of a file (or stdin) with its personal data replaced by placeholders;
``loa text rescrub``: scrub again the public texts already stored."""

from __future__ import annotations

import codecs
import sys
from pathlib import Path

import typer

from loa import modules
from loa.clitools import cli_session, fail, settings
from loa.text.pii import scrub

text_app = typer.Typer(help="Văn bản tiếng Việt / Vietnamese text.", no_args_is_help=True)


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is refused, naming the offending line."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            fail(f"{name}: tệp UTF-16 hỏng / broken UTF-16 file.")
    if b"\x00" in data:
        fail(
            f"{name}: có vẻ là UTF-16 không có BOM; hãy lưu lại dưới dạng UTF-8.\n"
            f"{name}: looks like UTF-16 without a byte-order mark; save it as UTF-8."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        fail(
            f"{name}, dòng {line}: không phải UTF-8 (có thể là Windows-1258/TCVN3); hãy lưu lại dưới dạng UTF-8.\n"
            f"{name}, line {line}: not UTF-8 (perhaps Windows-1258/TCVN3); save it as UTF-8, "
            f"e.g. iconv -f CP1258 -t UTF-8."
        )


@text_app.command("scrub")
def scrub_cmd(file: str = typer.Option("-", "--file", "-f", help="Tệp; '-' là stdin / file, '-' for stdin")) -> None:
    """Print each line with phones, ID numbers, e-mails, plates and addresses replaced (one line in, one out)."""
    if file == "-":
        data, name = sys.stdin.buffer.read(), "stdin"
    else:
        try:
            data, name = Path(file).read_bytes(), file
        except OSError as exc:
            fail(f"Không đọc được tệp / cannot read {file}: {exc.strerror}")
    text = decode(data, name)
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    for line in lines:
        typer.echo(scrub(line.removesuffix("\r")))


@text_app.command("rescrub")
def rescrub_cmd(
    background: bool = typer.Option(False, "--background", help="Giao cho worker / queue it for a worker"),
) -> None:
    """Scrub again every stored public text (listening stories, questions, claim sightings, triage texts) with
    today's scrubber and print how many changed; running it again changes nothing."""
    from loa.jobs import service as jobs  # here: the scrub command needs neither the database nor the queue
    from loa.text.stored import rescrub_all

    with cli_session() as db:
        if background:
            modules.load_jobs()  # the job kinds, so that the queue knows this one
            job = jobs.submit(db, settings(), "text.rescrub")
            typer.echo(f"Đã giao công việc / queued job {job.id}: /jobs/{job.id}")
            return
        found = rescrub_all(db)
    for what, (read, changed) in found.items():
        typer.echo(f"{what}: {changed}/{read}")
    total = sum(c for _r, c in found.values())
    typer.echo(f"Đã lọc lại / re-scrubbed: {total} văn bản thay đổi / texts changed")


def register(app: typer.Typer) -> None:
    app.add_typer(text_app, name="text")

"""``loa listening``: classify, import, poll, report, retention.

The commands import the listening services inside their bodies: ``loa`` registers every module's commands at
start-up, and the services pull in the classifier, MinHash (SciPy) and the web views, seconds that
``loa --help`` and the other modules' commands should not pay."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from loa.clitools import cli_session, echo_json, fail, settings
from loa.clock import parse_date
from loa.listening.config import ListeningSettings
from loa.text.language import detect

app = typer.Typer(help="Lắng nghe dư luận / aggregate health-topic listening.", no_args_is_help=True)


# Khmer text is counted apart and left to a Khmer-reading officer: no topic is guessed for it.
UNCLASSIFIED = {"category": None, "subcategories": [], "is_question": False, "is_concern": False, "sentiment": None}


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="listening")


@app.command("classify")
def classify_cmd(
    text: str | None = typer.Argument(None),
    file: Path | None = typer.Option(None, "--file"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Classify TEXT, or every line of --file (one JSON object per line, in order), with its language and the
    province's places it names (the commune register, else the gazetteer's districts). Nothing is stored."""
    from loa.listening import places
    from loa.listening.classify import classify

    if file is None and text is None:
        fail("Cần nội dung hoặc --file / give a text or --file.")
    lines = (
        (file.read_text(encoding="utf-8").splitlines() if str(file) != "-" else sys.stdin.read().splitlines())
        if file is not None
        else [text]
    )
    with cli_session() as db:
        register = places.load(db)
    for line in lines:
        language = detect(line).code
        result = {
            "language": language,
            **(classify(line) if language != "km" else UNCLASSIFIED),
            "places": [{"district": d, "commune": c} for d, c in register.find(line)],
        }
        if as_json:
            echo_json(result)
        else:
            topics = ",".join(map(str, result["subcategories"]))
            typer.echo(
                f"{result['language']:5} {result['category'] or '-':14} {topics:12} q={int(result['is_question'])} "
                f"c={int(result['is_concern'])} {result['sentiment'] or '-':8} {line[:60]}"
                + "".join(f" [{p['commune'] + ', ' if p['commune'] else ''}{p['district']}]" for p in result["places"])
            )


@app.command("import")
def import_cmd(
    target: str,
    mapping: list[str] = typer.Option([], "--map", help="field=column, e.g. text=noi_dung"),
    platform: str = typer.Option("", "--platform"),
) -> None:
    """Import a CSV / JSON Lines export or a saved RSS/Atom file; a URL is added as a feed source and polled.
    An interrupted import resumes where it stopped when run again; the same file twice adds nothing."""
    from loa.listening import service

    cfg = ListeningSettings()
    with cli_session() as db:
        if target.lower().startswith(("http://", "https://")):
            source = next((s for s in service.list_sources(db) if s.url == target), None) or service.create_source(
                db, name=target.split("//", 1)[1][:200], url=target
            )
            echo_json(service.poll_source(db, source))
            return
        path = Path(target)
        if not path.is_file():
            fail(f"Không thấy tệp / no such file: {path}")
        if path.stat().st_size > cfg.max_import_mb * 1024 * 1024:
            fail(f"Tệp quá lớn (trên {cfg.max_import_mb} MB) / file too large.")
        data = path.read_bytes()
        if service.file_format(path.name, data) == "feed":
            echo_json({"status": "done", **service.import_feed_bytes(db, data).as_dict()})
            return
        cols = dict(m.split("=", 1) for m in mapping) if mapping else None
        job = service.run_import(db, service.start_import(db, data, path.name, cols, platform), data, cfg)
        echo_json(
            {
                "id": job.id,
                "status": job.status,
                "rows": job.position,
                "added": job.added,
                "reposts": job.reposts,
                "already_seen": job.duplicates,
            }
        )


@app.command("poll")
def poll_cmd(force: bool = typer.Option(False, "--force", help="Poll every active source, due or not")) -> None:
    """Poll the feeds and pages that are due, then delete texts past retention (run it from cron, e.g. every
    5 minutes)."""
    from loa.listening import service

    with cli_session() as db:
        for result in service.poll(db, force=force):
            echo_json(result)
        echo_json({"retention": service.apply_retention(db)})


@app.command("report")
def report_cmd(
    start: str = typer.Option(..., "--from"),
    end: str = typer.Option(..., "--to"),
    fmt: str = typer.Option("html", "--format", help="html | pdf | docx"),
    out: Path = typer.Option(..., "--out"),
) -> None:
    """Write the insights report for --from DATE --to DATE (YYYY-MM-DD)."""
    from loa.listening import report
    from loa.listening.views import standalone_html

    if fmt not in ("html", "pdf", "docx"):
        fail("--format phải là html, pdf hoặc docx / must be html, pdf or docx.")
    first, last = parse_date(start), parse_date(end)
    if first is None or last is None:
        fail("Ngày dạng YYYY-MM-DD hoặc dd/mm/yyyy / dates as YYYY-MM-DD or dd/mm/yyyy.")
    with cli_session() as db:
        data = report.build(db, first, last)
        body = standalone_html(data).encode() if fmt == "html" else report.render(data, fmt, settings().province)
    out.write_bytes(body)
    typer.echo(f"{out} ({len(body)} bytes)")


@app.command("retention")
def retention_cmd(days: int | None = typer.Option(None, "--days")) -> None:
    """Delete stored texts older than the retention period (LOA_LISTENING_RETENTION_DAYS, default 90)."""
    from loa.listening import service

    with cli_session() as db:
        echo_json(service.apply_retention(db, days=days))

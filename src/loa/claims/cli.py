"""``loa claims``: import the registry, match a text, list the triage queue."""

from __future__ import annotations

from pathlib import Path

import typer

from loa.claims import service
from loa.claims.config import ClaimsSettings
from loa.clitools import cli_session, echo_json, fail
from loa.clitools import settings as loa_settings
from loa.errors import UserError
from loa.search import store

claims_app = typer.Typer(help="Tin sai lệch / misinformation desk.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(claims_app, name="claims")


@claims_app.command("import")
def import_(
    file: Path | None = typer.Argument(None, help='JSON file {"claims": [...]}'),
    starter: bool = typer.Option(False, "--starter", help="load the shipped starter registry"),
) -> None:
    """Import claims as drafts for a reviewer (all or nothing; re-importing changes no concluded verdict)."""
    if not starter and file is None:
        fail("Cần tệp hoặc --starter / give a FILE or --starter.")
    try:
        with cli_session() as db:
            counts = service.import_starter(db) if starter else service.import_claims(db, file.read_bytes())
    except UserError as exc:
        fail(exc.message)
    except OSError as exc:
        fail(f"Không đọc được tệp / cannot read file: {exc}")
    typer.echo(
        f"Đã nhập / imported: {counts['created']} mới/new, {counts['updated']} cập nhật/updated, "
        f"{counts['unchanged']} không đổi/unchanged"
    )
    if counts["conflicts"]:
        typer.echo(
            "Tin đã kết luận, không sửa (mở lại trước) / concluded, left as they are (reopen first): "
            + ", ".join(counts["conflicts"])
        )


@claims_app.command("match")
def match(
    text: str,
    as_json: bool = typer.Option(False, "--json"),
    match_threshold: float | None = typer.Option(None, "--match-threshold"),
    suggest_threshold: float | None = typer.Option(None, "--suggest-threshold"),
) -> None:
    """Match a text against the registry (records nothing)."""
    settings = ClaimsSettings()
    store.use(loa_settings())  # the registry index stored under the data directory: built once, then loaded
    if match_threshold is not None:
        settings.match_threshold = match_threshold
    if suggest_threshold is not None:
        settings.suggest_threshold = suggest_threshold
    with cli_session() as db:
        result = service.check_text(db, text, settings=settings, record=False)
    if as_json:
        echo_json(result)
        return
    label = {"match": "TRÙNG / MATCH", "suggest": "GỢI Ý / SUGGEST", "none": "KHÔNG / NONE"}[result["decision"]]
    typer.echo(f"{label}  {result['score']:.3f}{'  (bác bỏ / denial)' if result['negated'] else ''}")
    if result["claim"]:
        typer.echo(f"{result['claim']} → {service.verdict_label(result['verdict'])}")


@claims_app.command("triage")
def triage(limit: int = typer.Option(20, "--limit")) -> None:
    """List the triage queue, most urgent first."""
    with cli_session() as db:
        for item in service.triage_queue(db, limit=limit):
            typer.echo(f"{item.id:5} {item.priority:8.2f}  {item.text[:100]}")

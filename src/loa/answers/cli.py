"""``loa ask`` and ``loa answers import/export``."""

from __future__ import annotations

from pathlib import Path

import typer

from loa.answers import service, transfer
from loa.clitools import cli_session, echo_json, fail, settings
from loa.errors import UserError

answers_app = typer.Typer(help="Hỏi đáp: nhập/xuất câu hỏi – trả lời (FAQ).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)
    app.add_typer(answers_app, name="answers")


def ask(
    question: str = typer.Argument(..., help="Câu hỏi"),
    json: bool = typer.Option(False, "--json"),
    record: bool = typer.Option(True, "--record/--no-record", help="Xếp câu hỏi chưa có trả lời vào hàng chờ"),
):
    """Hỏi như một người dân: câu trả lời đã duyệt, hoặc xếp câu hỏi vào hàng chờ."""
    with cli_session() as db:
        try:
            result = service.ask(db, question, index_dir=settings().data_dir / "indexes", channel="cli", record=record)
        except UserError as exc:
            fail(exc.message)
    if json:
        echo_json(result)
        return
    if result["answered"]:
        typer.echo(result["answer"])
        typer.echo(
            f"\nNguồn: {result['source']}"
            + (f" ({result['source_date']})" if result["source_date"] else "")
            + f" · độ tin cậy {result['score']:.2f}"
        )
    else:
        typer.echo("Chưa có câu trả lời đã duyệt cho câu hỏi này; câu hỏi đã được chuyển tới cán bộ y tế.")
    for alt in result["alternatives"]:
        typer.echo(f"  – Có thể bạn muốn hỏi: {alt['question']} (#{alt['entry_id']})")


@answers_app.command("import")
def import_(
    file: Path = typer.Argument(None, exists=True, dir_okay=False, help="CSV, XLSX hoặc UIT-ViCoV19QA"),
    starter: bool = typer.Option(False, "--starter", help="Nhập bộ câu hỏi mẫu đi kèm Loa"),
    status: str = typer.Option(
        "draft", help="Trạng thái khi tệp không ghi: draft, retired (mục approved vào dạng nháp chờ duyệt)"
    ),
):
    """Nhập câu hỏi – trả lời (cả tệp hoặc không gì cả; bỏ qua mục đã có)."""
    if not starter and file is None:
        fail("Cần tên tệp hoặc --starter.")
    with cli_session() as db:
        try:
            result = (
                transfer.import_starter(db)
                if starter
                else transfer.import_file(db, file.name, file.read_bytes(), status=status)
            )
        except UserError as exc:
            fail(exc.message)
    typer.echo(f"Đã nhập {result['created']} mục mới, bỏ qua {result['skipped']} mục đã có.")


@answers_app.command("export")
def export(
    file: Path = typer.Argument(..., help=".csv hoặc .xlsx"), status: str = typer.Option("", help="Chỉ trạng thái này")
):
    """Xuất câu hỏi – trả lời ra CSV hoặc XLSX."""
    with cli_session() as db:
        entries = service.list_entries(db, status or None)
        data = transfer.export_xlsx(entries) if file.suffix.lower() == ".xlsx" else transfer.export_csv(entries)
    file.write_bytes(data)
    typer.echo(f"Đã xuất {len(entries)} mục vào {file}.")

"""`loa stats import FILE` and `loa bulletin UNIT DATE --out DIR`."""

from __future__ import annotations

from pathlib import Path

import typer

from loa.bulletins import service
from loa.clitools import cli_session, fail, settings
from loa.clock import parse_date

LAYOUTS = {"long": "dạng dài (mỗi dòng một đơn vị, một ngày) / long", "wide": "dạng rộng (mỗi cột một đơn vị) / wide"}
CHART_TITLES = {"cases": "Ca mắc mới theo ngày và trung bình 7 ngày", "vaccination": "Tỷ lệ tiêm vắc xin"}
MODE_WORDS = {"cumulative": "cộng dồn / cumulative", "daily": "theo ngày / daily"}

stats_app = typer.Typer(help="Số liệu dịch / epidemic statistics.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(stats_app, name="stats")
    app.command("bulletin")(bulletin)


@stats_app.command("import")
def stats_import(
    file: Path,
    yes: bool = typer.Option(False, "--yes", "-y", help="Accept every warning without asking"),
    cumulative: bool | None = typer.Option(
        None, "--cumulative/--daily", help="Values are running totals / new counts per day (default: as detected)"
    ),
    metric: str = typer.Option(
        "cases", "--metric", help="Metric of a wide file: cases, recoveries, deaths, vaccinated_1, vaccinated_2"
    ),
) -> None:
    """Check a CSV/XLSX file of daily statistics, show its problems, and store it once they are accepted."""
    if not file.is_file():
        fail(f"Không thấy tệp / no such file: {file}")
    content = file.read_bytes()
    service.check_size(content, settings().max_upload_mb)
    mode = None if cumulative is None else ("cumulative" if cumulative else "daily")
    within = service.home_code(settings().province)
    with cli_session() as db:
        analysis, earlier = service.preview(db, content, file.name, mode, metric, within)
        days = analysis.days
        typer.echo(f"Tệp / file: {file.name}")
        typer.echo(f"Dạng / layout: {LAYOUTS[analysis.layout]}")
        typer.echo(
            f"Kiểu số liệu nhận ra / detected: {MODE_WORDS[analysis.detected_mode]}"
            + (f"; dùng / using: {MODE_WORDS[analysis.mode]}" if analysis.mode != analysis.detected_mode else "")
        )
        typer.echo(
            f"Chỉ số / metrics: {', '.join(analysis.metrics)}; đơn vị / units: {len(analysis.units)}; "
            + (f"từ / from {days[0]} đến / to {days[-1]}" if days else "không có ngày nào / no days")
        )
        if analysis.ignored_columns:
            typer.echo(f"Bỏ qua cột / ignored columns: {', '.join(analysis.ignored_columns)}")
        if earlier is not None:
            typer.echo(
                f"Tệp này đã được nhập (lần nhập #{earlier.id}); không có gì thay đổi. / "
                "Already imported; nothing changed."
            )
            return
        for p in analysis.errors:
            typer.secho(f"LỖI / ERROR  {p.message}", fg=typer.colors.RED, err=True)
        if analysis.errors:
            fail(
                f"{len(analysis.errors)} lỗi phải sửa trong tệp; chưa có gì được lưu. / "
                "Fix the errors in the file; nothing was stored."
            )
        accepted: set[str] = set()
        for p in analysis.warnings:
            typer.secho(f"CẢNH BÁO / WARNING  {p.message}", fg=typer.colors.YELLOW)
            if yes or typer.confirm("  Chấp nhận? / accept?", default=False):
                accepted.add(p.id)
            else:
                fail("Chưa chấp nhận cảnh báo; chưa có gì được lưu. / Warning not accepted; nothing was stored.")
        record, _created = service.import_stats(
            db, content, file.name, mode=mode, metric=metric, accepted=accepted, within=within
        )
        typer.echo(
            f"Đã nhập / imported #{record.id}: {record.points} giá trị / values "
            f"({len(accepted)} cảnh báo đã chấp nhận / warnings accepted)."
        )


def bulletin(
    unit: str,
    day: str = typer.Argument(..., metavar="DATE", help="2021-10-25 or 25/10/2021"),
    out: Path = typer.Option(..., "--out", help="Folder for bulletin.md and the charts"),
) -> None:
    """Write the day's bulletin draft (bulletin.md) and its charts (PNG and SVG) for a unit."""
    from loa.bulletins import charts  # here, not at the top: matplotlib takes seconds to load

    when = parse_date(day)
    if when is None:
        fail(f"Ngày không hợp lệ / invalid date: {day}")
    with cli_session() as db:
        target = service.unit_or_404(unit, within=service.home_code(settings().province))
        _figures, text = service.draft(db, target, when)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for chart in charts.CHARTS:
            for fmt in charts.FORMATS:
                name = f"{chart}.{fmt}"
                (out / name).write_bytes(charts.render(db, target, when, chart, fmt))
                written.append(name)
        images = "\n".join(f"![{CHART_TITLES[c]}]({c}.png)" for c in charts.CHARTS)
        (out / "bulletin.md").write_text(text + "\n" + images + "\n", encoding="utf-8")
    typer.echo(f"Đã ghi / wrote bulletin.md, {', '.join(written)} → {out}")

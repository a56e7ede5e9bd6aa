"""`loa plan ...`: import a plan document, list plans, write the report upward, send the daily digest."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from loa.auth import service as auth
from loa.clitools import cli_session, echo_json, fail, settings
from loa.clock import parse_day, today_local
from loa.errors import UserError
from loa.formats import vn_percent
from loa.plans import districts, service
from loa.plans.parser import parse_bytes

plan_app = typer.Typer(help="Kế hoạch / plans.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(plan_app, name="plan")


def _day(value: str, option: str) -> date:
    try:
        return parse_day(value)
    except UserError as exc:
        fail(f"{option}: {exc.message}\n{exc.message_en}")


@plan_app.command("import")
def import_cmd(
    file: Path,
    dry_run: bool = typer.Option(False, "--dry-run", help="Parse and show, store nothing"),
    as_json: bool = typer.Option(False, "--json", help="Print the parsed structure as JSON"),
    create_agencies: bool = typer.Option(False, "--create-agencies", help="Create agencies the registry lacks"),
) -> None:
    """Parse a plan document (.txt in any Vietnamese encoding, .docx, PDF) and import its duties as tasks."""
    if not file.is_file():
        fail(f"Không thấy tệp / no such file: {file}")
    try:
        parsed = parse_bytes(file.read_bytes())
    except UserError as exc:
        fail(f"{exc.message}\n{exc.message_en}")
    if as_json:
        echo_json(parsed.to_dict())
    if dry_run:
        if not as_json:
            typer.echo(
                f"{parsed.title}\n{len(parsed.purposes)} mục đích, {len(parsed.themes)} nội dung, "
                f"{len(parsed.agency_groups)} nhóm cơ quan, {parsed.duty_count} nhiệm vụ "
                f"(dry run: nothing stored)"
            )
        return
    try:
        with cli_session() as db:
            plan = service.import_plan(
                db, settings(), parsed, None, source_name=file.name, create_unknown=create_agencies
            )
            unassigned = sum(1 for t in plan.tasks if not t.agencies)
            undated = len(service.undated_tasks(plan))
    except UserError as exc:
        fail(f"{exc.message}\n{exc.message_en}")
    typer.echo(
        f"Đã nhập kế hoạch #{plan.id} / imported plan #{plan.id}: {len(plan.tasks)} nhiệm vụ / tasks"
        + (f", {unassigned} chưa giao cơ quan / unassigned" if unassigned else "")
        + (f", {undated} chưa có hạn / undated (/plans/{plan.id}/dating)" if undated else ""),
        err=as_json,
    )


@plan_app.command("list")
def list_cmd() -> None:
    """List imported plans."""
    with cli_session() as db:
        for plan in service.list_plans(db):
            typer.echo(f"#{plan.id:<4} {len(plan.tasks):>3} nhiệm vụ  {plan.title}")


@plan_app.command("report")
def report_cmd(
    plan: int,
    date_from: str = typer.Option(..., "--from", help="YYYY-MM-DD"),
    date_to: str = typer.Option(..., "--to", help="YYYY-MM-DD"),
    fmt: str = typer.Option("docx", "--format", help="docx or pdf"),
    out: Path = typer.Option(..., "--out", help="File to write"),
) -> None:
    """Write "Báo cáo kết quả thực hiện Kế hoạch" for a period as DOCX or PDF."""
    start, end = _day(date_from, "--from"), _day(date_to, "--to")
    try:
        with cli_session() as db:
            data = service.render_report(service.get_plan(db, plan), start, end, fmt, settings().province)
    except UserError as exc:
        fail(f"{exc.message}\n{exc.message_en}")
    out.write_bytes(data)
    typer.echo(f"Đã ghi / written: {out} ({len(data)} bytes)")


@plan_app.command("digest")
def digest_cmd() -> None:
    """Today's reminders per agency: e-mailed when SMTP is configured (LOA_SMTP_HOST), once a day (the daily
    job `plans.digest` does the same at 07:00), else printed here (and always shown in the app under
    Kế hoạch → Nhắc việc)."""
    s = settings()
    today = today_local()
    with cli_session() as db:
        if s.smtp_host:
            deliveries = service.send_digests(db, s, today)
        else:
            for entry in service.digests(db, today):
                typer.echo(service.digest_text(entry, today))
            return
    words = {
        "sent": "Đã gửi / sent",
        "already_sent": "Đã gửi hôm nay, bỏ qua / already sent today",
        "failed": "Lỗi / failed",
    }
    for d in deliveries:
        typer.echo(f"{words[d.status]}: {d.agency} <{d.address}>" + (f" — {d.error}" if d.error else ""))
    if any(d.status == "failed" for d in deliveries):
        fail("Một số thư chưa gửi được; chạy lại để gửi phần còn lại / some digests failed; run again to send them.")


@plan_app.command("district")
def district_cmd(
    plan: int,
    agency: str = typer.Option(..., "--agency", help="The agency's name as in the registry (e.g. Huyện ủy Cầu Kè)"),
) -> None:
    """Make an agency's own plan from a provincial plan: the duties addressed to it become its tasks."""
    try:
        with cli_session() as db:
            found = [a for a in auth.list_agencies(db) if a.name.casefold() == agency.strip().casefold()]
            if not found:
                fail(f"Không có cơ quan / no such agency: {agency}")
            own = districts.create_district_plan(db, service.get_plan(db, plan), found[0], None)
            line = f"Đã lập kế hoạch #{own.id} / made plan #{own.id}: {len(own.tasks)} nhiệm vụ / tasks — {own.title}"
    except UserError as exc:
        fail(f"{exc.message}\n{exc.message_en}")
    typer.echo(line)


@plan_app.command("districts")
def districts_cmd(
    plan: int,
    date_from: str = typer.Option("", "--from", help="YYYY-MM-DD (default: the first of the month of --to)"),
    date_to: str = typer.Option("", "--to", help="YYYY-MM-DD (default: today)"),
    as_json: bool = typer.Option(False, "--json", help="Print the rows as JSON"),
) -> None:
    """Completion of each agency's own plan made from PLAN, as it stood at the end of the period."""
    end = _day(date_to, "--to") if date_to else today_local()
    start = _day(date_from, "--from") if date_from else end.replace(day=1)
    try:
        with cli_session() as db:
            service.get_plan(db, plan)
            rows = districts.per_district(db, plan, start, end)
    except UserError as exc:
        fail(f"{exc.message}\n{exc.message_en}")
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        typer.echo(
            f"{r['district']:<40} {r['done']:>3}/{r['tasks']:<3} {vn_percent(r['completion_pct']):>7}  #{r['plan_id']}"
        )

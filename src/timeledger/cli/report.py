"""``timeledger report summary|weekly|detailed``: the API's reports from the command line,
through the same service, as a table in the terminal, JSON, or a CSV/XLSX/PDF file."""

from __future__ import annotations

import json
import shutil
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from timeledger.auth.service import authenticate
from timeledger.cli.context import check_writable, command_session, writing
from timeledger.clock import SystemClock
from timeledger.config import Settings
from timeledger.reports import service as reports
from timeledger.reports.exports.table import Money
from timeledger.reports.schemas import (
    DetailedReport,
    GroupNode,
    SummaryReport,
    Totals,
    WeeklyReport,
)
from timeledger.reports.service.export import label

app = typer.Typer(
    help="Reports: totals, the weekly grid and detailed entries.", no_args_is_help=True
)


class Output(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"


TOKEN = typer.Option(..., envvar="TIMELEDGER_TOKEN", help="A personal access token.")
ACCOUNT = typer.Option(None, help="Act as this account (X-PLANNR-ACCOUNT-UUID).")
FROM = typer.Option(None, "--from", help="First local date (YYYY-MM-DD).")
TO = typer.Option(None, "--to", help="Last local date, inclusive.")
PERIOD = typer.Option(
    None,
    help="today, this_week, last_week, this_month, ... last_tax_year. Without --period, "
    "--from or --to: this week.",
)
STAFF = typer.Option(None, help="filter[staff]: comma-separated staff UUIDs.")
CLIENTS = typer.Option(None, help="filter[clients]: client UUIDs (their cases and tasks too).")
CASES = typer.Option(None, help="filter[cases]: case UUIDs.")
TYPES = typer.Option(None, "--trackable-type", help="filter[trackable_type].")
TAGS = typer.Option(None, help="filter[tags]: tag UUIDs (entries with any of them).")
BILLABLE = typer.Option(
    None, "--billable/--non-billable", help="filter[billable]: only (non-)billable time."
)
ATTRIBUTION = typer.Option(None, help="start (default) or split.")
ROUNDING = typer.Option(None, help="none, up, down or nearest.")
MINUTES = typer.Option(None, "--rounding-minutes", help="1, 5, 6, 10, 12, 15, 30 or 60.")
RUNNING = typer.Option(True, "--include-running/--exclude-running")
AS_OF = typer.Option(None, "--as-of", help="Count running entries up to this instant.")
FORMAT = typer.Option(Output.TABLE, "--format", help="table, json, csv, xlsx or pdf.")
OUTPUT = typer.Option(None, "--output", help="The file to write (csv, xlsx, pdf).")


def _query(**options: Any) -> dict[str, str]:
    names = {
        "staff": "filter[staff]",
        "clients": "filter[clients]",
        "cases": "filter[cases]",
        "trackable_type": "filter[trackable_type]",
        "tags": "filter[tags]",
        "billable": "filter[billable]",
        "start": "from",
        "end": "to",
    }
    query = {}
    for key, value in options.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        query[names.get(key, key)] = str(value)
    return query


def _run(
    report: str,
    token: str,
    account: str | None,
    output_format: Output,
    output: Path | None,
    query: dict[str, str],
) -> None:
    if output_format in {Output.CSV, Output.XLSX, Output.PDF} and output is None:
        typer.echo(f"Error: --format {output_format.value} needs --output FILE", err=True)
        raise typer.Exit(code=1)
    if output is not None:
        check_writable(output, "--output")
    now = SystemClock().now()
    console = Console()
    with command_session(Settings()) as session:
        actor = authenticate(session, bearer=token, account_header=account, now=now)
        if output is not None and output_format in {Output.CSV, Output.XLSX, Output.PDF}:
            with Progress(
                SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True
            ) as bar:
                task = bar.add_task("Exporting...", total=None)

                def progress(count: int) -> None:
                    bar.update(task, description=f"Exporting: {count} entries")

                exported = reports.export(
                    session,
                    actor=actor,
                    report=report,
                    file_format=output_format.value,
                    query=query,
                    now=now,
                    progress=progress,
                )
                with exported.file, writing(output, "--output") as target:
                    shutil.copyfileobj(exported.file, target)
            typer.echo(f"Wrote {output}")
            return
        result: SummaryReport | WeeklyReport | DetailedReport
        if report == "summary":
            result = reports.summary(session, actor=actor, query=query, now=now)
        elif report == "weekly":
            result = reports.weekly(session, actor=actor, query=query, now=now)
        else:
            result = reports.detailed(session, actor=actor, query=query, now=now)
    if output_format is Output.JSON:
        typer.echo(json.dumps(result.model_dump(mode="json", by_alias=True), indent=2))
        return
    console.print(_table(result))


def _clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def _table(result: SummaryReport | WeeklyReport | DetailedReport) -> Table:
    meta = result.meta
    title = f"{meta.from_} to {meta.to} ({meta.time_zone}, as of {meta.as_of})"
    if isinstance(result, SummaryReport):
        return _summary_table(result, title)
    if isinstance(result, WeeklyReport):
        return _weekly_table(result, title)
    return _detailed_table(result, title)


def _summary_table(result: SummaryReport, title: str) -> Table:
    table = Table("Group", "Entries", "Duration", "Billable", "Rounded", "Amounts", title=title)

    def add(groups: list[GroupNode] | None, depth: int) -> None:
        for group in groups or []:
            table.add_row(
                "  " * depth + label(group.key),
                str(group.entries),
                _clock(group.seconds),
                _clock(group.billable_seconds),
                _clock(group.rounded_seconds),
                _amounts(group),
            )
            add(group.groups, depth + 1)

    add(result.groups, 0)
    totals = result.totals
    table.add_row(
        "Total",
        str(totals.entries),
        _clock(totals.seconds),
        _clock(totals.billable_seconds),
        _clock(totals.rounded_seconds),
        _amounts(totals),
        style="bold",
    )
    return table


def _amounts(node: GroupNode | Totals) -> str:
    """``75.00 GBP, 12.00 USD``; empty when the caller may not see amounts."""
    return ", ".join(
        f"{Money(line.amount, line.currency).text()} {line.currency}" for line in node.amounts or []
    )


def _weekly_table(result: WeeklyReport, title: str) -> Table:
    table = Table(
        "Staff", "Trackable", *(d.strftime("%a %d") for d in result.dates), "Total", title=title
    )
    for row in result.rows:
        table.add_row(
            label(row.staff), label(row.trackable), *map(_clock, row.days), _clock(row.total)
        )
    table.add_row("Total", "", *map(_clock, result.day_totals), _clock(result.total), style="bold")
    return table


def _detailed_table(result: DetailedReport, title: str) -> Table:
    table = Table("Date", "Start", "Staff", "Client", "Trackable", "Name", "Duration", title=title)
    for entry in result.data:
        table.add_row(
            entry.local_date.isoformat(),
            entry.start_date,
            label(entry.staff),
            label(entry.client),
            label(entry.trackable),
            entry.name,
            _clock(entry.seconds),
        )
    if result.next_cursor:
        table.caption = f"More: --cursor {result.next_cursor}"
    return table


@app.command()
def summary(
    token: str = TOKEN,
    account: str | None = ACCOUNT,
    start: str | None = FROM,
    end: str | None = TO,
    period: str | None = PERIOD,
    group_by: str | None = typer.Option(None, "--group-by", help="Up to three, comma-separated."),
    staff: str | None = STAFF,
    clients: str | None = CLIENTS,
    cases: str | None = CASES,
    trackable_type: str | None = TYPES,
    tags: str | None = TAGS,
    billable: bool | None = BILLABLE,
    attribution: str | None = ATTRIBUTION,
    rounding: str | None = ROUNDING,
    rounding_minutes: int | None = MINUTES,
    include_running: bool = RUNNING,
    as_of: str | None = AS_OF,
    output_format: Output = FORMAT,
    output: Path | None = OUTPUT,
) -> None:
    """Totals grouped by up to three of day, week, month, tax_year, staff, client, case,
    trackable, trackable_type, billable, tag (GET /api/v1/reports/summary)."""
    query = _query(
        start=start,
        end=end,
        period=period,
        group_by=group_by,
        staff=staff,
        clients=clients,
        cases=cases,
        trackable_type=trackable_type,
        tags=tags,
        billable=billable,
        attribution=attribution,
        rounding=rounding,
        rounding_minutes=rounding_minutes,
        include_running=include_running,
        as_of=as_of,
    )
    _run("summary", token, account, output_format, output, query)


@app.command()
def weekly(
    token: str = TOKEN,
    account: str | None = ACCOUNT,
    week_of: str | None = typer.Option(None, "--week-of", help="A date in the week."),
    staff: str | None = STAFF,
    clients: str | None = CLIENTS,
    cases: str | None = CASES,
    trackable_type: str | None = TYPES,
    tags: str | None = TAGS,
    billable: bool | None = BILLABLE,
    include_running: bool = RUNNING,
    as_of: str | None = AS_OF,
    output_format: Output = FORMAT,
    output: Path | None = OUTPUT,
) -> None:
    """The timesheet grid of one firm week (GET /api/v1/reports/weekly)."""
    query = _query(
        week_of=week_of,
        staff=staff,
        clients=clients,
        cases=cases,
        trackable_type=trackable_type,
        tags=tags,
        billable=billable,
        include_running=include_running,
        as_of=as_of,
    )
    _run("weekly", token, account, output_format, output, query)


@app.command()
def detailed(
    token: str = TOKEN,
    account: str | None = ACCOUNT,
    start: str | None = FROM,
    end: str | None = TO,
    period: str | None = PERIOD,
    staff: str | None = STAFF,
    clients: str | None = CLIENTS,
    cases: str | None = CASES,
    trackable_type: str | None = TYPES,
    tags: str | None = TAGS,
    billable: bool | None = BILLABLE,
    attribution: str | None = ATTRIBUTION,
    rounding: str | None = ROUNDING,
    rounding_minutes: int | None = MINUTES,
    include_running: bool = RUNNING,
    as_of: str | None = AS_OF,
    cursor: str | None = typer.Option(None, help="next_cursor of the previous page."),
    per_page: int | None = typer.Option(None, "--per-page", help="1 to 500 (default 50)."),
    output_format: Output = FORMAT,
    output: Path | None = OUTPUT,
) -> None:
    """The entries behind a summary; a file export holds them all (GET .../detailed)."""
    query = _query(
        start=start,
        end=end,
        period=period,
        staff=staff,
        clients=clients,
        cases=cases,
        trackable_type=trackable_type,
        tags=tags,
        billable=billable,
        attribution=attribution,
        rounding=rounding,
        rounding_minutes=rounding_minutes,
        include_running=include_running,
        as_of=as_of,
        cursor=cursor,
        per_page=per_page,
    )
    if output is not None:
        query.pop("cursor", None)
        query.pop("per_page", None)
    _run("detailed", token, account, output_format, output, query)

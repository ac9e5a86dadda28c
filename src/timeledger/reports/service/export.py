"""Exports: the summary, weekly and detailed reports as CSV, XLSX or PDF files.

The file is written to a spooled temporary file (in memory up to 8 MiB, then on disk), so a
detailed export of a million entries streams from the database to the file in bounded
memory, and the response streams the file.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import IO

from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.errors import NotFound, ValidationFailed
from timeledger.reports.exports.csv_ import write_csv
from timeledger.reports.exports.pdf import write_pdf
from timeledger.reports.exports.table import Cell, Column, Kind, Money, Table
from timeledger.reports.exports.xlsx import write_xlsx
from timeledger.reports.labels import group_label
from timeledger.reports.params import COMMON_KEYS
from timeledger.reports.schemas import (
    DetailedEntry,
    GroupKey,
    GroupNode,
    ReportMeta,
    SummaryReport,
    Totals,
    WeeklyReport,
)
from timeledger.reports.service import summary as reports
from timeledger.reports.service.detailed import detailed_rows
from timeledger.reports.service.selection import select_report

SPOOL_BYTES = 8 * 1024 * 1024
# Called with the number of entries written so far (the CLI's progress bar).
Progress = Callable[[int], None]


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"


MEDIA_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.PDF: "application/pdf",
}


@dataclass
class ExportFile:
    filename: str
    media_type: str
    file: IO[bytes]

    def chunks(self, size: int = 64 * 1024) -> Iterator[bytes]:
        try:
            while chunk := self.file.read(size):
                yield chunk
        finally:
            self.file.close()


def label(key: GroupKey) -> str:
    """A key as one cell of text: the web app's label too (``reports.labels``)."""
    return group_label(key)


def _subtitle(firm: str, meta: ReportMeta, report: str) -> list[str]:
    rounding = meta.rounding
    lines = [
        f"{firm}: {report} report, {meta.from_.isoformat()} to {meta.to.isoformat()}",
        f"Time zone {meta.time_zone}; week starts {meta.week_start}; attribution "
        f"{meta.attribution}; as of {meta.as_of}",
    ]
    if rounding.mode != "none":
        lines.append(f"Rounding: {rounding.mode} to {rounding.minutes} minutes, per entry")
    return lines


_TOTAL_COLUMNS = [
    Column("Entries", Kind.INT),
    Column("Seconds", Kind.INT),
    Column("Hours", Kind.HOURS),
    Column("Duration", Kind.DURATION),
    Column("Billable seconds", Kind.INT),
    Column("Billable hours", Kind.HOURS),
    Column("Rounded seconds", Kind.INT),
    Column("Rounded hours", Kind.HOURS),
]


def _figures(node: GroupNode | Totals, currencies: list[str]) -> list[Cell]:
    amounts = {line.currency: line.amount for line in node.amounts or []}
    return [
        node.entries,
        node.seconds,
        node.seconds,
        node.seconds,
        node.billable_seconds,
        node.billable_seconds,
        node.rounded_seconds,
        node.rounded_seconds,
        *(Money(amounts.get(code, 0), code) for code in currencies),
    ]


def summary_table(report: SummaryReport, firm: str) -> Table:
    levels = report.meta.group_by or []
    # One amount column per currency of the totals (none when amounts are hidden).
    currencies = [line.currency for line in report.totals.amounts or []]
    columns = [Column("Level", Kind.INT)] + [
        Column(name.replace("_", " ").title()) for name in levels
    ]
    columns += _TOTAL_COLUMNS + [Column(f"Amount {code}", Kind.MONEY) for code in currencies]

    def rows(groups: list[GroupNode] | None, path: list[str]) -> Iterator[list[Cell]]:
        for group in groups or []:
            here = [*path, label(group.key)]
            padding: list[Cell] = [None] * (len(levels) - len(here))
            yield [len(here), *here, *padding, *_figures(group, currencies)]
            yield from rows(group.groups, here)

    totals: list[Cell] = [0, "Total", *([None] * (len(levels) - 1))] if levels else [0]
    subtitle = _subtitle(firm, report.meta, "summary")
    if "tag" in levels:
        subtitle.append("An entry with several tags counts under each; totals count it once.")
    return Table(
        title="Summary report",
        subtitle=subtitle,
        columns=columns,
        rows=rows(report.groups, []),
        totals=[*totals, *_figures(report.totals, currencies)],
    )


def weekly_table(report: WeeklyReport, firm: str) -> Table:
    columns = [Column("Staff"), Column("Trackable type"), Column("Trackable")]
    columns += [Column(day.strftime("%a %Y-%m-%d"), Kind.DURATION) for day in report.dates]
    columns.append(Column("Total", Kind.DURATION))
    rows: Iterator[list[Cell]] = (
        [
            label(row.staff),
            row.trackable["trackable_type"],
            label(row.trackable),
            *row.days,
            row.total,
        ]
        for row in report.rows
    )
    return Table(
        title="Weekly timesheet",
        subtitle=_subtitle(firm, report.meta, "weekly"),
        columns=columns,
        rows=rows,
        totals=["Total", None, None, *report.day_totals, report.total],
    )


_DETAILED_COLUMNS = [
    Column("Date", Kind.DATE),
    Column("Start"),
    Column("End"),
    Column("Staff"),
    Column("Client"),
    Column("Trackable type"),
    Column("Trackable"),
    Column("Name"),
    Column("Description"),
    Column("Seconds", Kind.INT),
    Column("Hours", Kind.HOURS),
    Column("Duration", Kind.DURATION),
    Column("Rounded seconds", Kind.INT),
    Column("Billable"),
    Column("Currency"),
    Column("Hourly rate", Kind.MONEY),
    Column("Amount", Kind.MONEY),
    Column("Tags"),
    Column("Locked"),
    Column("Entry UUID"),
]


def _money(minor: int | None, currency: str | None) -> Money | None:
    return None if minor is None or currency is None else Money(minor, currency)


def _detailed_row(entry: DetailedEntry) -> list[Cell]:
    return [
        entry.local_date,
        entry.start_date,
        entry.end_date or "(running)",
        label(entry.staff),
        label(entry.client),
        entry.trackable["trackable_type"],
        label(entry.trackable),
        entry.name,
        entry.description,
        entry.seconds,
        entry.seconds,
        entry.seconds,
        entry.rounded_seconds,
        "yes" if entry.billable else "no",
        entry.currency,
        _money(entry.hourly_rate_minor, entry.currency),
        _money(entry.amount, entry.currency),
        ", ".join(label(tag) for tag in entry.tags),
        "yes" if entry.is_locked else "no",
        entry.uuid,
    ]


def detailed_table(
    entries: Iterator[DetailedEntry],
    meta: ReportMeta,
    firm: str,
    progress: Progress | None,
) -> Table:
    table = Table(
        title="Detailed report",
        subtitle=_subtitle(firm, meta, "detailed"),
        columns=_DETAILED_COLUMNS,
        rows=iter(()),
    )

    def rows() -> Iterator[list[Cell]]:
        count = seconds = rounded = 0
        for entry in entries:
            count += 1
            seconds += entry.seconds
            rounded += entry.rounded_seconds
            if progress is not None and count % 1000 == 0:
                progress(count)
            yield _detailed_row(entry)
        if progress is not None:
            progress(count)
        table.totals = [
            f"Total: {count} entries",
            *([None] * 8),
            seconds,
            seconds,
            seconds,
            rounded,
            *([None] * 7),
        ]

    table.rows = rows()
    return table


REPORTS = ("summary", "weekly", "detailed")


def export(
    session: Session,
    *,
    actor: Actor,
    report: str,
    file_format: str,
    query: Mapping[str, str],
    now: datetime,
    progress: Progress | None = None,
) -> ExportFile:
    """Write ``report`` (summary, weekly or detailed) as ``file_format`` (csv, xlsx, pdf)
    with the same query keys as the JSON report, plus ``bom`` for CSV (default true).

    Raises ``Forbidden`` (403), ``ValidationFailed`` (422, also for a file over the format's
    row limit) and ``NotFound`` for an unknown report or format.
    """
    if report not in REPORTS:
        raise NotFound("No such report: use summary, weekly or detailed.")
    try:
        kind = ExportFormat(file_format)
    except ValueError:
        raise ValidationFailed.field("format", "The format must be csv, xlsx or pdf.") from None
    bom_raw = (query.get("bom") or "true").strip().lower()
    if bom_raw not in {"true", "false", "1", "0"}:
        raise ValidationFailed.field("bom", "The bom field must be true or false.")
    rest = {key: value for key, value in query.items() if key != "bom"}
    table, name = _table(
        session, actor=actor, report=report, query=rest, now=now, progress=progress
    )
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (returned open)
    try:
        if kind is ExportFormat.CSV:
            write_csv(table, out, bom=bom_raw in {"true", "1"})  # type: ignore[arg-type]
        elif kind is ExportFormat.XLSX:
            write_xlsx(table, out)  # type: ignore[arg-type]
        else:
            write_pdf(table, out)  # type: ignore[arg-type]
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return ExportFile(
        filename=f"{name}.{kind.value}",
        media_type=MEDIA_TYPES[kind],
        file=out,
    )


def _table(
    session: Session,
    *,
    actor: Actor,
    report: str,
    query: Mapping[str, str],
    now: datetime,
    progress: Progress | None,
) -> tuple[Table, str]:
    firm = actor.firm.name
    if report == "summary":
        summary = reports.summary(session, actor=actor, query=query, now=now)
        meta = summary.meta
        return summary_table(summary, firm), _name("summary", meta)
    if report == "weekly":
        weekly = reports.weekly(session, actor=actor, query=query, now=now)
        return weekly_table(weekly, firm), f"timeledger-weekly-{weekly.dates[0].isoformat()}"
    selection = select_report(session, actor=actor, query=query, now=now, allowed=COMMON_KEYS)
    entries = detailed_rows(session, actor=actor, selection=selection)
    meta = reports.meta(selection.params)
    return detailed_table(entries, meta, firm, progress), _name("detailed", meta)


def _name(report: str, meta: ReportMeta) -> str:
    return f"timeledger-{report}-{meta.from_.isoformat()}-to-{meta.to.isoformat()}"

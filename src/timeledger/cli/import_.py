from __future__ import annotations

import csv
import uuid
from collections.abc import Callable
from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from timeledger.cli.context import check_writable, command_session, firm_named
from timeledger.cli.failures import CommandFailed
from timeledger.clock import SystemClock
from timeledger.config import Settings
from timeledger.imports.service import import_records

app = typer.Typer(help="Bring a firm's existing records in from files.", no_args_is_help=True)

# Below this many bytes the import is over before a bar is worth drawing.
PROGRESS_FROM_BYTES = 256 * 1024


@app.command()
def records(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="CSV file."),
    firm: str = typer.Option(..., help="The firm's UUID or slug."),
    refs: Path | None = typer.Option(
        None,
        "--refs",
        dir_okay=False,
        help="Write ref,kind,uuid of every line that had a ref to this CSV file.",
    ),
    progress: bool | None = typer.Option(
        None, "--progress/--no-progress", help="Show a progress bar (default: for large files)."
    ),
) -> None:
    """Import clients, cases and tasks from a UTF-8 CSV file with a header row.

    All or nothing: a file with any problem loads nothing, and every problem of every line
    is reported, sorted by line number. The file is read as a stream. The columns are
    described in docs/admin.md.
    """
    if refs is not None:
        check_writable(refs, "--refs")
    show = progress if progress is not None else file.stat().st_size >= PROGRESS_FROM_BYTES
    with (
        file.open("rb") as stream,
        _progress_bar(show) as bar,
        command_session(Settings()) as session,
    ):
        summary = import_records(
            session,
            firm=firm_named(session, firm),
            data=stream,
            now=SystemClock().now(),
            on_progress=_advance(bar),
        )
    if refs is not None:
        _write_refs(refs, summary.refs)
    typer.echo(
        f"Imported {summary.total} records: {summary.clients} clients, {summary.cases} cases, "
        f"{summary.tasks} tasks."
    )


def _write_refs(path: Path, rows: list[tuple[str, str, uuid.UUID]]) -> None:
    """The refs file: ``\n`` line ends, and every cell safe to open in a spreadsheet."""
    try:
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["ref", "kind", "uuid"])
            writer.writerows(
                (spreadsheet_safe(ref), kind, str(new_uuid)) for ref, kind, new_uuid in rows
            )
    except OSError as exc:
        # The import is committed by now: say so, so nobody imports the file twice.
        raise CommandFailed(
            f"the records were imported, but --refs {path} could not be written: "
            f"{exc.strerror or exc}."
        ) from None


# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """``cell`` as a spreadsheet shows it but never runs it: one that would start a
    formula gets a leading apostrophe (OWASP's advice on CSV injection)."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _progress_bar(show: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        disable=not show,
    )


def _advance(bar: Progress) -> Callable[[str, int, int], None]:
    """A progress callback drawing one bar per phase (checking, then importing)."""
    tasks: dict[str, TaskID] = {}

    def on_progress(phase: str, done: int, total: int) -> None:
        if phase not in tasks:
            tasks[phase] = bar.add_task(phase, total=total)
        bar.advance(tasks[phase], done)

    return on_progress

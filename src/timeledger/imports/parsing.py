"""Reading the CSV into rows, with one clear message per problem (``line N: ...``): every
problem of every line is reported, not only the first.

The file is read as a stream of lines (``text_lines``), decoded one at a time, so its
bytes and its text are never held whole in memory; only the parsed rows are kept (the
import is all or nothing, so they must be)."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO, TypeVar

from timeledger.dates import parse_api_datetime, to_utc
from timeledger.imports.schemas import (
    COLUMNS,
    KINDS,
    MAX_NAME,
    MAX_TEXT,
    CaseRow,
    ClientRow,
    ParsedFile,
    TaskRow,
)
from timeledger.models import ROLES_BY_TYPE, AccountRole, AccountType, TaskPriority

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CLIENT_ROLES = {role.value: role for role in ROLES_BY_TYPE[AccountType.CLIENT]}
PRIORITIES = {priority.value: priority for priority in TaskPriority}


class LineError(ValueError):
    pass


T = TypeVar("T")
_BOM = "\ufeff"


def text_lines(stream: BinaryIO, on_bytes: Callable[[int], None] | None = None) -> Iterator[str]:
    """The file's lines as text, one at a time (line ends kept, as ``csv`` needs them);
    ``LineError`` naming the line and byte of anything that is not UTF-8."""
    offset = 0
    for number, raw in enumerate(stream, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LineError(
                f"line {number}: the file is not UTF-8 (byte {offset + exc.start + 1})."
            ) from None
        offset += len(raw)
        if on_bytes is not None:
            on_bytes(len(raw))
        yield text.removeprefix(_BOM) if number == 1 else text


def read_rows(lines: Iterable[str], errors: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line number, cells)`` for each non-blank, well-formed data line; the header is
    line 1. A malformed line's problem is added to ``errors`` and reading goes on."""
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise LineError("line 1: the file is empty; it needs a header row.") from None
    except csv.Error as exc:
        raise LineError(f"line 1: {exc}.") from None
    if any("\0" in name for name in header):
        raise LineError(f"line 1: {NUL_MESSAGE}")
    columns = [name.strip().lower() for name in header]
    unknown = [name for name in columns if name not in COLUMNS]
    if unknown or "kind" not in columns or len(set(columns)) != len(columns):
        raise LineError(
            f"line 1: the header must name distinct columns among {', '.join(COLUMNS)}, "
            f"including kind (unknown: {', '.join(unknown) or 'none'})."
        )
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors.append(f"line {start}: {exc}.")
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if any("\0" in cell for cell in cells):
            errors.append(f"line {start}: {NUL_MESSAGE}")
            continue
        if len(cells) != len(columns):
            errors.append(
                f"line {start}: {len(cells)} cells, but the header has {len(columns)} columns."
            )
            continue
        yield start, {name: cell.strip() for name, cell in zip(columns, cells, strict=True)}


NUL_MESSAGE = "the line holds a NUL byte (\\0), which no text field may; remove it."


def line_number(error: str) -> int:
    """The line an error message (``line N: ...``) is about, for sorting."""
    head = error.removeprefix("line ").split(":", 1)[0]
    return int(head) if head.isdigit() else 0


def parse_file(
    lines: Iterable[str], *, time_zone: str, on_line: Callable[[], None] | None = None
) -> tuple[ParsedFile, list[str]]:
    """Every good row of the file, and every problem of every bad line, in one pass
    (``line N: ...``, in the order of the lines)."""
    parsed = ParsedFile()
    errors: list[str] = []
    try:
        for line, cells in read_rows(lines, errors):
            if on_line is not None:
                on_line()
            problems: list[str] = []
            _add_row(parsed, line, cells, time_zone, problems)
            errors += [f"line {line}: {problem}" for problem in problems]
    except LineError as exc:
        errors.append(str(exc))
    return parsed, errors


def _checked(problems: list[str], check: Callable[[], T]) -> T | None:
    """``check()``, or None with its problem noted."""
    try:
        return check()
    except LineError as exc:
        problems.append(str(exc))
        return None


def _add_row(
    parsed: ParsedFile, line: int, cells: dict[str, str], time_zone: str, problems: list[str]
) -> None:
    kind = cells.get("kind", "").lower()
    ref = cells.get("ref") or None
    if kind == "client":
        client = _checked(problems, lambda: _client(line, ref, cells, problems))
        if client is not None and not problems:
            parsed.clients.append(client)
    elif kind == "case":
        participants = [p.strip() for p in cells.get("participants", "").split(";") if p.strip()]
        name = _checked(problems, lambda: _name(cells, "name"))
        if not participants:
            problems.append("a case needs participants (refs or UUIDs separated by ;).")
        if name is not None and not problems:
            parsed.cases.append(CaseRow(line=line, ref=ref, name=name, participants=participants))
    elif kind == "task":
        task = _checked(problems, lambda: _task(line, ref, cells, time_zone, problems))
        if task is not None and not problems:
            parsed.tasks.append(task)
    else:
        problems.append(f"kind must be one of {', '.join(KINDS)}, not {kind or 'empty'!r}.")


def _name(cells: dict[str, str], column: str) -> str:
    value = cells.get(column, "")
    if not value:
        raise LineError(f"{column} is required.")
    if len(value) > MAX_NAME:
        raise LineError(f"{column} must not be longer than {MAX_NAME} characters.")
    return value


def _client(line: int, ref: str | None, cells: dict[str, str], problems: list[str]) -> ClientRow:
    """The client of a line; each problem is noted in ``problems`` (the last raised)."""
    first_name = _checked(problems, lambda: _name(cells, "first_name"))
    role_text = cells.get("role", "").lower() or AccountRole.INDIVIDUAL.value
    if role_text not in CLIENT_ROLES:
        problems.append(
            f"role {role_text!r} is not a client role; use one of "
            f"{', '.join(sorted(CLIENT_ROLES))}."
        )
    email = cells.get("email") or None
    if email is not None and (len(email) > 320 or not _EMAIL.match(email)):
        problems.append(f"email {email!r} is not a valid email address (e.g. name@example.com).")
    last_name = cells.get("last_name", "")
    if len(last_name) > MAX_NAME:
        problems.append(f"last_name must not be longer than {MAX_NAME} characters.")
    if problems or first_name is None:
        raise LineError(problems.pop())
    return ClientRow(
        line=line,
        ref=ref,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=CLIENT_ROLES[role_text],
    )


def _task(
    line: int, ref: str | None, cells: dict[str, str], time_zone: str, problems: list[str]
) -> TaskRow:
    """The task of a line; each problem is noted in ``problems`` (the last raised)."""
    name = _checked(problems, lambda: _name(cells, "name"))
    priority_text = cells.get("priority", "").lower() or TaskPriority.MEDIUM.value
    if priority_text not in PRIORITIES:
        problems.append(
            f"priority {priority_text!r} is not a priority; use one of {', '.join(PRIORITIES)}."
        )
    description = cells.get("description") or None
    if description is not None and len(description) > MAX_TEXT:
        problems.append(f"description must not be longer than {MAX_TEXT} characters.")
    due_text = cells.get("due_at", "")
    due_at = None
    try:
        due_at = to_utc(parse_api_datetime(due_text), time_zone) if due_text else None
    except (ValueError, OverflowError):
        problems.append(
            f"due_at {due_text!r} is not a date; use Y-m-d H:i:s, e.g. 2025-09-01 09:00:00."
        )
    on = cells.get("on", "")
    if not on:
        problems.append("a task needs on: the ref or UUID of a client or case.")
    if problems or name is None:
        raise LineError(problems.pop())
    return TaskRow(
        line=line,
        ref=ref,
        name=name,
        description=description,
        priority=PRIORITIES[priority_text],
        due_at=due_at,
        on=on,
    )

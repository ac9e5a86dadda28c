"""Reading the CSV into rows, with one clear message per bad line (``line N: ...``)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator

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


def decode(data: bytes) -> str:
    """The file's text; a byte that is not UTF-8 is reported with its line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LineError(f"line {line}: the file is not UTF-8 (byte {exc.start + 1}).") from None


def read_rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line number, cells)`` for each non-blank data line; the header is line 1."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise LineError("line 1: the file is empty; it needs a header row.") from None
    except csv.Error as exc:
        raise LineError(f"line 1: {exc}.") from None
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
            raise LineError(f"line {start}: {exc}.") from None
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(columns):
            raise LineError(
                f"line {start}: {len(cells)} cells, but the header has {len(columns)} columns."
            )
        yield start, {name: cell.strip() for name, cell in zip(columns, cells, strict=True)}


def parse_file(
    text: str,
    *,
    time_zone: str,
    max_errors: int = 20,
    on_line: Callable[[], None] | None = None,
) -> tuple[ParsedFile, list[str]]:
    """Every row of the file, and the errors of its bad lines (at most ``max_errors``)."""
    parsed = ParsedFile()
    errors: list[str] = []
    try:
        for line, cells in read_rows(text):
            if on_line is not None:
                on_line()
            try:
                _add_row(parsed, line, cells, time_zone)
            except LineError as exc:
                errors.append(f"line {line}: {exc}")
                if len(errors) >= max_errors:
                    errors.append("(stopped after this many errors)")
                    break
    except LineError as exc:
        errors.append(str(exc))
    return parsed, errors


def _add_row(parsed: ParsedFile, line: int, cells: dict[str, str], time_zone: str) -> None:
    kind = cells.get("kind", "").lower()
    ref = cells.get("ref") or None
    if kind == "client":
        parsed.clients.append(_client(line, ref, cells))
    elif kind == "case":
        participants = [p.strip() for p in cells.get("participants", "").split(";") if p.strip()]
        if not participants:
            raise LineError("a case needs participants (refs or UUIDs separated by ;).")
        parsed.cases.append(
            CaseRow(line=line, ref=ref, name=_name(cells, "name"), participants=participants)
        )
    elif kind == "task":
        parsed.tasks.append(_task(line, ref, cells, time_zone))
    else:
        raise LineError(f"kind must be one of {', '.join(KINDS)}, not {kind or 'empty'!r}.")


def _name(cells: dict[str, str], column: str) -> str:
    value = cells.get(column, "")
    if not value:
        raise LineError(f"{column} is required.")
    if len(value) > MAX_NAME:
        raise LineError(f"{column} must not be longer than {MAX_NAME} characters.")
    return value


def _client(line: int, ref: str | None, cells: dict[str, str]) -> ClientRow:
    role_text = cells.get("role", "").lower() or AccountRole.INDIVIDUAL.value
    if role_text not in CLIENT_ROLES:
        raise LineError(f"role must be one of {', '.join(sorted(CLIENT_ROLES))}.")
    email = cells.get("email") or None
    if email is not None and (len(email) > 320 or not _EMAIL.match(email)):
        raise LineError(f"email {email!r} is not a valid email address.")
    last_name = cells.get("last_name", "")
    if len(last_name) > MAX_NAME:
        raise LineError(f"last_name must not be longer than {MAX_NAME} characters.")
    return ClientRow(
        line=line,
        ref=ref,
        first_name=_name(cells, "first_name"),
        last_name=last_name,
        email=email,
        role=CLIENT_ROLES[role_text],
    )


def _task(line: int, ref: str | None, cells: dict[str, str], time_zone: str) -> TaskRow:
    priority_text = cells.get("priority", "").lower() or TaskPriority.MEDIUM.value
    if priority_text not in PRIORITIES:
        raise LineError(f"priority must be one of {', '.join(PRIORITIES)}.")
    description = cells.get("description") or None
    if description is not None and len(description) > MAX_TEXT:
        raise LineError(f"description must not be longer than {MAX_TEXT} characters.")
    due_text = cells.get("due_at", "")
    try:
        due_at = to_utc(parse_api_datetime(due_text), time_zone) if due_text else None
    except ValueError:
        raise LineError(f"due_at {due_text!r} is not a date (use Y-m-d H:i:s).") from None
    on = cells.get("on", "")
    if not on:
        raise LineError("a task needs on: the ref or UUID of a client or case.")
    return TaskRow(
        line=line,
        ref=ref,
        name=_name(cells, "name"),
        description=description,
        priority=PRIORITIES[priority_text],
        due_at=due_at,
        on=on,
    )

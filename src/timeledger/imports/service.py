"""``timeledger import records``: all of a CSV file's clients, cases and tasks, or none.

The whole file is read and checked first, as a stream (every problem of every line is
reported, sorted by line); only a file without errors is written, in bulk (``COPY`` on
PostgreSQL, ``executemany`` elsewhere), in the caller's transaction.
"""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.cases.service import case_slug
from timeledger.errors import AppError
from timeledger.imports import repository
from timeledger.imports.parsing import LineError, line_number, parse_file, text_lines
from timeledger.imports.schemas import ImportSummary, ParsedFile
from timeledger.kit.ids import parse_uuid
from timeledger.models import Account, AccountType, Case, CaseParticipant, Firm, Task
from timeledger.permissions import may_import_records, require

# (phase, how many more are done, the phase's total)
Progress = Callable[[str, int, int], None]
# An account or case: the id of an existing one, or the UUID of one this file creates.
Key = int | uuid.UUID


class ImportRejected(AppError):
    status_code = 422

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(
            "Nothing was imported; fix these lines and run the import again:\n" + "\n".join(errors)
        )


@dataclass
class _Plan:
    client_uuids: list[uuid.UUID]
    case_uuids: list[uuid.UUID]
    task_uuids: list[uuid.UUID]
    participants: list[list[Key]] = field(default_factory=list)
    task_targets: list[tuple[str, Key]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def import_records(
    session: Session,
    *,
    firm: Firm,
    data: bytes | BinaryIO,
    now: datetime,
    on_progress: Progress | None = None,
) -> ImportSummary:
    """Import the CSV ``data`` (bytes, or a binary file read as a stream) into ``firm``;
    ``ImportRejected`` with every problem, sorted by line, if there is any (nothing is
    written then). Progress is reported in bytes read, then records written."""
    progress: Progress = on_progress or (lambda _phase, _done, _total: None)
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    size = max(_size(stream), 1)
    try:
        lines = text_lines(stream, on_bytes=lambda read: progress("Checking", read, size))
        parsed, errors = parse_file(lines, time_zone=firm.time_zone)
    except LineError as exc:
        raise ImportRejected([str(exc)]) from None
    # A file with a problem on one line may have others only the references show.
    plan = _resolve(session, firm, parsed)
    problems = sorted([*errors, *plan.errors], key=line_number)
    if problems:
        raise ImportRejected(problems)
    _write(session, firm, parsed, plan, now, progress)
    return ImportSummary(
        clients=len(parsed.clients),
        cases=len(parsed.cases),
        tasks=len(parsed.tasks),
        refs=_refs(parsed, plan),
    )


def import_records_as(
    session: Session, *, actor: Actor, data: bytes | BinaryIO, now: datetime
) -> ImportSummary:
    """``import_records`` into the actor's firm, for a signed-in person (the web app's
    upload): 403 unless ``permissions.may_import_records``; then as ``import_records``."""
    require(may_import_records(actor))
    return import_records(session, firm=actor.firm, data=data, now=now)


def _size(stream: BinaryIO) -> int:
    try:
        return os.fstat(stream.fileno()).st_size
    except (OSError, io.UnsupportedOperation):
        return len(stream.getvalue()) if isinstance(stream, io.BytesIO) else 0


def _refs(parsed: ParsedFile, plan: _Plan) -> list[tuple[str, str, uuid.UUID]]:
    """``(ref, kind, new UUID)`` of every line that had a ref, in kind order."""
    rows = [
        *(("client", r.ref, u) for r, u in zip(parsed.clients, plan.client_uuids, strict=True)),
        *(("case", r.ref, u) for r, u in zip(parsed.cases, plan.case_uuids, strict=True)),
        *(("task", r.ref, u) for r, u in zip(parsed.tasks, plan.task_uuids, strict=True)),
    ]
    return [(ref, kind, new_uuid) for kind, ref, new_uuid in rows if ref is not None]


def _resolve(session: Session, firm: Firm, parsed: ParsedFile) -> _Plan:
    plan = _Plan(
        client_uuids=[uuid.uuid4() for _ in parsed.clients],
        case_uuids=[uuid.uuid4() for _ in parsed.cases],
        task_uuids=[uuid.uuid4() for _ in parsed.tasks],
    )
    refs: dict[str, tuple[str, uuid.UUID | None, int]] = {}
    rows: list[tuple[str, str | None, int, uuid.UUID | None]] = [
        *(
            ("client", r.ref, r.line, u)
            for r, u in zip(parsed.clients, plan.client_uuids, strict=True)
        ),
        *(("case", r.ref, r.line, u) for r, u in zip(parsed.cases, plan.case_uuids, strict=True)),
        *(("task", r.ref, r.line, None) for r in parsed.tasks),
    ]
    for kind, ref, line, new_uuid in rows:
        if ref is None:
            continue
        if ref in refs:
            plan.errors.append(f"line {line}: ref {ref!r} is already used on line {refs[ref][2]}.")
        else:
            refs[ref] = (kind, new_uuid, line)
    mentioned = {p for case in parsed.cases for p in case.participants} | {
        task.on for task in parsed.tasks
    }
    outside = {parsed_uuid for text in mentioned - refs.keys() if (parsed_uuid := parse_uuid(text))}
    accounts = repository.accounts_by_uuid(session, firm_id=firm.id, uuids=outside)
    cases = repository.cases_by_uuid(session, firm_id=firm.id, uuids=outside)
    for case in parsed.cases:
        plan.participants.append(_participants(case.line, case.participants, refs, accounts, plan))
    for task in parsed.tasks:
        plan.task_targets.append(_target(task.line, task.on, refs, accounts, cases, plan))
    return plan


def _participants(
    line: int,
    names: list[str],
    refs: dict[str, tuple[str, uuid.UUID | None, int]],
    accounts: dict[uuid.UUID, Account],
    plan: _Plan,
) -> list[Key]:
    keys: list[Key] = []
    has_client = False
    for name in names:
        if name in refs and refs[name][0] == "client" and (new := refs[name][1]) is not None:
            keys.append(new)
            has_client = True
        elif (found := accounts.get(parse_uuid(name) or uuid.UUID(int=0))) is not None:
            keys.append(found.id)
            has_client = has_client or found.type == AccountType.CLIENT
        else:
            plan.errors.append(
                f"line {line}: participant {name!r} is neither the ref of a client in this "
                "file nor the UUID of one of the firm's accounts."
            )
            return keys
    if not has_client:
        plan.errors.append(f"line {line}: the participants must include a client.")
    return list(dict.fromkeys(keys))


def _target(
    line: int,
    name: str,
    refs: dict[str, tuple[str, uuid.UUID | None, int]],
    accounts: dict[uuid.UUID, Account],
    cases: dict[uuid.UUID, Case],
    plan: _Plan,
) -> tuple[str, Key]:
    if name in refs and refs[name][0] in {"client", "case"} and (new := refs[name][1]):
        return refs[name][0], new
    parsed = parse_uuid(name) or uuid.UUID(int=0)
    account = accounts.get(parsed)
    if account is not None and account.type == AccountType.CLIENT:
        return "client", account.id
    if parsed in cases:
        return "case", cases[parsed].id
    plan.errors.append(
        f"line {line}: on {name!r} is neither the ref of a client or case in this file nor "
        "the UUID of one of the firm's clients or cases."
    )
    return "client", 0


def _write(
    session: Session, firm: Firm, parsed: ParsedFile, plan: _Plan, now: datetime, progress: Progress
) -> None:
    total = parsed.count

    def advance(done: int) -> None:
        progress("Importing", done, total)

    stamps = {"firm_id": firm.id, "created_at": now, "updated_at": now}
    account_ids = repository.insert_rows(
        session,
        Account,
        [
            {
                **stamps,
                "uuid": new_uuid,
                "type": AccountType.CLIENT,
                "role": row.role,
                "first_name": row.first_name,
                "last_name": row.last_name,
                "email": row.email,
            }
            for row, new_uuid in zip(parsed.clients, plan.client_uuids, strict=True)
        ],
        on_chunk=advance,
    )
    case_ids = repository.insert_rows(
        session,
        Case,
        [
            {**stamps, "uuid": new_uuid, "name": row.name, "slug": case_slug(row.name)}
            for row, new_uuid in zip(parsed.cases, plan.case_uuids, strict=True)
        ],
        on_chunk=advance,
    )
    participants = [
        {"firm_id": firm.id, "case_id": case_ids[case_uuid], "account_id": _id(key, account_ids)}
        for case_uuid, keys in zip(plan.case_uuids, plan.participants, strict=True)
        for key in keys
    ]
    repository.insert_rows(session, CaseParticipant, participants)
    repository.insert_rows(
        session, Task, _task_rows(parsed, plan, stamps, account_ids, case_ids), on_chunk=advance
    )


def _task_rows(
    parsed: ParsedFile,
    plan: _Plan,
    stamps: dict[str, Any],
    account_ids: dict[uuid.UUID, int],
    case_ids: dict[uuid.UUID, int],
) -> list[dict[str, Any]]:
    rows = []
    targets = zip(parsed.tasks, plan.task_targets, plan.task_uuids, strict=True)
    for row, (kind, key), new_uuid in targets:
        rows.append(
            {
                **stamps,
                "uuid": new_uuid,
                "name": row.name,
                "description": row.description,
                "priority": row.priority,
                "due_at": row.due_at,
                "account_id": _id(key, account_ids) if kind == "client" else None,
                "case_id": _id(key, case_ids) if kind == "case" else None,
            }
        )
    return rows


def _id(key: Key, new_ids: dict[uuid.UUID, int]) -> int:
    return key if isinstance(key, int) else new_ids[key]

"""Bulk inserts (multi-row ``INSERT ... RETURNING``) and the look-ups an import needs."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Table, insert, select
from sqlalchemy.orm import Session

from timeledger.kit.repository import in_firms
from timeledger.models import Account, Case

CHUNK = 5_000


def _table(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


def insert_rows(
    session: Session,
    model: type[Any],
    rows: Sequence[dict[str, Any]],
    *,
    on_chunk: Callable[[int], None] | None = None,
) -> dict[uuid.UUID, int]:
    """Insert ``rows`` into ``model``'s table in chunks; the new ids by UUID when the table
    has them (one ``SELECT`` per chunk).

    On PostgreSQL with psycopg the rows go in with ``COPY``, in the session's transaction:
    many-row ``INSERT`` statements spend most of their time in the driver. Elsewhere
    (SQLite) a plain ``executemany``.
    """
    table = _table(model)
    with_ids = "uuid" in table.c
    copy = session.get_bind().dialect.driver == "psycopg"
    ids: dict[uuid.UUID, int] = {}
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        if copy:
            _copy(session, table, chunk)
        else:
            session.execute(insert(table), chunk)
        if with_ids:
            new = [row["uuid"] for row in chunk]
            found = session.execute(
                select(table.c.uuid, table.c.id).where(
                    *_firm_of(table, chunk), table.c.uuid.in_(new)
                )
            )
            ids.update({row[0]: row[1] for row in found})
        if on_chunk is not None:
            on_chunk(len(chunk))
    return ids


def _firm_of(table: Table, rows: Sequence[dict[str, Any]]) -> list[ColumnElement[bool]]:
    """The firm filter of a lookup of ``rows`` (issue 15), on tables with a firm."""
    if "firm_id" not in table.c:
        return []
    return [in_firms(table.c.firm_id, {row["firm_id"] for row in rows})]


def _copy(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """``COPY table (columns) FROM STDIN`` through the session's own psycopg connection.

    Values are written as the column types would bind them: enums by value, timestamps
    as aware UTC instants.
    """
    names = list(rows[0])
    columns = ", ".join(f'"{name}"' for name in names)
    dbapi: Any = session.connection().connection.driver_connection
    with (
        dbapi.cursor() as cursor,
        cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row([_plain(row[name]) for name in names])


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    return value


def accounts_by_uuid(
    session: Session, *, firm_id: int, uuids: set[uuid.UUID]
) -> dict[uuid.UUID, Account]:
    found: dict[uuid.UUID, Account] = {}
    ordered = sorted(uuids)
    for start in range(0, len(ordered), CHUNK):
        for account in session.scalars(
            select(Account).where(
                Account.firm_id == firm_id,
                Account.uuid.in_(ordered[start : start + CHUNK]),
                Account.archived_at.is_(None),
            )
        ):
            found[account.uuid] = account
    return found


def cases_by_uuid(
    session: Session, *, firm_id: int, uuids: set[uuid.UUID]
) -> dict[uuid.UUID, Case]:
    found: dict[uuid.UUID, Case] = {}
    ordered = sorted(uuids)
    for start in range(0, len(ordered), CHUNK):
        for case in session.scalars(
            select(Case).where(
                Case.firm_id == firm_id,
                Case.uuid.in_(ordered[start : start + CHUNK]),
                Case.archived_at.is_(None),
            )
        ):
            found[case.uuid] = case
    return found

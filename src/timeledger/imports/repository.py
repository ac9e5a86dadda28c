"""Bulk inserts (multi-row ``INSERT ... RETURNING``) and the look-ups an import needs."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

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
    has them."""
    table = _table(model)
    with_ids = "uuid" in table.c
    ids: dict[uuid.UUID, int] = {}
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        if with_ids:
            statement = insert(table).returning(table.c.uuid, table.c.id)
            ids.update({row[0]: row[1] for row in session.execute(statement, chunk)})
        else:
            session.execute(insert(table), chunk)
        if on_chunk is not None:
            on_chunk(len(chunk))
    return ids


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

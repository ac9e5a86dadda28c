"""Rows by their integer id, now that a firm table's identity is ``(firm_id, id)``.

``session.get(Model, id)`` needs the whole key. The ids a caller holds (a trackable's, a
delivery's event) are unique across their table, so these look first among the rows the
session already holds (no query, as ``session.get`` did), then ask the database once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

Row = TypeVar("Row")


def held_by_id(session: Session, model: type[Row], ids: Iterable[int]) -> dict[int, Row]:
    """The rows of ``model`` with these ids that the session already holds."""
    wanted = set(ids)
    found: dict[int, Row] = {}
    for key in list(session.identity_map.keys()):
        if key[0] is model and (row_id := key[1][-1]) in wanted:
            row = session.identity_map.get(key)
            if row is not None:
                found[row_id] = row
    return found


def rows_by_id(session: Session, model: type[Row], ids: Iterable[int]) -> dict[int, Row]:
    """The rows of ``model`` with these ids: held ones free, the rest in one query."""
    wanted = set(ids)
    found = held_by_id(session, model, wanted)
    missing = wanted - found.keys()
    if missing:
        column: Any = model.id  # type: ignore[attr-defined]
        rows: Iterable[Any] = session.scalars(select(model).where(column.in_(missing)))
        found.update({row.id: row for row in rows})
    return found


def row_by_id(session: Session, model: type[Row], row_id: int) -> Row | None:
    """``session.get`` by the id alone."""
    return rows_by_id(session, model, [row_id]).get(row_id)

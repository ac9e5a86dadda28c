"""The firm filter every statement on firm data carries (issue 15, docs/scaling.md): with
the firm named by an equality, a database distributed by firm (Citus) sends the statement
to the one node that holds the firm.

Rows by their integer id, now that a firm table's identity is ``(firm_id, id)``:
``session.get(Model, id)`` needs the whole key. These look first among the rows the
session already holds (no query, as ``session.get`` did), then ask the database once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

_Row = TypeVar("_Row")


def in_firms(column: Any, firm_ids: Iterable[int]) -> ColumnElement[bool]:
    """``column = :firm`` for one firm (the usual case: one request, one firm), and
    ``column IN (...)`` only for work that spans firms by design (a user's own logins)."""
    wanted = set(firm_ids)
    if len(wanted) == 1:
        return bool_(column == next(iter(wanted)))
    return bool_(column.in_(wanted))


def bool_(clause: Any) -> ColumnElement[bool]:
    return clause  # type: ignore[no-any-return]


def held(session: Session, model: type[_Row], *, firm_id: int, row_id: int) -> _Row | None:
    """The row this session already holds (no query), if it is of ``firm_id``. Works with
    a primary key of ``id`` or of ``(firm_id, id)``."""
    key = (firm_id, row_id) if len(inspect(model).primary_key) == 2 else (row_id,)
    found = session.identity_map.get(identity_key(model, key))
    if isinstance(found, model) and getattr(found, "firm_id", None) == firm_id:
        return found
    return None


def row_of_firm(session: Session, model: type[_Row], *, firm_id: int, row_id: int) -> _Row | None:
    """``session.get`` that names the firm: the held row, or one query on firm and id."""
    found = held(session, model, firm_id=firm_id, row_id=row_id)
    if found is not None:
        return found
    columns: Any = model
    statement = select(model).where(columns.firm_id == firm_id, columns.id == row_id)
    return session.scalars(statement).first()


def rows_of_firms(
    session: Session, model: type[_Row], ids: Iterable[int], *, firm_ids: Iterable[int]
) -> dict[int, _Row]:
    """Rows by id among the rows of ``firm_ids``: those the session holds cost no query
    (the caller's own account, loaded by authentication; a trackable the request looked
    up); the rest, one query that names the firms."""
    firms = set(firm_ids)
    found: dict[int, _Row] = {}
    missing = set()
    for row_id in set(ids):
        row = next(
            (
                held_row
                for firm_id in firms
                if (held_row := held(session, model, firm_id=firm_id, row_id=row_id)) is not None
            ),
            None,
        )
        if row is None:
            missing.add(row_id)
        else:
            found[row_id] = row
    if missing:
        columns: Any = model
        rows: Iterable[Any] = session.scalars(
            select(model).where(in_firms(columns.firm_id, firms), columns.id.in_(missing))
        )
        found.update({row.id: row for row in rows})
    return found

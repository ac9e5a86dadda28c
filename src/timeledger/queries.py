"""Helpers every list and lookup shares: a page of rows with its total, and path UUIDs.

A malformed UUID in a path is a record that does not exist (404), never a 422 or a 500.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.sql.elements import ColumnElement

from timeledger.errors import NotFound, ValidationFailed
from timeledger.pagination import ListParams

E = TypeVar("E", bound=StrEnum)


def uuid_or_not_found(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        raise NotFound() from None


def uuid_filter(params: ListParams, name: str) -> list[uuid.UUID] | None:
    """``filter[name]`` as UUIDs; ``None`` when absent. A malformed value matches nothing."""
    if name not in params.filters:
        return None
    found = []
    for value in params.filters[name]:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            continue
    return found


def page_of(
    session: Session,
    statement: Select[Any],
    *,
    params: ListParams,
    sort_columns: Mapping[str, Any],
    tie_breaker: ColumnElement[Any],
) -> tuple[list[Any], int]:
    """One page of ``statement``'s rows in the requested order, and how many there are."""
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    column = sort_columns[params.sort.field]
    ordered = column.desc() if params.sort.descending else column.asc()
    rows = session.scalars(
        statement.order_by(ordered.nulls_last(), tie_breaker)
        .limit(params.per_page)
        .offset(params.offset)
    ).all()
    return list(rows), total or 0


def like_pattern(text: str) -> str:
    """A case-insensitive ``LIKE`` pattern matching ``text`` anywhere, wildcards escaped."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def enum_filter(
    params: ListParams, name: str, enum: type[E], allowed: Sequence[E] | None = None
) -> list[E]:
    """The values of ``filter[name]`` as members of ``enum``; 422 for any other value."""
    choices = list(allowed if allowed is not None else enum)
    by_value = {member.value: member for member in choices}
    values = params.filters.get(name, [])
    wrong = [value for value in values if value not in by_value]
    if wrong:
        raise ValidationFailed.field(
            f"filter.{name}",
            f"The selected filter {name} is invalid: use {', '.join(by_value)}.",
        )
    return [by_value[value] for value in values]


def text_filter(params: ListParams, name: str) -> str | None:
    """A free-text filter: its values joined back together (a comma is part of the text).

    No stored text holds a NUL character, and PostgreSQL refuses one in a query: 422.
    """
    values = params.filters.get(name)
    if not values:
        return None
    text = ",".join(values)
    if "\x00" in text:
        raise ValidationFailed.field(
            f"filter.{name}", f"The filter {name} must not contain the NUL character."
        )
    return text


def touch(record: Any, now: datetime) -> None:
    """Set ``updated_at`` to the caller's clock, even when it equals the old value.

    Otherwise SQLAlchemy sees no change and the column's ``onupdate`` writes the system
    clock instead of ``now``.
    """
    record.updated_at = now
    flag_modified(record, "updated_at")

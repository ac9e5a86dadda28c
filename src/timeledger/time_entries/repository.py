"""The queries of the time-entry domain: one entry, pages of entries, and the records a page
shows (accounts and trackables), loaded in batches."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from timeledger.models import (
    Account,
    AccountType,
    BoardTask,
    CaseParticipant,
    Circle,
    CircleMember,
    Firm,
    Task,
    TimeEntry,
    TrackableType,
)
from timeledger.pagination import Sort
from timeledger.trackables.repository import MODELS, Trackable

_SORT_COLUMNS = {
    "created_at": TimeEntry.created_at,
    "start_date": TimeEntry.started_at,
    "end_date": TimeEntry.ended_at,
}


def lock_account(session: Session, account_id: int) -> None:
    """Serialise timer changes of one account (a row lock on PostgreSQL; SQLite's write
    transactions are serial already)."""
    session.execute(select(Account.id).where(Account.id == account_id).with_for_update())


def running_entry(
    session: Session, account_id: int, *, except_id: int | None = None
) -> TimeEntry | None:
    statement = select(TimeEntry).where(
        TimeEntry.account_id == account_id,
        TimeEntry.ended_at.is_(None),
        TimeEntry.deleted_at.is_(None),
    )
    if except_id is not None:
        statement = statement.where(TimeEntry.id != except_id)
    return session.scalars(statement).first()


def running_entries(session: Session, account_ids: Collection[int]) -> list[TimeEntry]:
    """The running entry of each of these accounts (at most one each)."""
    if not account_ids:
        return []
    return list(
        session.scalars(
            select(TimeEntry).where(
                TimeEntry.account_id.in_(account_ids),
                TimeEntry.ended_at.is_(None),
                TimeEntry.deleted_at.is_(None),
            )
        )
    )


def add(session: Session, entry: TimeEntry) -> None:
    session.add(entry)
    session.flush()


def flush(session: Session) -> None:
    session.flush()


def live_entry(session: Session, *, firm_id: int, entry_uuid: uuid.UUID) -> TimeEntry | None:
    """The entry with this UUID in this firm, unless it was deleted."""
    return session.scalars(
        select(TimeEntry).where(
            TimeEntry.uuid == entry_uuid,
            TimeEntry.firm_id == firm_id,
            TimeEntry.deleted_at.is_(None),
        )
    ).first()


# Listing -------------------------------------------------------------------------------


def firm_entries(firm_id: int) -> Select[TimeEntry]:
    """Every live entry of a firm; callers narrow it with ``where``."""
    return select(TimeEntry).where(TimeEntry.firm_id == firm_id, TimeEntry.deleted_at.is_(None))


def page_of(
    session: Session,
    statement: Select[TimeEntry],
    *,
    sort: Sort,
    offset: int,
    limit: int,
) -> tuple[list[TimeEntry], int]:
    """One page of ``statement`` in a stable order, and how many rows it has in all."""
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    rows = session.scalars(statement.order_by(*_order(sort)).offset(offset).limit(limit))
    return list(rows), int(total or 0)


def _order(sort: Sort) -> list[Any]:
    """The field, then the id in the same direction, so that pages never overlap.

    Running entries (no end) come first for ``-end_date`` and last for ``end_date``; said
    explicitly, because SQLite and PostgreSQL disagree about where NULL sorts.
    """
    column = _SORT_COLUMNS[sort.field]
    if sort.descending:
        return [column.desc().nulls_first(), TimeEntry.id.desc()]
    return [column.asc().nulls_last(), TimeEntry.id.asc()]


def uuid_in(uuids: Collection[uuid.UUID]) -> ColumnElement[bool]:
    return TimeEntry.uuid.in_(uuids)


def account_is(account_id: int) -> ColumnElement[bool]:
    return TimeEntry.account_id == account_id


def account_uuid_in(firm_id: int, uuids: Collection[uuid.UUID]) -> ColumnElement[bool]:
    ids = select(Account.id).where(Account.firm_id == firm_id, Account.uuid.in_(uuids))
    return TimeEntry.account_id.in_(ids)


def trackable_type_in(kinds: Collection[TrackableType]) -> ColumnElement[bool]:
    return TimeEntry.trackable_type.in_(kinds)


def started_at_least(instant: datetime) -> ColumnElement[bool]:
    return TimeEntry.started_at >= instant


def started_before(instant: datetime, *, inclusive: bool) -> ColumnElement[bool]:
    return TimeEntry.started_at <= instant if inclusive else TimeEntry.started_at < instant


def ended_at_least(instant: datetime) -> ColumnElement[bool]:
    return TimeEntry.ended_at >= instant


def ended_before(instant: datetime, *, inclusive: bool) -> ColumnElement[bool]:
    return TimeEntry.ended_at <= instant if inclusive else TimeEntry.ended_at < instant


def on_trackables(kind: TrackableType, ids: Select[Any] | Collection[int]) -> ColumnElement[bool]:
    return and_(TimeEntry.trackable_type == kind, TimeEntry.trackable_id.in_(ids))


def on_circles(firm_id: int, circle_uuids: Collection[uuid.UUID]) -> ColumnElement[bool]:
    """Entries on these circles, or on client accounts that are members of them."""
    circle_ids = select(Circle.id).where(Circle.firm_id == firm_id, Circle.uuid.in_(circle_uuids))
    member_ids = (
        select(CircleMember.account_id)
        .join(Account, Account.id == CircleMember.account_id)
        .where(CircleMember.circle_id.in_(circle_ids), Account.type == AccountType.CLIENT)
    )
    return or_(
        on_trackables(TrackableType.CIRCLE, circle_ids),
        on_trackables(TrackableType.CLIENT, member_ids),
    )


def around_client(client_id: int) -> ColumnElement[bool]:
    """Entries on the client, on the cases it takes part in, and on the tasks and board
    tasks of the client or of those cases."""
    case_ids = select(CaseParticipant.case_id).where(CaseParticipant.account_id == client_id)
    task_ids = select(Task.id).where(or_(Task.account_id == client_id, Task.case_id.in_(case_ids)))
    board_task_ids = select(BoardTask.id).where(BoardTask.case_id.in_(case_ids))
    return or_(
        on_trackables(TrackableType.CLIENT, [client_id]),
        on_trackables(TrackableType.CASE, case_ids),
        on_trackables(TrackableType.TASK, task_ids),
        on_trackables(TrackableType.BOARD_TASK, board_task_ids),
    )


# The records entries point at ------------------------------------------------------------


def client_account(session: Session, *, firm_id: int, account_uuid: uuid.UUID) -> Account | None:
    """A client of the firm, archived or not (its history stays readable)."""
    return session.scalars(
        select(Account).where(
            Account.uuid == account_uuid,
            Account.firm_id == firm_id,
            Account.type == AccountType.CLIENT,
        )
    ).first()


def accounts_by_id(session: Session, ids: Iterable[int]) -> dict[int, Account]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {a.id: a for a in session.scalars(select(Account).where(Account.id.in_(wanted)))}


def trackables_by_key(
    session: Session, *, firms: Mapping[int, Firm], keys: Sequence[tuple[TrackableType, int]]
) -> dict[tuple[TrackableType, int], Trackable]:
    """The trackables behind ``(type, id)`` keys: one query per type present (none for
    firms, which the caller already has)."""
    found: dict[tuple[TrackableType, int], Trackable] = {}
    by_type: dict[TrackableType, set[int]] = {}
    for kind, trackable_id in keys:
        by_type.setdefault(kind, set()).add(trackable_id)
    for kind, ids in by_type.items():
        if kind is TrackableType.FIRM:
            found.update({(kind, i): firms[i] for i in ids if i in firms})
            continue
        rows: Iterable[Trackable]
        if kind is TrackableType.CLIENT:
            rows = accounts_by_id(session, ids).values()
        else:
            model = MODELS[kind]
            rows = cast(
                Iterable[Trackable], session.scalars(select(model).where(model.id.in_(ids)))
            )
        found.update({(kind, row.id): row for row in rows})
    return found

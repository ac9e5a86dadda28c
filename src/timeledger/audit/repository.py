from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from timeledger.models import (
    Account,
    BoardTask,
    Case,
    Circle,
    Firm,
    PersonalAccessToken,
    Task,
    TimeEntry,
    TimeEntryEvent,
    TrackableType,
)

# The table behind each kind of record a snapshot refers to by row id.
_TABLES: dict[str, type[Account | BoardTask | Case | Circle | Firm | Task]] = {
    "account": Account,
    TrackableType.CLIENT.value: Account,
    TrackableType.FIRM.value: Firm,
    TrackableType.BOARD_TASK.value: BoardTask,
    TrackableType.CASE.value: Case,
    TrackableType.CIRCLE.value: Circle,
    TrackableType.TASK.value: Task,
}


def add_event(session: Session, event: TimeEntryEvent) -> None:
    session.add(event)


def entry_in_firm(session: Session, *, firm_id: int, entry_uuid: object) -> TimeEntry | None:
    """Deleted entries included: their history stays readable."""
    return session.scalars(
        select(TimeEntry).where(TimeEntry.uuid == entry_uuid, TimeEntry.firm_id == firm_id)
    ).first()


def events_of(
    session: Session, entry_id: int
) -> list[tuple[TimeEntryEvent, Account | None, PersonalAccessToken | None]]:
    statement = (
        select(TimeEntryEvent, Account, PersonalAccessToken)
        .outerjoin(Account, Account.id == TimeEntryEvent.account_id)
        .outerjoin(PersonalAccessToken, PersonalAccessToken.id == TimeEntryEvent.token_id)
        .where(TimeEntryEvent.time_entry_id == entry_id)
        .order_by(TimeEntryEvent.id)
    )
    return [(event, account, token) for event, account, token in session.execute(statement)]


def uuids_by_row(
    session: Session, refs: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], uuid.UUID]:
    """The UUIDs of the records ``(kind, row id)`` name; kind is ``account`` or a
    trackable type's value."""
    wanted: dict[str, set[int]] = {}
    for kind, row_id in refs:
        if kind in _TABLES:
            wanted.setdefault(kind, set()).add(row_id)
    found: dict[tuple[str, int], uuid.UUID] = {}
    for kind, ids in wanted.items():
        model = _TABLES[kind]
        for row_id, record_uuid in session.execute(
            select(model.id, model.uuid).where(model.id.in_(ids))
        ):
            found[(kind, row_id)] = record_uuid
    return found

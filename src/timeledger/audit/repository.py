from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, Table, and_, insert, select
from sqlalchemy.orm import Session

from timeledger.models import (
    Account,
    AuditEvent,
    BillingRate,
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
_TABLES: dict[str, type[Account | BillingRate | BoardTask | Case | Circle | Firm | Task]] = {
    "account": Account,
    "billing_rate": BillingRate,
    TrackableType.CLIENT.value: Account,
    TrackableType.FIRM.value: Firm,
    TrackableType.BOARD_TASK.value: BoardTask,
    TrackableType.CASE.value: Case,
    TrackableType.CIRCLE.value: Circle,
    TrackableType.TASK.value: Task,
}


_EVENTS = cast(Table, TimeEntryEvent.__table__)
_EVENT_COLUMNS = tuple(column.key for column in _EVENTS.columns if column.key != "id")


def add_event(session: Session, event: TimeEntryEvent) -> None:
    """One INSERT, now, in the caller's transaction (not the unit of work: the event is
    never read back in the request that writes it). The database gives it its ``id``."""
    if event.uuid is None:
        event.uuid = uuid.uuid4()
    session.execute(insert(_EVENTS), {key: getattr(event, key) for key in _EVENT_COLUMNS})


def add_change(session: Session, event: AuditEvent) -> None:
    session.add(event)


def firm_changes(firm_id: int) -> Select[AuditEvent]:
    return select(AuditEvent).where(AuditEvent.firm_id == firm_id)


def subject_type_in(kinds: Collection[str]) -> ColumnElement[bool]:
    return AuditEvent.subject_type.in_(kinds)


def subject_uuid_in(uuids: Collection[uuid.UUID]) -> ColumnElement[bool]:
    return AuditEvent.subject_uuid.in_(uuids)


def change_order(descending: bool) -> list[Any]:
    return [AuditEvent.id.desc()] if descending else [AuditEvent.id.asc()]


def accounts_and_tokens(
    session: Session, events: Sequence[AuditEvent], *, firm_id: int
) -> tuple[dict[int, Account], dict[int, PersonalAccessToken]]:
    account_ids = {e.account_id for e in events if e.account_id is not None}
    token_ids = {e.token_id for e in events if e.token_id is not None}
    accounts = (
        {
            a.id: a
            for a in session.scalars(
                select(Account).where(Account.firm_id == firm_id, Account.id.in_(account_ids))
            )
        }
        if account_ids
        else {}
    )
    tokens = (
        {
            t.id: t
            for t in session.scalars(
                select(PersonalAccessToken).where(PersonalAccessToken.id.in_(token_ids))
            )
        }
        if token_ids
        else {}
    )
    return accounts, tokens


def entry_in_firm(session: Session, *, firm_id: int, entry_uuid: object) -> TimeEntry | None:
    """Deleted entries included: their history stays readable."""
    return session.scalars(
        select(TimeEntry).where(TimeEntry.uuid == entry_uuid, TimeEntry.firm_id == firm_id)
    ).first()


def events_of(
    session: Session, entry_id: int, *, firm_id: int
) -> list[tuple[TimeEntryEvent, Account | None, PersonalAccessToken | None]]:
    statement = (
        select(TimeEntryEvent, Account, PersonalAccessToken)
        .outerjoin(
            Account,
            and_(
                Account.firm_id == TimeEntryEvent.firm_id, Account.id == TimeEntryEvent.account_id
            ),
        )
        .outerjoin(PersonalAccessToken, PersonalAccessToken.id == TimeEntryEvent.token_id)
        .where(TimeEntryEvent.firm_id == firm_id, TimeEntryEvent.time_entry_id == entry_id)
        .order_by(TimeEntryEvent.id)
    )
    return [(event, account, token) for event, account, token in session.execute(statement)]


def uuids_by_row(
    session: Session, refs: Iterable[tuple[str, int]], *, firm_id: int
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
            select(model.id, model.uuid).where(_firm_column(model) == firm_id, model.id.in_(ids))
        ):
            found[(kind, row_id)] = record_uuid
    return found


def _firm_column(
    model: type[Account | BillingRate | BoardTask | Case | Circle | Firm | Task],
) -> Any:
    """The column naming a record's firm (a firm is its own)."""
    columns: Any = model
    return columns.id if model is Firm else columns.firm_id

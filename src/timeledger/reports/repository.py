"""The queries of reports: the live entries of a firm-wide time range (one range of the index
``(firm_id, started_at, id)``), and the records they point at, loaded in batches by id."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from timeledger.models import (
    Account,
    AccountType,
    BoardTask,
    Case,
    CaseParticipant,
    Circle,
    Tag,
    Task,
    TimeEntry,
    TrackableType,
)

BATCH = 5_000


# Not frozen: a frozen dataclass pays for object.__setattr__ on every field, and a report
# builds one per entry.
@dataclass(slots=True)
class EntryRow:
    """An entry as reports read it. The first nine fields are what every report sums (and
    what the range index carries on PostgreSQL, so a summary is an index-only scan); the
    last four are read only for the detailed report (``range_entries(detailed=True)``)."""

    id: int
    account_id: int
    trackable_type: TrackableType
    trackable_id: int
    started_at: datetime
    ended_at: datetime | None
    # Billing (issue 11): the entry's flag and its rate snapshot (minor units per hour).
    billable: bool
    hourly_rate_minor: int | None
    currency: str | None
    uuid: uuid.UUID | None = None
    name: str = ""
    description: str | None = None
    invoiced_at: datetime | None = None


# What the summary and the weekly grid read: the columns of the range index's key and its
# INCLUDE list (migration 20261201_13), in EntryRow's order.
_SUMMED = (
    TimeEntry.id,
    TimeEntry.account_id,
    TimeEntry.trackable_type,
    TimeEntry.trackable_id,
    TimeEntry.started_at,
    TimeEntry.ended_at,
    TimeEntry.billable,
    TimeEntry.hourly_rate_minor,
    TimeEntry.currency,
)
_DETAILED = (TimeEntry.uuid, TimeEntry.name, TimeEntry.description, TimeEntry.invoiced_at)


@dataclass(frozen=True, slots=True)
class Named:
    """A record as a report shows it."""

    uuid: uuid.UUID
    name: str


@dataclass(frozen=True, slots=True)
class RangeQuery:
    firm_id: int
    lo: datetime
    hi: datetime
    overlap: bool
    include_running: bool
    as_of: datetime
    account_ids: tuple[int, ...] | None
    trackable_types: tuple[TrackableType, ...] | None
    billable: bool | None = None


def _conditions(query: RangeQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        TimeEntry.firm_id == query.firm_id,
        TimeEntry.deleted_at.is_(None),
        TimeEntry.started_at < query.hi,
    ]
    if query.overlap:
        # Entries that started before the range count for the part inside it.
        still_open = TimeEntry.ended_at.is_(None) if query.include_running else None
        ends_inside = TimeEntry.ended_at > query.lo
        conditions.append(
            or_(
                TimeEntry.started_at >= query.lo,
                ends_inside if still_open is None else or_(ends_inside, still_open),
            )
        )
    else:
        conditions.append(TimeEntry.started_at >= query.lo)
    if not query.include_running:
        conditions.append(TimeEntry.ended_at.is_not(None))
    if query.account_ids is not None:
        conditions.append(TimeEntry.account_id.in_(query.account_ids))
    if query.trackable_types is not None:
        conditions.append(TimeEntry.trackable_type.in_(query.trackable_types))
    if query.billable is not None:
        conditions.append(TimeEntry.billable.is_(query.billable))
    return conditions


def range_entries(
    session: Session,
    query: RangeQuery,
    *,
    after: tuple[datetime, int] | None = None,
    detailed: bool = False,
) -> Iterator[EntryRow]:
    """The entries of the range in (start, id) order, from after ``after`` (keyset), read
    in batches so that memory stays bounded however long the range. Without ``detailed``
    the rows leave ``uuid``, ``name``, ``description`` and ``invoiced_at`` unset: on
    PostgreSQL the rest is read from the index alone (an index-only scan), so a month costs
    the same whatever else the table holds."""
    columns = (*_SUMMED, *_DETAILED) if detailed else _SUMMED
    statement = (
        select(*columns)
        .where(and_(*_conditions(query)))
        .order_by(TimeEntry.started_at, TimeEntry.id)
    )
    if after is not None:
        started, entry_id = after
        statement = statement.where(
            or_(
                TimeEntry.started_at > started,
                and_(TimeEntry.started_at == started, TimeEntry.id > entry_id),
            )
        )
    # Core, not the ORM's row loading: these are plain columns, and the ORM's per-row
    # machinery was an eighth of a month's summary (docs/performance.md).
    result = session.connection().execute(statement.execution_options(yield_per=BATCH))
    for row in result:
        yield EntryRow(*row)


def account_ids(
    session: Session, firm_id: int, uuids: Collection[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """Staff accounts of the firm by UUID (another firm's UUIDs find nothing)."""
    rows = session.execute(
        select(Account.uuid, Account.id).where(
            Account.firm_id == firm_id,
            Account.uuid.in_(uuids),
            Account.type == AccountType.EMPLOYEE,
        )
    )
    return {row[0]: row[1] for row in rows}


def client_ids(
    session: Session, firm_id: int, uuids: Collection[uuid.UUID]
) -> dict[uuid.UUID, int]:
    rows = session.execute(
        select(Account.uuid, Account.id).where(
            Account.firm_id == firm_id,
            Account.uuid.in_(uuids),
            Account.type == AccountType.CLIENT,
        )
    )
    return {row[0]: row[1] for row in rows}


def case_ids(session: Session, firm_id: int, uuids: Collection[uuid.UUID]) -> dict[uuid.UUID, int]:
    rows = session.execute(
        select(Case.uuid, Case.id).where(Case.firm_id == firm_id, Case.uuid.in_(uuids))
    )
    return {row[0]: row[1] for row in rows}


def tag_ids(session: Session, firm_id: int, uuids: Collection[uuid.UUID]) -> dict[uuid.UUID, int]:
    """The firm's tags (archived too: old time keeps its tags) by UUID."""
    rows = session.execute(
        select(Tag.uuid, Tag.id).where(Tag.firm_id == firm_id, Tag.uuid.in_(uuids))
    )
    return {row[0]: row[1] for row in rows}


def _chunks(ids: Collection[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), 900):
        yield ordered[start : start + 900]


def named(
    session: Session,
    model: type[Account | Case | Circle | Task | BoardTask],
    ids: Collection[int],
    *,
    firm_id: int,
) -> dict[int, Named]:
    """Name and UUID of each record by id (archived ones too: history stays readable)."""
    found: dict[int, Named] = {}
    for chunk in _chunks(ids):
        if model is Account:
            people = session.execute(
                select(Account.id, Account.uuid, Account.first_name, Account.last_name).where(
                    Account.firm_id == firm_id, Account.id.in_(chunk)
                )
            )
            found.update({r[0]: Named(r[1], f"{r[2]} {r[3]}".strip()) for r in people})
        else:
            named_model: type[Case | Circle | Task | BoardTask] = model  # type: ignore[assignment]
            rows = session.execute(
                select(named_model.id, named_model.uuid, named_model.name).where(
                    named_model.firm_id == firm_id, named_model.id.in_(chunk)
                )
            )
            found.update({r[0]: Named(r[1], r[2]) for r in rows})
    return found


def task_parents(
    session: Session, ids: Collection[int], *, firm_id: int
) -> dict[int, tuple[int | None, int | None]]:
    """Each task's ``(client account id, case id)``: exactly one of them is set."""
    found: dict[int, tuple[int | None, int | None]] = {}
    for chunk in _chunks(ids):
        rows = session.execute(
            select(Task.id, Task.account_id, Task.case_id).where(
                Task.firm_id == firm_id, Task.id.in_(chunk)
            )
        )
        found.update({r[0]: (r[1], r[2]) for r in rows})
    return found


def board_task_cases(session: Session, ids: Collection[int], *, firm_id: int) -> dict[int, int]:
    found: dict[int, int] = {}
    for chunk in _chunks(ids):
        rows = session.execute(
            select(BoardTask.id, BoardTask.case_id).where(
                BoardTask.firm_id == firm_id, BoardTask.id.in_(chunk)
            )
        )
        found.update({r[0]: r[1] for r in rows})
    return found


def case_clients(
    session: Session, ids: Collection[int], *, firm_id: int
) -> dict[int, tuple[int, ...]]:
    """The client accounts taking part in each case, in id order."""
    found: dict[int, list[int]] = {case_id: [] for case_id in ids}
    for chunk in _chunks(ids):
        rows = session.execute(
            select(CaseParticipant.case_id, CaseParticipant.account_id)
            .join(
                Account,
                and_(
                    Account.firm_id == CaseParticipant.firm_id,
                    Account.id == CaseParticipant.account_id,
                ),
            )
            .where(
                CaseParticipant.firm_id == firm_id,
                CaseParticipant.case_id.in_(chunk),
                Account.type == AccountType.CLIENT,
            )
            .order_by(CaseParticipant.account_id)
        )
        for case_id, account_id in rows:
            found[case_id].append(account_id)
    return {case_id: tuple(accounts) for case_id, accounts in found.items()}

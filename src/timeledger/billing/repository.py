"""The queries of billing: rate rules, what an entry bills to, tags, and entries to lock,
invoice or reprice."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from timeledger.kit.repository import in_firms, row_of_firm
from timeledger.models import (
    Account,
    AccountType,
    BillingRate,
    BoardTask,
    Case,
    CaseParticipant,
    Firm,
    Task,
    TimeEntry,
)

# Rates -------------------------------------------------------------------------------


def lock_firm(session: Session, firm_id: int) -> None:
    """Serialise billing changes of one firm (a row lock on PostgreSQL; SQLite's write
    transactions are serial already): two overlapping rules can never both pass."""
    session.execute(select(Firm.id).where(Firm.id == firm_id).with_for_update())


def refresh_boundary(session: Session, firm: Firm) -> None:
    """Re-read the firm's lock boundary inside this transaction, with a share lock on
    PostgreSQL: an entry write and a lock change never pass each other (the lock change
    takes the row for update)."""
    session.refresh(firm, ["locked_before"], with_for_update={"read": True})


def add(session: Session, row: object) -> None:
    session.add(row)
    session.flush()


def flush(session: Session) -> None:
    session.flush()


def rules_in_effect(
    session: Session,
    *,
    firm_id: int,
    account_id: int,
    client_id: int | None,
    case_id: int | None,
    on: date,
) -> list[BillingRate]:
    """Every live rule that could apply to time of ``account_id`` on ``client_id`` /
    ``case_id`` on local day ``on``; the caller picks the most specific."""
    return list(
        session.scalars(
            select(BillingRate).where(
                BillingRate.firm_id == firm_id,
                BillingRate.archived_at.is_(None),
                BillingRate.effective_from <= on,
                or_(BillingRate.effective_to.is_(None), BillingRate.effective_to >= on),
                _null_or(BillingRate.staff_account_id, account_id),
                _null_or(BillingRate.client_account_id, client_id),
                _null_or(BillingRate.case_id, case_id),
            )
        )
    )


def _null_or(column: Any, value: int | None) -> ColumnElement[bool]:
    if value is None:
        return column.is_(None)  # type: ignore[no-any-return]
    return or_(column.is_(None), column == value)


def overlapping(session: Session, rule: BillingRate) -> BillingRate | None:
    """Another live rule at the same level and scope whose dates overlap ``rule``'s."""
    far = date.max
    statement = select(BillingRate).where(
        BillingRate.firm_id == rule.firm_id,
        BillingRate.archived_at.is_(None),
        _same(BillingRate.staff_account_id, rule.staff_account_id),
        _same(BillingRate.client_account_id, rule.client_account_id),
        _same(BillingRate.case_id, rule.case_id),
        BillingRate.effective_from <= (rule.effective_to or far),
        or_(BillingRate.effective_to.is_(None), BillingRate.effective_to >= rule.effective_from),
    )
    if rule.id is not None:
        statement = statement.where(BillingRate.id != rule.id)
    return session.scalars(statement.order_by(BillingRate.effective_from).limit(1)).first()


def _same(column: Any, value: int | None) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value  # type: ignore[no-any-return]


def rate_by_uuid(session: Session, *, firm_id: int, rate_uuid: uuid.UUID) -> BillingRate | None:
    return session.scalars(
        select(BillingRate).where(BillingRate.firm_id == firm_id, BillingRate.uuid == rate_uuid)
    ).first()


def firm_rates(firm_id: int) -> Select[BillingRate]:
    return select(BillingRate).where(BillingRate.firm_id == firm_id)


def rate_order(descending: bool) -> list[Any]:
    if descending:
        return [BillingRate.effective_from.desc(), BillingRate.id.desc()]
    return [BillingRate.effective_from.asc(), BillingRate.id.asc()]


def rates_by_id(
    session: Session, ids: Iterable[int], *, firm_ids: Collection[int]
) -> dict[int, BillingRate]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.scalars(
        select(BillingRate).where(
            in_firms(BillingRate.firm_id, firm_ids), BillingRate.id.in_(wanted)
        )
    )
    return {r.id: r for r in rows}


def accounts_by_uuid(
    session: Session, *, firm_id: int, uuids: Collection[uuid.UUID], kind: AccountType
) -> dict[uuid.UUID, Account]:
    rows = session.scalars(
        select(Account).where(
            Account.firm_id == firm_id, Account.uuid.in_(uuids), Account.type == kind
        )
    )
    return {row.uuid: row for row in rows}


def case_by_uuid(session: Session, *, firm_id: int, case_uuid: uuid.UUID) -> Case | None:
    return session.scalars(
        select(Case).where(Case.firm_id == firm_id, Case.uuid == case_uuid)
    ).first()


def records_by_id(
    session: Session, model: Any, ids: Iterable[int], *, firm_id: int
) -> dict[int, Any]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.scalars(select(model).where(model.firm_id == firm_id, model.id.in_(wanted)))
    return {row.id: row for row in rows}


# What an entry bills to ------------------------------------------------------------------


def task(session: Session, task_id: int, *, firm_id: int) -> Task | None:
    return row_of_firm(session, Task, firm_id=firm_id, row_id=task_id)


def board_task(session: Session, board_task_id: int, *, firm_id: int) -> BoardTask | None:
    return row_of_firm(session, BoardTask, firm_id=firm_id, row_id=board_task_id)


def case(session: Session, case_id: int, *, firm_id: int) -> Case | None:
    return row_of_firm(session, Case, firm_id=firm_id, row_id=case_id)


def client_participants(session: Session, case_id: int, *, firm_id: int, limit: int) -> list[int]:
    """Up to ``limit`` client accounts taking part in the case, by id."""
    return client_participants_of(session, [case_id], firm_id=firm_id, limit=limit)[case_id]


def case_billing_client_ids(
    session: Session, case_ids: Collection[int], *, firm_id: int
) -> dict[int, int | None]:
    """Each case's chosen ``billing_client_id`` (None when unset), for cases that exist."""
    found: dict[int, int | None] = {}
    for chunk in _chunks(case_ids):
        rows = session.execute(
            select(Case.id, Case.billing_client_id).where(
                Case.firm_id == firm_id, Case.id.in_(chunk)
            )
        )
        found.update({row[0]: row[1] for row in rows})
    return found


def client_participants_of(
    session: Session, case_ids: Collection[int], *, firm_id: int, limit: int
) -> dict[int, list[int]]:
    """Up to ``limit`` client accounts taking part in each case, by id."""
    found: dict[int, list[int]] = {case_id: [] for case_id in case_ids}
    for chunk in _chunks(case_ids):
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
            .order_by(CaseParticipant.case_id, CaseParticipant.account_id)
        )
        for case_id, account_id in rows:
            if len(found[case_id]) < limit:
                found[case_id].append(account_id)
    return found


def _chunks(ids: Collection[int]) -> Iterator[list[int]]:
    # Bounded IN lists (SQLite's bound-parameter limit).
    ordered = sorted(ids)
    for start in range(0, len(ordered), 900):
        yield ordered[start : start + 900]


def is_participant(session: Session, *, case_id: int, account_id: int) -> bool:
    return (
        session.scalars(
            select(CaseParticipant.account_id).where(
                CaseParticipant.case_id == case_id, CaseParticipant.account_id == account_id
            )
        ).first()
        is not None
    )


# Entries the billing actions touch -------------------------------------------------------


def entries_to_reprice(
    session: Session,
    *,
    firm_id: int,
    start: datetime,
    end: datetime,
    account_id: int | None,
) -> list[TimeEntry]:
    """Live entries starting in [start, end), of one account if given."""
    statement = select(TimeEntry).where(
        TimeEntry.firm_id == firm_id,
        TimeEntry.deleted_at.is_(None),
        TimeEntry.started_at >= start,
        TimeEntry.started_at < end,
    )
    if account_id is not None:
        statement = statement.where(TimeEntry.account_id == account_id)
    return list(session.scalars(statement.order_by(TimeEntry.id)))


def running_before(session: Session, *, firm_id: int, instant: datetime) -> list[TimeEntry]:
    """The firm's running entries that started before ``instant``."""
    return list(
        session.scalars(
            select(TimeEntry).where(
                TimeEntry.firm_id == firm_id,
                TimeEntry.ended_at.is_(None),
                TimeEntry.deleted_at.is_(None),
                TimeEntry.started_at < instant,
            )
        )
    )


def unlocked_starting_between(
    session: Session,
    *,
    firm_id: int,
    start: datetime | None,
    end: datetime | None,
    chunk: int = 500,
) -> Iterator[list[TimeEntry]]:
    """The firm's live, not invoiced entries that start in [``start``, ``end``) (None: open
    on that side), by id in lists of at most ``chunk``: the entries whose lock state a move
    of the period boundary changes (years of history on a first lock, hence the chunks)."""
    query = select(TimeEntry).where(
        TimeEntry.firm_id == firm_id,
        TimeEntry.deleted_at.is_(None),
        TimeEntry.invoiced_at.is_(None),
    )
    if start is not None:
        query = query.where(TimeEntry.started_at >= start)
    if end is not None:
        query = query.where(TimeEntry.started_at < end)
    last = 0
    while True:
        rows = list(
            session.scalars(query.where(TimeEntry.id > last).order_by(TimeEntry.id).limit(chunk))
        )
        if not rows:
            return
        yield rows
        last = rows[-1].id


def entries_by_uuid(
    session: Session, *, firm_id: int, uuids: Collection[uuid.UUID]
) -> list[TimeEntry]:
    return list(
        session.scalars(
            select(TimeEntry).where(
                TimeEntry.firm_id == firm_id,
                TimeEntry.uuid.in_(uuids),
                TimeEntry.deleted_at.is_(None),
            )
        )
    )


def invoiced_entries(firm_id: int) -> ColumnElement[bool]:
    return and_(TimeEntry.firm_id == firm_id, TimeEntry.invoiced_at.is_not(None))


def in_effect_on(on: date) -> ColumnElement[bool]:
    return and_(
        BillingRate.effective_from <= on,
        or_(BillingRate.effective_to.is_(None), BillingRate.effective_to >= on),
    )


def level_in(levels: Collection[str]) -> ColumnElement[bool]:
    """Rules at any of these levels (case_staff, case, client_staff, client, staff, firm)."""
    staff = BillingRate.staff_account_id.is_not(None)
    no_staff = BillingRate.staff_account_id.is_(None)
    case = BillingRate.case_id.is_not(None)
    client = BillingRate.client_account_id.is_not(None)
    neither = and_(BillingRate.case_id.is_(None), BillingRate.client_account_id.is_(None))
    conditions = {
        "case_staff": and_(case, staff),
        "case": and_(case, no_staff),
        "client_staff": and_(client, staff),
        "client": and_(client, no_staff),
        "staff": and_(neither, staff),
        "firm": and_(neither, no_staff),
    }
    return or_(*(conditions[level] for level in levels))


def rate_not_archived() -> ColumnElement[bool]:
    return BillingRate.archived_at.is_(None)


def rate_for(name: str, uuids: Collection[uuid.UUID]) -> ColumnElement[bool]:
    """Rules for these staff members, clients or cases (``name``: staff_uuid...)."""
    if name == "case_uuid":
        return BillingRate.case_id.in_(
            select(Case.id).where(Case.firm_id == BillingRate.firm_id, Case.uuid.in_(uuids))
        )
    column = BillingRate.staff_account_id if name == "staff_uuid" else BillingRate.client_account_id
    return column.in_(
        select(Account.id).where(Account.firm_id == BillingRate.firm_id, Account.uuid.in_(uuids))
    )

"""The queries of the time-entry domain: one entry, pages of entries, and the records a page
shows (accounts and trackables), loaded in batches."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    any_,
    func,
    insert,
    inspect,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from timeledger.kit.listing import Sort
from timeledger.kit.repository import in_firms, rows_of_firms
from timeledger.models import (
    Account,
    AccountType,
    BoardTask,
    Case,
    CaseParticipant,
    Circle,
    CircleMember,
    Firm,
    Task,
    TimeEntry,
    TrackableType,
)
from timeledger.trackables.repository import MODELS, Trackable

_SORT_COLUMNS = {
    "created_at": TimeEntry.created_at,
    "start_date": TimeEntry.started_at,
    "end_date": TimeEntry.ended_at,
}


def lock_account(session: Session, account_id: int, *, firm_id: int) -> None:
    """Serialise timer changes of one account (a row lock on PostgreSQL; SQLite's write
    transactions are serial already)."""
    session.execute(
        select(Account.id)
        .where(Account.firm_id == firm_id, Account.id == account_id)
        .with_for_update()
    )


def running_entry(
    session: Session, account_id: int, *, firm_id: int, except_id: int | None = None
) -> TimeEntry | None:
    statement = select(TimeEntry).where(
        TimeEntry.firm_id == firm_id,
        TimeEntry.account_id == account_id,
        TimeEntry.ended_at.is_(None),
        TimeEntry.deleted_at.is_(None),
    )
    if except_id is not None:
        statement = statement.where(TimeEntry.id != except_id)
    return session.scalars(statement).first()


def running_entries(
    session: Session, account_ids: Collection[int], *, firm_ids: Collection[int]
) -> list[TimeEntry]:
    """The running entry of each of these accounts (at most one each)."""
    if not account_ids:
        return []
    return list(
        session.scalars(
            select(TimeEntry).where(
                in_firms(TimeEntry.firm_id, firm_ids),
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


# The hot write paths (issue 15): one statement each, without the ORM's unit of work.
_TABLE = cast(Table, TimeEntry.__table__)
_WRITTEN = tuple(column.key for column in _TABLE.columns if column.key != "id")
_INSERT = insert(_TABLE).returning(_TABLE.c.id)


def insert_entry(session: Session, entry: TimeEntry) -> None:
    """``INSERT ... RETURNING id`` for a new entry; the database gives it its ``id``. The
    entry object is not added to the session: nothing is left for a flush to write."""
    if entry.uuid is None:
        entry.uuid = uuid.uuid4()
    values = {key: getattr(entry, key) for key in _WRITTEN}
    entry.id = session.execute(_INSERT, values).scalar_one()


def take_changes(entry: TimeEntry) -> dict[str, Any]:
    """The columns of a loaded entry changed since it was read (or last written), now
    marked as written, so that no flush of the session writes them again."""
    state = inspect(entry)
    changes = {
        key: getattr(entry, key) for key in _WRITTEN if state.attrs[key].history.has_changes()
    }
    for key, value in changes.items():
        set_committed_value(entry, key, value)
    return changes


def update_entry(session: Session, entry: TimeEntry, changes: Mapping[str, Any]) -> None:
    """``UPDATE time_entries SET <changes> WHERE firm_id = ? AND id = ?``."""
    if changes:
        session.execute(
            update(_TABLE)
            .where(_TABLE.c.firm_id == entry.firm_id, _TABLE.c.id == entry.id)
            .values(dict(changes))
        )


def write_changes(session: Session, entry: TimeEntry) -> None:
    """Write what changed in a loaded entry with one ``UPDATE``."""
    update_entry(session, entry, take_changes(entry))


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


def entry_order(sort: Sort) -> list[Any]:
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


def account_in_firm(firm_id: int) -> ColumnElement[bool]:
    return TimeEntry.firm_id == firm_id


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
        .join(
            Account,
            and_(Account.firm_id == CircleMember.firm_id, Account.id == CircleMember.account_id),
        )
        .where(
            CircleMember.firm_id == firm_id,
            CircleMember.circle_id.in_(circle_ids),
            Account.type == AccountType.CLIENT,
        )
    )
    return or_(
        on_trackables(TrackableType.CIRCLE, circle_ids),
        on_trackables(TrackableType.CLIENT, member_ids),
    )


def client_entries(session: Session, firm_id: int, client_id: int) -> Select[TimeEntry]:
    """Live entries on the client, on the cases it takes part in, and on the tasks and board
    tasks of the client or of those cases.

    The ids come from one range of the trackable index per branch (UNION ALL), and only then
    are the entries read, by primary key. As an OR of the branches in WHERE, SQLite scanned
    every entry of the listed accounts (it cannot use the trackable index for an OR that
    leaves the firm outside). Joined to the ids, PostgreSQL misjudged how many entries the
    account filter keeps and hashed them all (800 ms at 1M entries); ``id = ANY(ARRAY(ids))``
    makes it read the ids first. A task is on a client or on a case, never both (a check
    constraint), so its two branches never repeat an entry.
    """
    case_ids = select(CaseParticipant.case_id).where(
        CaseParticipant.firm_id == firm_id, CaseParticipant.account_id == client_id
    )
    tasks, boards = select(Task.id).where(Task.firm_id == firm_id), select(BoardTask.id)
    branches: list[tuple[TrackableType, Select[Any] | list[int]]] = [
        (TrackableType.CLIENT, [client_id]),
        (TrackableType.CASE, case_ids),
        (TrackableType.TASK, tasks.where(Task.account_id == client_id)),
        (TrackableType.TASK, tasks.where(Task.case_id.in_(case_ids))),
        (
            TrackableType.BOARD_TASK,
            boards.where(BoardTask.firm_id == firm_id, BoardTask.case_id.in_(case_ids)),
        ),
    ]
    ids = union_all(
        *(
            select(TimeEntry.id).where(TimeEntry.firm_id == firm_id, on_trackables(kind, on))
            for kind, on in branches
        )
    )
    if session.get_bind().dialect.name == "postgresql":
        return firm_entries(firm_id).where(TimeEntry.id == any_(func.array(ids.scalar_subquery())))
    around = ids.subquery("around_client")
    return firm_entries(firm_id).join(around, TimeEntry.id == around.c.id)


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


_Row = Account | BoardTask | Case | Circle | Task


def _by_id(
    session: Session, model: type[_Row], ids: Iterable[int], *, firm_ids: Collection[int]
) -> dict[int, Any]:
    """Rows by id: those this session already holds (the caller's own account, loaded by
    authentication; a trackable the request looked up) cost no query; the rest, one."""
    found: dict[int, Any] = rows_of_firms(session, model, ids, firm_ids=firm_ids)
    return found


def accounts_by_id(
    session: Session, ids: Iterable[int], *, firm_ids: Collection[int]
) -> dict[int, Account]:
    return _by_id(session, Account, ids, firm_ids=firm_ids)


def trackables_by_key(
    session: Session,
    *,
    firms: Mapping[int, Firm],
    firm_ids: Collection[int],
    keys: Sequence[tuple[TrackableType, int]],
) -> dict[tuple[TrackableType, int], Trackable]:
    """The trackables behind ``(type, id)`` keys: at most one query per type present (none
    for firms, which the caller already has)."""
    found: dict[tuple[TrackableType, int], Trackable] = {}
    by_type: dict[TrackableType, set[int]] = {}
    for kind, trackable_id in keys:
        by_type.setdefault(kind, set()).add(trackable_id)
    for kind, ids in by_type.items():
        if kind is TrackableType.FIRM:
            found.update({(kind, i): firms[i] for i in ids if i in firms})
            continue
        model = Account if kind is TrackableType.CLIENT else MODELS[kind]
        rows: dict[int, Trackable] = _by_id(session, model, ids, firm_ids=firm_ids)
        found.update({(kind, row_id): row for row_id, row in rows.items()})
    return found


def entries_in_firm(
    session: Session, *, firm_id: int, uuids: Collection[uuid.UUID]
) -> list[TimeEntry]:
    """The live entries of the firm with these UUIDs, locked for the update (PostgreSQL)."""
    return list(
        session.scalars(firm_entries(firm_id).where(TimeEntry.uuid.in_(uuids)).with_for_update())
    )


def matching(
    session: Session, firm_id: int, conditions: Sequence[ColumnElement[bool]], *, limit: int
) -> list[TimeEntry]:
    return list(
        session.scalars(
            firm_entries(firm_id)
            .where(*conditions)
            .order_by(TimeEntry.id)
            .limit(limit)
            .with_for_update()
        )
    )


def recent_trackable_keys(
    session: Session, *, firm_id: int, account_id: int, limit: int
) -> list[tuple[TrackableType, int]]:
    """What the account last tracked time on, most recent first, each once. Reads only
    the account's last 200 entries (ix_time_entries_firm_account_start), so its cost does
    not grow with the account's history."""
    rows = session.execute(
        select(TimeEntry.trackable_type, TimeEntry.trackable_id)
        .where(
            TimeEntry.firm_id == firm_id,
            TimeEntry.account_id == account_id,
            TimeEntry.deleted_at.is_(None),
        )
        .order_by(TimeEntry.started_at.desc())
        .limit(200)
    )
    keys: dict[tuple[TrackableType, int], None] = {}
    for kind, trackable_id in rows:
        keys.setdefault((kind, trackable_id), None)
        if len(keys) == limit:
            break
    return list(keys)

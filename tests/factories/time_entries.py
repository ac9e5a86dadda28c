"""Time entries written straight to the table, for tests that need many or odd ones."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from timeledger.models import (
    Account,
    BoardTask,
    Case,
    Circle,
    Firm,
    Task,
    TimeEntry,
    TrackableType,
)

_TYPES: dict[type, TrackableType] = {
    Case: TrackableType.CASE,
    Circle: TrackableType.CIRCLE,
    Task: TrackableType.TASK,
    BoardTask: TrackableType.BOARD_TASK,
    Firm: TrackableType.FIRM,
}


def make_entry(
    session: Session,
    *,
    account: Account,
    on: Account | Case | Circle | Task | BoardTask | Firm,
    start: datetime,
    minutes: int | None = 30,
    name: str = "Research",
    created_at: datetime | None = None,
    deleted_at: datetime | None = None,
) -> TimeEntry:
    """A finished entry of ``minutes`` from ``start``, or a running one (``minutes=None``)."""
    kind = TrackableType.CLIENT if isinstance(on, Account) else _TYPES[type(on)]
    entry = TimeEntry(
        firm_id=account.firm_id,
        account_id=account.id,
        trackable_type=kind,
        trackable_id=on.id,
        name=name,
        description=None,
        started_at=start,
        ended_at=None if minutes is None else start + timedelta(minutes=minutes),
        created_at=created_at or start,
        updated_at=created_at or start,
        deleted_at=deleted_at,
    )
    session.add(entry)
    session.flush()
    return entry

"""Recording and reading the audit trail of time entries."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from timeledger.audit import repository
from timeledger.audit.schemas import TimeEntryEventRead, TimeEntryHistory
from timeledger.auth.service import Actor
from timeledger.errors import NotFound
from timeledger.models import TimeEntry, TimeEntryAction, TimeEntryEvent
from timeledger.permissions import may_read_history, require


def snapshot(entry: TimeEntry) -> dict[str, Any]:
    """The fields a change can touch, in UTC, as they were at this moment."""
    return {
        "name": entry.name,
        "description": entry.description,
        "trackable_type": entry.trackable_type.value,
        "trackable_id": entry.trackable_id,
        "account_id": entry.account_id,
        "start_date": entry.started_at.isoformat(),
        "end_date": entry.ended_at.isoformat() if entry.ended_at else None,
        "deleted_at": entry.deleted_at.isoformat() if entry.deleted_at else None,
    }


def record(
    session: Session,
    *,
    entry: TimeEntry,
    action: TimeEntryAction,
    actor: Actor | None,
    before: dict[str, Any] | None,
    now: datetime,
) -> None:
    """Add one event in the caller's transaction: the change and its record commit together."""
    repository.add_event(
        session,
        TimeEntryEvent(
            firm_id=entry.firm_id,
            time_entry_id=entry.id,
            action=action,
            account_id=actor.account.id if actor else None,
            user_id=actor.user.id if actor else None,
            token_id=actor.token.id if actor and actor.token else None,
            before=before,
            after=snapshot(entry),
            created_at=now,
        ),
    )


def history(session: Session, *, actor: Actor, entry_uuid: uuid.UUID) -> TimeEntryHistory:
    """Owners, admins and the entry's own account may read it; deleted entries included."""
    require(may_read_history(actor))
    entry = repository.entry_in_firm(session, firm_id=actor.firm.id, entry_uuid=entry_uuid)
    if entry is None:
        raise NotFound("No time entry with that UUID.")
    require(may_read_history(actor, entry))
    time_zone = actor.firm.time_zone
    return TimeEntryHistory(
        data=[
            TimeEntryEventRead.build(event, account=account, token=token, time_zone=time_zone)
            for event, account, token in repository.events_of(session, entry.id)
        ]
    )

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
            token_id=actor.token.id if actor else None,
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
    events = repository.events_of(session, entry.id)
    snapshots = [s for event, _, _ in events for s in (event.before, event.after) if s]
    uuids = repository.uuids_by_row(session, (ref for s in snapshots for ref in _refs(s)))
    return TimeEntryHistory(
        data=[
            TimeEntryEventRead.build(
                event,
                account=account,
                token=token,
                time_zone=time_zone,
                before=_public(event.before, uuids),
                after=_public(event.after, uuids),
            )
            for event, account, token in events
        ]
    )


def _refs(snapshot: dict[str, Any]) -> list[tuple[str, int]]:
    refs = []
    if isinstance(snapshot.get("account_id"), int):
        refs.append(("account", snapshot["account_id"]))
    if isinstance(snapshot.get("trackable_id"), int):
        refs.append((str(snapshot.get("trackable_type")), snapshot["trackable_id"]))
    return refs


def _public(
    snapshot: dict[str, Any] | None, uuids: dict[tuple[str, int], uuid.UUID]
) -> dict[str, Any] | None:
    """A stored snapshot as the API shows it: row ids (internal, and counting other
    firms' rows) replaced by the records' UUIDs."""
    if snapshot is None:
        return None
    shown = {k: v for k, v in snapshot.items() if k not in {"account_id", "trackable_id"}}
    if "trackable_id" in snapshot:
        ref = (str(snapshot.get("trackable_type")), snapshot["trackable_id"])
        found = uuids.get(ref)
        shown["trackable_uuid"] = str(found) if found else None
    if "account_id" in snapshot:
        found = uuids.get(("account", snapshot["account_id"]))
        shown["account_uuid"] = str(found) if found else None
    return shown

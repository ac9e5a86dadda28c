"""The one running timer per account: a new or reopened timer stops the running one,
and the database's one-running-entry index turns a race into 409."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from timeledger.audit import service as audit
from timeledger.auth.service import Actor
from timeledger.dates import format_api_datetime
from timeledger.errors import Conflict, ValidationFailed
from timeledger.models import TimeEntry, TimeEntryAction
from timeledger.time_entries import repository
from timeledger.time_entries.intervals import MAX_LENGTH, Interval
from timeledger.time_entries.service import announce as webhooks
from timeledger.time_entries.service import billing


def stop_running_entry(
    session: Session,
    actor: Actor,
    account_id: int,
    *,
    at: datetime,
    now: datetime,
    reopening: TimeEntry | None = None,
    override: bool = False,
) -> None:
    """A new timer, or a reopened one, stops the account's running one where it starts;
    a locked running entry is not stopped (422) unless an owner overrides the lock."""
    repository.lock_account(session, account_id, firm_id=actor.firm.id)
    running = repository.running_entry(
        session,
        account_id,
        firm_id=actor.firm.id,
        except_id=reopening.id if reopening else None,
    )
    if running is None:
        return
    _check_stoppable(actor, running, at=at, reopening=reopening)
    billing.check_locked(
        session,
        actor=actor,
        entry=running,
        verb="stopped by a new timer",
        override_lock=override,
        now=now,
    )
    before = audit.snapshot(running)
    shown_before = webhooks.shown_before(session, actor, running, webhooks.STOPPED, now=now)
    running.ended_at = at
    running.updated_at = now
    repository.write_changes(session, running)
    audit.record(
        session, entry=running, action=TimeEntryAction.STOPPED, actor=actor, before=before, now=now
    )
    webhooks.announce(session, actor, webhooks.STOPPED, entry=running, before=shown_before, now=now)


def insert(session: Session, entry: TimeEntry, interval: Interval) -> None:
    save(session, entry, interval, new=True)


def save(session: Session, entry: TimeEntry, interval: Interval, *, new: bool) -> None:
    """Insert ``entry`` or write its changes (one statement either way, no flush); the
    one-running-entry index turns a race into 409.

    Only a running entry can collide with that index, so only it pays for a savepoint.
    The changes are taken before the savepoint begins (beginning one flushes the session).
    """
    changes = None if new else repository.take_changes(entry)
    if not interval.is_running:
        _write(session, entry, changes)
        return
    try:
        with session.begin_nested():
            _write(session, entry, changes)
    except IntegrityError as exc:
        # Another request started a timer for this account in between.
        raise Conflict(
            "Another time entry was started for this account at the same moment; try again."
        ) from exc


def _write(session: Session, entry: TimeEntry, changes: dict[str, Any] | None) -> None:
    if changes is None:
        repository.insert_entry(session, entry)
    else:
        repository.update_entry(session, entry, changes)


def _check_stoppable(
    actor: Actor, running: TimeEntry, *, at: datetime, reopening: TimeEntry | None
) -> None:
    """422 when stopping ``running`` at ``at`` would break the interval rules: longer
    than 366 days (say which entry and how to stop it), or not after its start."""
    if at - running.started_at > MAX_LENGTH:
        since = format_api_datetime(running.started_at, actor.firm.time_zone)
        field = "end_date" if reopening is not None else "start_date"
        raise ValidationFailed.field(
            field,
            f"The account's running time entry {running.uuid} started at {since}, more than "
            "366 days before this one would stop it; stop it first with an end date within "
            f"366 days of its start (POST /api/v1/time-entry/{running.uuid}/stop).",
        )
    if at <= running.started_at:
        since = format_api_datetime(running.started_at, actor.firm.time_zone)
        if reopening is not None:
            raise ValidationFailed.field(
                "end_date",
                f"The account's running time entry started at {since}, not before this one; "
                "stop it before making this one run again.",
            )
        raise ValidationFailed.field(
            "start_date",
            f"The start date must be after the start of your running time entry ({since}), "
            "which it would stop.",
        )

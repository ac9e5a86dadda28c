"""When a time entry is locked, and the checks every write of one calls.

An entry is locked when it starts before the firm's ``locked_before`` instant (period) or
has been invoiced (invoiced). A locked entry cannot be created, changed, moved into or out
of the locked period, stopped, reopened or deleted: 422, unless an owner overrides the lock
explicitly (``override_lock``), which the audit trail records.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from timeledger.audit import service as audit
from timeledger.auth.service import Actor
from timeledger.billing import repository
from timeledger.billing.schemas import LockRead, LockUpdate
from timeledger.billing.service import announce, resolve
from timeledger.dates import format_api_datetime, format_optional
from timeledger.errors import NotFound, ValidationFailed
from timeledger.kit.ids import uuid_or_not_found
from timeledger.models import Firm, TimeEntry, TimeEntryAction
from timeledger.permissions import may_manage_billing, may_override_lock, require

PERIOD = "period"
INVOICED = "invoiced"
# Entries announced per read when the boundary moves (a first lock can pass years of time).
ANNOUNCE_CHUNK = 500


def lock_reason(entry: TimeEntry, firm: Firm) -> str | None:
    """``invoiced``, ``period`` or None (unlocked)."""
    if entry.invoiced_at is not None:
        return INVOICED
    if in_locked_period(entry.started_at, firm):
        return PERIOD
    return None


def in_locked_period(started_at: datetime, firm: Firm) -> bool:
    return firm.locked_before is not None and started_at < firm.locked_before


def _message(reason: str, firm: Firm, verb: str) -> str:
    if reason == INVOICED:
        return f"The time entry is locked (invoiced): it cannot be {verb}."
    assert firm.locked_before is not None
    boundary = format_api_datetime(firm.locked_before, firm.time_zone)
    return (
        f"The time entry is locked (period): time before {boundary} is locked and cannot be {verb}."
    )


def check_entry(
    session: Session,
    *,
    actor: Actor,
    entry: TimeEntry,
    verb: str,
    override: bool,
    now: datetime,
    field: str = "start_date",
) -> None:
    """Refuse (422) to ``verb`` a locked ``entry``, unless an owner overrides the lock.

    ``verb``: what the message says cannot be done ("changed", "stopped", "deleted"...).
    """
    repository.refresh_boundary(session, actor.firm)
    reason = lock_reason(entry, actor.firm)
    if reason is None:
        return
    _refuse_or_override(
        session,
        actor=actor,
        field="invoiced_at" if reason == INVOICED else field,
        message=_message(reason, actor.firm, verb),
        override=override,
        subject=entry,
        reason=reason,
        now=now,
    )


def check_start(
    session: Session,
    *,
    actor: Actor,
    started_at: datetime,
    override: bool,
    now: datetime,
    entry: TimeEntry | None = None,
) -> None:
    """Refuse (422) time that would start in the locked period (a new entry, or one moved
    into it), unless an owner overrides the lock."""
    firm = actor.firm
    repository.refresh_boundary(session, firm)
    if not in_locked_period(started_at, firm):
        return
    assert firm.locked_before is not None
    boundary = format_api_datetime(firm.locked_before, firm.time_zone)
    _refuse_or_override(
        session,
        actor=actor,
        field="start_date",
        message=f"The time entry would be locked (period): time before {boundary} is locked.",
        override=override,
        subject=entry,
        reason=PERIOD,
        now=now,
    )


def _refuse_or_override(
    session: Session,
    *,
    actor: Actor,
    field: str,
    message: str,
    override: bool,
    subject: TimeEntry | None,
    reason: str,
    now: datetime,
) -> None:
    if not override:
        raise ValidationFailed.field(field, message)
    require(may_override_lock(actor))
    audit.record_change(
        session,
        firm_id=actor.firm.id,
        subject_type="time_entry",
        subject_uuid=subject.uuid if subject is not None else None,
        action="lock_overridden",
        actor=actor,
        before=audit.snapshot(subject) if subject is not None else None,
        after={"reason": reason, "message": message},
        now=now,
    )


def set_lock_boundary(
    session: Session,
    *,
    actor: Actor,
    locked_before: date | None,
    stop_running: bool,
    now: datetime,
) -> list[TimeEntry]:
    """The one lock action: lock every entry that starts before local midnight of
    ``locked_before`` in the firm's zone (stored as that UTC instant, so a later change of
    time zone does not move it); None removes the lock.

    Moving the boundary earlier unlocks time and needs an owner (an override). Running
    timers that started before the new boundary make it a 422, unless ``stop_running``:
    then they are stopped now, in the same transaction. Returns the entries stopped.
    Webhooks, in this transaction: ``time-entry.stopped`` per timer stopped, then
    ``time-entry.locked`` per entry locked (``.updated`` per entry unlocked).
    """
    require(may_manage_billing(actor))
    firm = actor.firm
    repository.lock_firm(session, firm.id)
    repository.refresh_boundary(session, firm)
    new = (
        None
        if locked_before is None
        else resolve.local_midnight(locked_before, firm.time_zone, "locked_before")
    )
    old = firm.locked_before
    if old is not None and (new is None or new < old):
        require(may_override_lock(actor))
    stopped = _stop_running(session, actor, new, stop_running=stop_running, now=now)
    firm.locked_before = new
    firm.updated_at = now
    repository.flush(session)
    audit.record_change(
        session,
        firm_id=firm.id,
        subject_type="lock",
        subject_uuid=firm.uuid,
        action="lock_overridden" if old is not None and (new is None or new < old) else "locked",
        actor=actor,
        before={"locked_before": old.isoformat() if old else None},
        after={
            "locked_before": new.isoformat() if new else None,
            "stopped": [str(e.uuid) for e in stopped],
        },
        now=now,
    )
    _announce_moved_boundary(session, actor, old, new, now)
    return stopped


def _announce_moved_boundary(
    session: Session, actor: Actor, old: datetime | None, new: datetime | None, now: datetime
) -> None:
    """``time-entry.locked`` for the entries between an old boundary and a later new one,
    ``time-entry.updated`` for those between a new boundary and a later old one (unlocked).
    Only the lock state changes: ``previous`` holds ``is_locked`` and ``locked_reason``."""
    was: tuple[bool, str | None]
    if new is not None and (old is None or new > old):
        event_type, start, end, was = announce.LOCKED, old, new, (False, None)
    elif old is not None and (new is None or new < old):
        event_type, start, end, was = announce.UPDATED, new, old, (True, PERIOD)
    else:
        return
    if not announce.wanted(session, actor, event_type):
        return
    for entries in repository.unlocked_starting_between(
        session, firm_id=actor.firm.id, start=start, end=end, chunk=ANNOUNCE_CHUNK
    ):
        shown = announce.present(session, actor, entries, now)
        previous = [{"is_locked": was[0], "locked_reason": was[1]} for _ in entries]
        announce.announce(session, actor, event_type, shown=shown, previous=previous, now=now)


def _stop_running(
    session: Session, actor: Actor, boundary: datetime | None, *, stop_running: bool, now: datetime
) -> list[TimeEntry]:
    """Stop the timers a new boundary would lock while running (or refuse: 422)."""
    if boundary is None:
        return []
    firm = actor.firm
    running = repository.running_before(session, firm_id=firm.id, instant=boundary)
    if running and not stop_running:
        since = format_api_datetime(min(e.started_at for e in running), firm.time_zone)
        raise ValidationFailed.field(
            "locked_before",
            f"{len(running)} running time entr{'y' if len(running) == 1 else 'ies'} "
            f"started before the new boundary (the first at {since}); send "
            "stop_running: true to stop them now.",
        )
    young = [entry for entry in running if entry.started_at >= now]
    if young:
        since = format_api_datetime(young[0].started_at, firm.time_zone)
        raise ValidationFailed.field(
            "locked_before",
            f"The running time entry {young[0].uuid} started at {since}, not before now, so "
            "stopping it now would leave it without any time; stop it later, or set the "
            "boundary before its start.",
        )
    return [_stop(session, actor, entry, now) for entry in running]


def _stop(session: Session, actor: Actor, entry: TimeEntry, now: datetime) -> TimeEntry:
    """Stop one timer the new boundary would lock; announced as ``time-entry.stopped``
    (shown as it is once stopped, before the boundary moves)."""
    told = announce.wanted(session, actor, announce.STOPPED)
    shown_before = announce.present(session, actor, [entry], now) if told else []
    before = audit.snapshot(entry)
    entry.ended_at = now
    entry.updated_at = now
    repository.flush(session)
    audit.record(
        session, entry=entry, action=TimeEntryAction.STOPPED, actor=actor, before=before, now=now
    )
    if told:
        announce.changed(
            session, actor, announce.STOPPED, entries=[entry], before=shown_before, now=now
        )
    return entry


def set_lock(
    session: Session, *, actor: Actor, raw_uuid: str, data: LockUpdate, now: datetime
) -> LockRead:
    """``PUT /api/v1/firm/{uuid}/lock``: the caller's own firm only (else 404)."""
    if uuid_or_not_found(raw_uuid) != actor.firm.uuid:
        raise NotFound()
    stopped = set_lock_boundary(
        session,
        actor=actor,
        locked_before=data.locked_before,
        stop_running=data.stop_running,
        now=now,
    )
    firm = actor.firm
    return LockRead(
        locked_before=format_optional(firm.locked_before, firm.time_zone),
        stopped=[entry.uuid for entry in stopped],
    )

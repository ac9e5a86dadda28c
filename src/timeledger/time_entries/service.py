"""The rules of time entries: who may record them, what interval they cover, and the one
running timer per account."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from timeledger.audit import service as audit
from timeledger.auth.service import Actor, require_employee_writer
from timeledger.dates import format_api_datetime, to_utc
from timeledger.errors import Conflict, ValidationFailed
from timeledger.models import Account, TimeEntry, TimeEntryAction
from timeledger.time_entries import repository
from timeledger.time_entries.intervals import Interval, resolve_interval
from timeledger.time_entries.schemas import TimeEntryCreate, TimeEntryRead
from timeledger.trackables.repository import Trackable
from timeledger.trackables.service import find_live


def create_time_entry(
    session: Session,
    *,
    actor: Actor,
    data: TimeEntryCreate,
    now: datetime,
    clock_skew: timedelta,
) -> TimeEntryRead:
    require_employee_writer(actor)
    time_zone = actor.firm.time_zone
    errors: dict[str, list[str]] = {}
    trackable = find_live(
        session,
        firm=actor.firm,
        trackable_type=data.trackable_type,
        trackable_uuid=data.trackable_uuid,
    )
    if trackable is None:
        errors["trackable_uuid"] = ["The selected trackable uuid is invalid."]
    start = instant(data.start_date, "start_date", time_zone, errors)
    end = instant(data.end_date, "end_date", time_zone, errors)
    if errors:
        raise ValidationFailed(errors)
    assert trackable is not None
    interval = resolve_interval(
        start=start,
        end=end,
        minutes=data.total_time_in_minutes,
        now=now,
        clock_skew=clock_skew,
    )
    if interval.is_running:
        stop_running_entry(session, actor, actor.account.id, at=interval.start, now=now)
    entry = TimeEntry(
        firm_id=actor.firm.id,
        account_id=actor.account.id,
        trackable_type=data.trackable_type,
        trackable_id=trackable.id,
        name=data.name,
        description=data.description,
        started_at=interval.start,
        ended_at=interval.end,
        created_at=now,
        updated_at=now,
    )
    insert(session, entry, interval)
    audit.record(
        session, entry=entry, action=TimeEntryAction.CREATED, actor=actor, before=None, now=now
    )
    return present(entry, trackable=trackable, account=actor.account, time_zone=time_zone, now=now)


def present(
    entry: TimeEntry, *, trackable: Trackable, account: Account, time_zone: str, now: datetime
) -> TimeEntryRead:
    return TimeEntryRead.build(
        entry, trackable=trackable, account=account, time_zone=time_zone, now=now
    )


def instant(
    value: datetime | None, field: str, time_zone: str, errors: dict[str, list[str]]
) -> datetime | None:
    if value is None:
        return None
    try:
        return to_utc(value, time_zone)
    except ValueError:
        label = field.replace("_", " ")
        errors[field] = [f"The {label} field must be a date between the years 1900 and 9998."]
        return None


def stop_running_entry(
    session: Session,
    actor: Actor,
    account_id: int,
    *,
    at: datetime,
    now: datetime,
    reopening: TimeEntry | None = None,
) -> None:
    """A new timer, or a reopened one, stops the account's running one where it starts."""
    repository.lock_account(session, account_id)
    running = repository.running_entry(
        session, account_id, except_id=reopening.id if reopening else None
    )
    if running is None:
        return
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
    before = audit.snapshot(running)
    running.ended_at = at
    running.updated_at = now
    session.flush()
    audit.record(
        session, entry=running, action=TimeEntryAction.STOPPED, actor=actor, before=before, now=now
    )


def insert(session: Session, entry: TimeEntry, interval: Interval) -> None:
    save(session, entry, interval, new=True)


def save(session: Session, entry: TimeEntry, interval: Interval, *, new: bool) -> None:
    """Insert or flush ``entry``; the one-running-entry index turns a race into 409.

    Only a running entry can collide with that index, so only it pays for a savepoint.
    """
    if not interval.is_running:
        _write(session, entry, new=new)
        return
    try:
        with session.begin_nested():
            _write(session, entry, new=new)
    except IntegrityError as exc:
        # Another request started a timer for this account in between.
        raise Conflict(
            "Another time entry was started for this account at the same moment; try again."
        ) from exc


def _write(session: Session, entry: TimeEntry, *, new: bool) -> None:
    if new:
        repository.add(session, entry)
    else:
        repository.flush(session)

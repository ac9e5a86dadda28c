"""Writing time entries: create (or start a timer), change (PUT and PATCH), stop and delete;
the interval each covers, and the one running timer per account."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from timeledger.audit import service as audit
from timeledger.auth.service import Actor
from timeledger.dates import format_api_datetime, to_utc
from timeledger.errors import ValidationFailed
from timeledger.models import TimeEntry, TimeEntryAction, TrackableType
from timeledger.permissions import (
    may_change_entry,
    may_delete_entry,
    may_record_time,
    require,
)
from timeledger.time_entries import repository
from timeledger.time_entries.intervals import (
    MAX_LENGTH,
    Interval,
    IntervalChange,
    merge_interval,
    resolve_interval,
)
from timeledger.time_entries.schemas import (
    TimeEntryCreate,
    TimeEntryPatch,
    TimeEntryRead,
    TimeEntryStop,
)
from timeledger.time_entries.service import announce as webhooks
from timeledger.time_entries.service import billing
from timeledger.time_entries.service.present import present_one
from timeledger.time_entries.service.read import find_entry
from timeledger.time_entries.service.timer import insert, save, stop_running_entry
from timeledger.trackables.repository import Trackable, find_trackable
from timeledger.trackables.service import find_live


def create_time_entry(
    session: Session,
    *,
    actor: Actor,
    data: TimeEntryCreate,
    now: datetime,
    clock_skew: timedelta,
    override_lock: bool = False,
) -> TimeEntryRead:
    """Create an entry (or start a timer) as the caller. Time in the locked period is
    refused (422) unless an owner sends ``override_lock``."""
    require(may_record_time(actor))
    trackable, start, end = _create_fields(session, actor, data)
    tag_ids = billing.tag_ids(session, actor=actor, uuids=data.tags)
    interval = resolve_interval(
        start=start,
        end=end,
        minutes=data.total_time_in_minutes,
        now=now,
        clock_skew=clock_skew,
    )
    billing.check_new_start(
        session, actor=actor, started_at=interval.start, override_lock=override_lock, now=now
    )
    if interval.is_running:
        stop_running_entry(
            session, actor, actor.account.id, at=interval.start, now=now, override=override_lock
        )
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
    billing.on_create(session, actor=actor, entry=entry, billable=data.billable)
    insert(session, entry, interval)
    billing.set_tags(session, entry, tag_ids)
    audit.record(
        session, entry=entry, action=TimeEntryAction.CREATED, actor=actor, before=None, now=now
    )
    shown = present_one(session, entry, firm=actor.firm, now=now, actor=actor)
    webhooks.announce_new(session, actor, entry, running=interval.is_running, now=now)
    return shown


def _create_fields(
    session: Session, actor: Actor, data: TimeEntryCreate
) -> tuple[Trackable, datetime | None, datetime | None]:
    """The live trackable and the start and end (UTC) a create names; 422 otherwise."""
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
    return trackable, start, end


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


def change_time_entry(
    session: Session,
    *,
    actor: Actor,
    entry_uuid: str | uuid.UUID,
    data: TimeEntryPatch,
    now: datetime,
    clock_skew: timedelta,
    override_lock: bool = False,
) -> TimeEntryRead:
    """PUT and PATCH: fields left out keep their values; the interval rules of create
    apply to the merged entry. A locked entry, or a move into the locked period, is 422
    unless an owner sends ``override_lock``."""
    entry = find_entry(session, actor=actor, entry_uuid=entry_uuid)
    require(may_change_entry(actor, entry))
    billing.check_locked(
        session, actor=actor, entry=entry, verb="changed", override_lock=override_lock, now=now
    )
    before = audit.snapshot(entry)
    shown_before = webhooks.shown_before(session, actor, entry, webhooks.UPDATED, now=now)
    # The changed entry is written by one UPDATE at the end (timer.save), not flushed by
    # the queries in between.
    with session.no_autoflush:
        _apply_change(
            session, actor, entry, data, now=now, clock_skew=clock_skew, override=override_lock
        )
    return _recorded(
        session,
        actor,
        entry,
        TimeEntryAction.UPDATED,
        before=before,
        shown_before=shown_before,
        now=now,
    )


def _apply_change(
    session: Session,
    actor: Actor,
    entry: TimeEntry,
    data: TimeEntryPatch,
    *,
    now: datetime,
    clock_skew: timedelta,
    override: bool,
) -> None:
    """Validate ``data`` against the entry, then set its fields, tags and interval."""
    entry.updated_at = now
    trackable, change = _change_fields(session, actor, entry, data)
    tag_ids = billing.tag_ids(session, actor=actor, uuids=data.tags)
    interval = merge_interval(
        Interval(entry.started_at, entry.ended_at), change, now=now, clock_skew=clock_skew
    )
    if trackable is not None:
        entry.trackable_type, entry.trackable_id = trackable[0], trackable[1].id
    billing.on_change(
        session,
        actor=actor,
        entry=entry,
        new_start=interval.start,
        moved=trackable is not None,
        billable=data.billable,
        override_lock=override,
        now=now,
    )
    billing.set_tags(session, entry, tag_ids)
    _set_texts(entry, data)
    _move(session, actor, entry, interval, now=now, override=override)


def _set_texts(entry: TimeEntry, data: TimeEntryPatch) -> None:
    if data.name is not None:
        entry.name = data.name
    if "description" in data.model_fields_set:
        entry.description = data.description


def _change_fields(
    session: Session, actor: Actor, entry: TimeEntry, data: TimeEntryPatch
) -> tuple[tuple[TrackableType, Trackable] | None, IntervalChange]:
    """The trackable a change moves the entry to (or None) and its interval change; 422
    for a bad trackable or date."""
    time_zone = actor.firm.time_zone
    errors: dict[str, list[str]] = {}
    trackable = _new_trackable(session, actor=actor, entry=entry, data=data, errors=errors)
    change = IntervalChange(
        start=instant(data.start_date, "start_date", time_zone, errors),
        end=instant(data.end_date, "end_date", time_zone, errors),
        end_sent="end_date" in data.model_fields_set,
        minutes=data.total_time_in_minutes,
    )
    if errors:
        raise ValidationFailed(errors)
    return trackable, change


def stop_time_entry(
    session: Session,
    *,
    actor: Actor,
    entry_uuid: str | uuid.UUID,
    data: TimeEntryStop | None,
    now: datetime,
    override_lock: bool = False,
) -> TimeEntryRead:
    """Stop a running entry now, or at ``end_date``; 422 if it is not running or locked."""
    entry = find_entry(session, actor=actor, entry_uuid=entry_uuid)
    require(may_change_entry(actor, entry))
    billing.check_locked(
        session, actor=actor, entry=entry, verb="stopped", override_lock=override_lock, now=now
    )
    time_zone = actor.firm.time_zone
    if entry.ended_at is not None:
        raise ValidationFailed.field("end_date", "The time entry is not running.")
    errors: dict[str, list[str]] = {}
    end = instant(data.end_date if data else None, "end_date", time_zone, errors)
    if errors:
        raise ValidationFailed(errors)
    before = audit.snapshot(entry)
    shown_before = webhooks.shown_before(session, actor, entry, webhooks.STOPPED, now=now)
    current = Interval(entry.started_at, None)
    change = IntervalChange(end=end or now, end_sent=True)
    if (end or now) - entry.started_at > MAX_LENGTH:
        since = format_api_datetime(entry.started_at, time_zone)
        raise ValidationFailed.field(
            "end_date",
            f"The time entry {entry.uuid} started at {since}; this end would make it longer "
            "than 366 days: send an end_date within 366 days of its start.",
        )
    interval = merge_interval(current, change, now=now, clock_skew=timedelta(0))
    _move(session, actor, entry, interval, now=now, override=override_lock)
    return _recorded(
        session,
        actor,
        entry,
        TimeEntryAction.STOPPED,
        before=before,
        shown_before=shown_before,
        now=now,
    )


def delete_time_entry(
    session: Session,
    *,
    actor: Actor,
    entry_uuid: str | uuid.UUID,
    now: datetime,
    override_lock: bool = False,
) -> TimeEntryRead:
    """Soft delete: the row stays, with ``deleted_at``; every read leaves it out. A locked
    entry is 422 unless an owner sends ``override_lock``."""
    entry = find_entry(session, actor=actor, entry_uuid=entry_uuid)
    require(may_delete_entry(actor, entry))
    billing.check_locked(
        session, actor=actor, entry=entry, verb="deleted", override_lock=override_lock, now=now
    )
    before = audit.snapshot(entry)
    shown_before = webhooks.shown_before(session, actor, entry, webhooks.DELETED, now=now)
    entry.deleted_at = now
    entry.updated_at = now
    repository.write_changes(session, entry)
    return _recorded(
        session,
        actor,
        entry,
        TimeEntryAction.DELETED,
        before=before,
        shown_before=shown_before,
        now=now,
    )


def _recorded(
    session: Session,
    actor: Actor,
    entry: TimeEntry,
    action: TimeEntryAction,
    *,
    before: dict[str, Any],
    shown_before: dict[str, Any] | None,
    now: datetime,
) -> TimeEntryRead:
    """Record the change in the audit trail and the webhook outbox, and answer with the
    entry as it now is."""
    audit.record(session, entry=entry, action=action, actor=actor, before=before, now=now)
    webhooks.announce(session, actor, _EVENT_OF[action], entry=entry, before=shown_before, now=now)
    return present_one(session, entry, firm=actor.firm, now=now, actor=actor)


_EVENT_OF = {
    TimeEntryAction.UPDATED: webhooks.UPDATED,
    TimeEntryAction.STOPPED: webhooks.STOPPED,
    TimeEntryAction.DELETED: webhooks.DELETED,
}


def _new_trackable(
    session: Session,
    *,
    actor: Actor,
    entry: TimeEntry,
    data: TimeEntryPatch,
    errors: dict[str, list[str]],
) -> tuple[TrackableType, Trackable] | None:
    """The trackable the change moves the entry to, or None when it stays where it is.

    Staying on its own trackable is always allowed (even an archived one); moving needs a
    live trackable of the firm, as create does.
    """
    kind, trackable_uuid = data.trackable_type, data.trackable_uuid
    if kind is None and trackable_uuid is None:
        return None
    if kind is None or trackable_uuid is None:
        missing = "trackable_type" if kind is None else "trackable_uuid"
        given = "trackable uuid" if kind is None else "trackable type"
        label = missing.replace("_", " ")
        errors[missing] = [f"The {label} field is required when {given} is present."]
        return None
    if kind == entry.trackable_type:
        same = find_trackable(
            session,
            firm=actor.firm,
            trackable_type=kind,
            trackable_uuid=trackable_uuid,
            include_archived=True,
        )
        if same is not None and same.id == entry.trackable_id:
            return None
    found = find_live(session, firm=actor.firm, trackable_type=kind, trackable_uuid=trackable_uuid)
    if found is None:
        errors["trackable_uuid"] = ["The selected trackable uuid is invalid."]
        return None
    return kind, found


def _move(
    session: Session,
    actor: Actor,
    entry: TimeEntry,
    interval: Interval,
    *,
    now: datetime,
    override: bool = False,
) -> None:
    """Give ``entry`` its new interval; one that runs again stops the account's other
    running entry, as a new timer would."""
    if interval.is_running and entry.ended_at is not None:
        stop_running_entry(
            session,
            actor,
            entry.account_id,
            at=interval.start,
            now=now,
            reopening=entry,
            override=override,
        )
    entry.started_at, entry.ended_at = interval.start, interval.end
    entry.updated_at = now
    save(session, entry, interval, new=False)

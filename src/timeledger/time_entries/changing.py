"""Reading one entry, changing it (PUT and PATCH), stopping it and deleting it."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from timeledger.audit import service as audit
from timeledger.auth.service import Actor
from timeledger.errors import ValidationFailed
from timeledger.models import TimeEntry, TimeEntryAction, TrackableType
from timeledger.time_entries import access, repository
from timeledger.time_entries.intervals import Interval, IntervalChange, merge_interval
from timeledger.time_entries.presenting import present_one
from timeledger.time_entries.schemas import TimeEntryPatch, TimeEntryRead, TimeEntryStop
from timeledger.time_entries.service import instant, save, stop_running_entry
from timeledger.trackables.repository import Trackable, find_trackable
from timeledger.trackables.service import find_live


def show_time_entry(
    session: Session, *, actor: Actor, entry_uuid: str | uuid.UUID, now: datetime
) -> TimeEntryRead:
    entry = access.find_entry(session, actor=actor, entry_uuid=entry_uuid)
    return present_one(session, entry, firm=actor.firm, now=now)


def change_time_entry(
    session: Session,
    *,
    actor: Actor,
    entry_uuid: str | uuid.UUID,
    data: TimeEntryPatch,
    now: datetime,
    clock_skew: timedelta,
) -> TimeEntryRead:
    """PUT and PATCH: fields left out keep their values; the interval rules of create
    apply to the merged entry."""
    entry = access.find_entry(session, actor=actor, entry_uuid=entry_uuid)
    access.require_writer(actor, entry)
    before = audit.snapshot(entry)
    time_zone = actor.firm.time_zone
    sent = data.model_fields_set
    errors: dict[str, list[str]] = {}
    trackable = _new_trackable(session, actor=actor, entry=entry, data=data, errors=errors)
    change = IntervalChange(
        start=instant(data.start_date, "start_date", time_zone, errors),
        end=instant(data.end_date, "end_date", time_zone, errors),
        end_sent="end_date" in sent,
        minutes=data.total_time_in_minutes,
    )
    if errors:
        raise ValidationFailed(errors)
    interval = merge_interval(
        Interval(entry.started_at, entry.ended_at), change, now=now, clock_skew=clock_skew
    )
    if trackable is not None:
        kind, record = trackable
        entry.trackable_type, entry.trackable_id = kind, record.id
    if data.name is not None:
        entry.name = data.name
    if "description" in sent:
        entry.description = data.description
    _move(session, actor, entry, interval, now=now)
    audit.record(
        session, entry=entry, action=TimeEntryAction.UPDATED, actor=actor, before=before, now=now
    )
    return present_one(session, entry, firm=actor.firm, now=now)


def stop_time_entry(
    session: Session,
    *,
    actor: Actor,
    entry_uuid: str | uuid.UUID,
    data: TimeEntryStop | None,
    now: datetime,
) -> TimeEntryRead:
    """Stop a running entry now, or at ``end_date``; 422 if it is not running."""
    entry = access.find_entry(session, actor=actor, entry_uuid=entry_uuid)
    access.require_writer(actor, entry)
    time_zone = actor.firm.time_zone
    if entry.ended_at is not None:
        raise ValidationFailed.field("end_date", "The time entry is not running.")
    errors: dict[str, list[str]] = {}
    end = instant(data.end_date if data else None, "end_date", time_zone, errors)
    if errors:
        raise ValidationFailed(errors)
    before = audit.snapshot(entry)
    current = Interval(entry.started_at, None)
    change = IntervalChange(end=end or now, end_sent=True)
    interval = merge_interval(current, change, now=now, clock_skew=timedelta(0))
    _move(session, actor, entry, interval, now=now)
    audit.record(
        session, entry=entry, action=TimeEntryAction.STOPPED, actor=actor, before=before, now=now
    )
    return present_one(session, entry, firm=actor.firm, now=now)


def delete_time_entry(
    session: Session, *, actor: Actor, entry_uuid: str | uuid.UUID, now: datetime
) -> TimeEntryRead:
    """Soft delete: the row stays, with ``deleted_at``; every read leaves it out."""
    entry = access.find_entry(session, actor=actor, entry_uuid=entry_uuid)
    access.require_deleter(actor, entry)
    before = audit.snapshot(entry)
    entry.deleted_at = now
    entry.updated_at = now
    repository.flush(session)
    audit.record(
        session, entry=entry, action=TimeEntryAction.DELETED, actor=actor, before=before, now=now
    )
    return present_one(session, entry, firm=actor.firm, now=now)


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
    session: Session, actor: Actor, entry: TimeEntry, interval: Interval, *, now: datetime
) -> None:
    """Give ``entry`` its new interval; one that runs again stops the account's other
    running entry, as a new timer would."""
    if interval.is_running and entry.ended_at is not None:
        stop_running_entry(
            session, actor, entry.account_id, at=interval.start, now=now, reopening=entry
        )
    entry.started_at, entry.ended_at = interval.start, interval.end
    entry.updated_at = now
    save(session, entry, interval, new=False)

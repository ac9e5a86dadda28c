"""The billing side of writing a time entry (issue 11): its billable flag, rate snapshot,
tags and the lock checks, called by ``write`` on every path that changes an entry."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.billing.service import locks, resolve, tags
from timeledger.models import TimeEntry


def check_new_start(
    session: Session, *, actor: Actor, started_at: datetime, override_lock: bool, now: datetime
) -> None:
    """Refuse new time in the locked period (before anything is written)."""
    locks.check_start(session, actor=actor, started_at=started_at, override=override_lock, now=now)


def on_create(session: Session, *, actor: Actor, entry: TimeEntry, billable: bool | None) -> None:
    """Before the insert: set billable (the firm's default when not sent) and the rate."""
    entry.billable = (
        billable
        if billable is not None
        else resolve.default_billable(actor.firm, entry.trackable_type)
    )
    resolve.snapshot_rate(session, firm=actor.firm, entry=entry)


def tag_ids(
    session: Session, *, actor: Actor, uuids: Sequence[uuid.UUID] | None
) -> list[int] | None:
    """The tag ids the request sets, validated; None when it sends no ``tags``."""
    if uuids is None:
        return None
    return tags.tag_ids_for_entry(session, actor=actor, uuids=uuids)


def set_tags(session: Session, entry: TimeEntry, ids: list[int] | None) -> None:
    if ids is not None:
        tags.set_entry_tags(session, entry, ids)


def check_locked(
    session: Session,
    *,
    actor: Actor,
    entry: TimeEntry,
    verb: str,
    override_lock: bool,
    now: datetime,
    field: str = "start_date",
) -> None:
    locks.check_entry(
        session,
        actor=actor,
        entry=entry,
        verb=verb,
        override=override_lock,
        now=now,
        field=field,
    )


def on_change(
    session: Session,
    *,
    actor: Actor,
    entry: TimeEntry,
    new_start: datetime,
    moved: bool,
    billable: bool | None,
    override_lock: bool,
    now: datetime,
) -> None:
    """Before an entry's new fields are written: refuse moving it into the locked period;
    re-take its rate snapshot when its trackable or start changes."""
    if new_start != entry.started_at:
        locks.check_start(
            session,
            actor=actor,
            started_at=new_start,
            override=override_lock,
            now=now,
            entry=entry,
        )
    if billable is not None:
        entry.billable = billable
    if moved or new_start != entry.started_at:
        started_at = entry.started_at
        entry.started_at = new_start
        resolve.snapshot_rate(session, firm=actor.firm, entry=entry)
        entry.started_at = started_at

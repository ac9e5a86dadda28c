"""Turning entries into the API resource, with their accounts and trackables loaded in
batches: a page costs one query for the accounts and one per trackable type on it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from timeledger.models import Account, Firm, TimeEntry
from timeledger.time_entries import repository
from timeledger.time_entries.schemas import TimeEntryRead
from timeledger.trackables.repository import Trackable


def present_many(
    session: Session, entries: Sequence[TimeEntry], *, firms: Mapping[int, Firm], now: datetime
) -> list[TimeEntryRead]:
    """The resources of ``entries``; ``firms`` holds the firm of each (by id)."""
    accounts = repository.accounts_by_id(session, (entry.account_id for entry in entries))
    trackables = repository.trackables_by_key(
        session,
        firms=firms,
        keys=[(entry.trackable_type, entry.trackable_id) for entry in entries],
    )
    return [
        TimeEntryRead.build(
            entry,
            trackable=trackables[(entry.trackable_type, entry.trackable_id)],
            account=accounts[entry.account_id],
            time_zone=firms[entry.firm_id].time_zone,
            now=now,
        )
        for entry in entries
    ]


def present_one(session: Session, entry: TimeEntry, *, firm: Firm, now: datetime) -> TimeEntryRead:
    return present_many(session, [entry], firms={firm.id: firm}, now=now)[0]


def present(
    entry: TimeEntry, *, trackable: Trackable, account: Account, time_zone: str, now: datetime
) -> TimeEntryRead:
    return TimeEntryRead.build(
        entry, trackable=trackable, account=account, time_zone=time_zone, now=now
    )

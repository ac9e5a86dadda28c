"""Turning entries into the API resource, with their accounts, trackables, tags and rate
rules loaded in batches: a page costs one query for the accounts, one per trackable type
on it, one for the tags and one for the rate rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from timeledger.accounts.schemas import AccountRead
from timeledger.auth.service import Actor
from timeledger.billing.service import locks, rates, tags
from timeledger.models import Account, Firm, TimeEntry, TrackableType
from timeledger.permissions import may_see_amounts
from timeledger.time_entries import repository
from timeledger.time_entries.schemas import BillingView, TimeEntryRead
from timeledger.trackables.repository import Trackable
from timeledger.trackables.service import TrackableRead, present


def present_many(
    session: Session,
    entries: Sequence[TimeEntry],
    *,
    firms: Mapping[int, Firm],
    now: datetime,
    show_amounts: bool = False,
) -> list[TimeEntryRead]:
    """The resources of ``entries``; ``firms`` holds the firm of each (by id). Rates and
    amounts are shown only with ``show_amounts`` (permissions.may_see_amounts)."""
    firm_ids = {entry.firm_id for entry in entries}
    accounts = repository.accounts_by_id(
        session, (entry.account_id for entry in entries), firm_ids=firm_ids
    )
    trackables = repository.trackables_by_key(
        session,
        firms=firms,
        firm_ids=firm_ids,
        keys=[(entry.trackable_type, entry.trackable_id) for entry in entries],
    )
    entry_tags = tags.tags_of(session, [entry.id for entry in entries], firm_ids=firm_ids)
    rule_uuids = (
        rates.rate_uuids(session, (e.rate_id for e in entries if e.rate_id), firm_ids=firm_ids)
        if show_amounts
        else {}
    )
    presented = _Presented(accounts, trackables)
    shown = []
    for entry in entries:
        firm = firms[entry.firm_id]
        time_zone = firm.time_zone
        account, trackable = presented.of(entry, time_zone)
        billing = BillingView(
            tags=entry_tags.get(entry.id, []),
            locked_reason=locks.lock_reason(entry, firm),
            show_amounts=show_amounts,
            rate_uuid=rule_uuids.get(entry.rate_id) if entry.rate_id else None,
        )
        shown.append(
            TimeEntryRead.build(
                entry,
                trackable=trackable,
                account=account,
                time_zone=time_zone,
                now=now,
                billing=billing,
            )
        )
    return shown


class _Presented:
    """Each account and trackable presented once per page, however many entries show it
    (pydantic keeps a model instance given for a field as it is)."""

    def __init__(
        self,
        accounts: Mapping[int, Account],
        trackables: Mapping[tuple[TrackableType, int], Trackable],
    ) -> None:
        self.accounts, self.trackables = accounts, trackables
        self.account_reads: dict[tuple[int, str], AccountRead] = {}
        self.trackable_reads: dict[tuple[TrackableType, int, str], TrackableRead] = {}

    def of(self, entry: TimeEntry, time_zone: str) -> tuple[AccountRead, TrackableRead]:
        account_key = (entry.account_id, time_zone)
        account = self.account_reads.get(account_key)
        if account is None:
            account = AccountRead.build(self.accounts[entry.account_id], time_zone=time_zone)
            self.account_reads[account_key] = account
        trackable_key = (entry.trackable_type, entry.trackable_id, time_zone)
        trackable = self.trackable_reads.get(trackable_key)
        if trackable is None:
            found = self.trackables[(entry.trackable_type, entry.trackable_id)]
            trackable = present(found, time_zone=time_zone)
            self.trackable_reads[trackable_key] = trackable
        return account, trackable


def present_one(
    session: Session, entry: TimeEntry, *, firm: Firm, now: datetime, actor: Actor | None = None
) -> TimeEntryRead:
    show = actor is not None and may_see_amounts(actor)
    return present_many(session, [entry], firms={firm.id: firm}, now=now, show_amounts=show)[0]

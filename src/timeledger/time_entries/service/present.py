"""Turning entries into the API resource, with their accounts, trackables, tags and rate
rules loaded in batches: a page costs one query for the accounts, one per trackable type
on it, one for the tags and one for the rate rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.billing.service import locks, rates, tags
from timeledger.models import Firm, TimeEntry
from timeledger.permissions import may_see_amounts
from timeledger.time_entries import repository
from timeledger.time_entries.schemas import BillingView, TimeEntryRead


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
    return [
        TimeEntryRead.build(
            entry,
            trackable=trackables[(entry.trackable_type, entry.trackable_id)],
            account=accounts[entry.account_id],
            time_zone=firms[entry.firm_id].time_zone,
            now=now,
            billing=BillingView(
                tags=entry_tags.get(entry.id, []),
                locked_reason=locks.lock_reason(entry, firms[entry.firm_id]),
                show_amounts=show_amounts,
                rate_uuid=rule_uuids.get(entry.rate_id) if entry.rate_id else None,
            ),
        )
        for entry in entries
    ]


def present_one(
    session: Session, entry: TimeEntry, *, firm: Firm, now: datetime, actor: Actor | None = None
) -> TimeEntryRead:
    show = actor is not None and may_see_amounts(actor)
    return present_many(session, [entry], firms={firm.id: firm}, now=now, show_amounts=show)[0]

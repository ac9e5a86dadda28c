"""Announcing time-entry changes through the webhook outbox (issue 14), in the change's
own transaction. The resource before a change is presented only when a subscription of
the firm wants the event, so a firm without webhooks pays no extra query for it.

Subscriptions belong to the firm's owners and admins, so ``data`` and ``previous`` show
the entry as they see it on GET: rates and amounts included (docs/webhooks.md)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.billing.service import announce as billing_announce
from timeledger.models import TimeEntry
from timeledger.time_entries.schemas import TimeEntryRead
from timeledger.time_entries.service.present import present_many
from timeledger.webhooks import outbox

CREATED = "time-entry.created"
STARTED = "time-entry.started"
UPDATED = "time-entry.updated"
STOPPED = "time-entry.stopped"
DELETED = "time-entry.deleted"
LOCKED = "time-entry.locked"


def shown_before(
    session: Session, actor: Actor, entry: TimeEntry, event_type: str, *, now: datetime
) -> dict[str, Any] | None:
    """The entry as GET shows it now, before the change, if anyone will be told of it."""
    if not outbox.wanted(session, firm_id=actor.firm.id, event_type=event_type):
        return None
    return _as_managers_see_it(session, actor, entry, now=now).model_dump(mode="json")


def _as_managers_see_it(
    session: Session, actor: Actor, entry: TimeEntry, *, now: datetime
) -> TimeEntryRead:
    firms = {actor.firm.id: actor.firm}
    return present_many(session, [entry], firms=firms, now=now, show_amounts=True)[0]


def announce(
    session: Session,
    actor: Actor,
    event_type: str,
    *,
    entry: TimeEntry,
    before: dict[str, Any] | None,
    now: datetime,
) -> None:
    """Record ``event_type`` for ``entry`` (presented only if someone listens).
    ``previous`` holds the fields of ``before`` that changed."""
    if not outbox.wanted(session, firm_id=actor.firm.id, event_type=event_type):
        return
    data = _as_managers_see_it(session, actor, entry, now=now).model_dump(mode="json")
    previous = outbox.changed_fields(before, data) if before is not None else None
    outbox.record(
        session,
        firm=actor.firm,
        event_type=event_type,
        data=data,
        previous=previous,
        actor=actor,
        now=now,
    )


def announce_new(
    session: Session, actor: Actor, entry: TimeEntry, *, running: bool, now: datetime
) -> None:
    """A new entry: ``time-entry.started`` for a running timer, else ``.created``."""
    event_type = STARTED if running else CREATED
    announce(session, actor, event_type, entry=entry, before=None, now=now)


def shown_before_many(
    session: Session,
    actor: Actor,
    entries: Sequence[TimeEntry],
    event_types: set[str],
    *,
    now: datetime,
) -> list[dict[str, Any]] | None:
    """Many entries as GET shows them before a change, if anyone will be told of any of
    ``event_types``; None otherwise."""
    if not any(outbox.wanted(session, firm_id=actor.firm.id, event_type=t) for t in event_types):
        return None
    return billing_announce.present(session, actor, entries, now)


def announce_many(
    session: Session,
    actor: Actor,
    event_types: Sequence[str],
    *,
    entries: Sequence[TimeEntry],
    before: Sequence[dict[str, Any]] | None,
    now: datetime,
) -> None:
    """``event_types[i]`` for ``entries[i]`` (``before`` from ``shown_before_many``),
    presenting only the entries whose event someone wants."""
    if before is None:
        return
    firm_id = actor.firm.id
    told = [
        n
        for n, t in enumerate(event_types)
        if outbox.wanted(session, firm_id=firm_id, event_type=t)
    ]
    shown = billing_announce.present(session, actor, [entries[n] for n in told], now)
    for n, data in zip(told, shown, strict=True):
        outbox.record(
            session,
            firm=actor.firm,
            event_type=event_types[n],
            data=data,
            previous=outbox.changed_fields(before[n], data),
            actor=actor,
            now=now,
        )


def _present_for_billing(
    session: Session, actor: Actor, entries: Sequence[TimeEntry], now: datetime
) -> list[dict[str, Any]]:
    firms = {actor.firm.id: actor.firm}
    shown = present_many(session, entries, firms=firms, now=now, show_amounts=True)
    return [entry.model_dump(mode="json") for entry in shown]


# Billing (a lower layer) announces the entries its lock and reprice actions change.
billing_announce.use_presenter(_present_for_billing)

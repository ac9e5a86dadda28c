"""The outbox: an event, and one delivery row per subscription that wants it, written in
the caller's transaction, so that the change and its announcement commit together and a
rolled-back change announces nothing (wave2-design.md §4.2).

A domain's write service calls ``record`` after its change; ``wanted`` tells it first
whether anyone listens, so a firm without subscriptions pays one indexed query per
transaction and no insert.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.dates import format_api_datetime
from timeledger.db import after_commit
from timeledger.models import (
    DeliveryStatus,
    Firm,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from timeledger.webhooks import repository, wakeup
from timeledger.webhooks.events import PING, matches

# Where a transaction keeps the firm's live subscriptions it has read (Session.info).
_CACHE_KEY = "timeledger.webhooks.subscriptions"


def _subscriptions(session: Session, firm_id: int) -> list[WebhookSubscription]:
    """The firm's live subscriptions, read once per transaction."""
    transaction = session.get_transaction()
    cached = session.info.get(_CACHE_KEY)
    if cached is None or cached[0] is not transaction:
        cached = (transaction, {})
        session.info[_CACHE_KEY] = cached
    by_firm: dict[int, list[WebhookSubscription]] = cached[1]
    if firm_id not in by_firm:
        by_firm[firm_id] = repository.live_subscriptions(session, firm_id)
    return by_firm[firm_id]


def forget_subscriptions(session: Session) -> None:
    """A subscription changed in this transaction: read them again at the next event."""
    session.info.pop(_CACHE_KEY, None)


def wanted(session: Session, *, firm_id: int, event_type: str) -> bool:
    """Whether any live subscription of the firm wants ``event_type``."""
    return any(matches(s.events, event_type) for s in _subscriptions(session, firm_id))


def record(
    session: Session,
    *,
    firm: Firm,
    event_type: str,
    data: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
    actor: Actor | None,
    now: datetime,
) -> WebhookEvent | None:
    """Announce a change in the caller's transaction: one event row and one delivery per
    live subscription of ``firm`` that wants ``event_type``; nothing when none does.

    ``data`` is the resource exactly as GET shows it (JSON-ready); ``previous`` the fields
    that changed, as they were (None for a new resource); ``actor`` None when the change
    came from the CLI. Returns the event, or None when nobody listens.
    """
    targets = [s for s in _subscriptions(session, firm.id) if matches(s.events, event_type)]
    if not targets:
        return None
    return _write(session, firm, event_type, dict(data), previous, actor, now, targets)


def record_ping(
    session: Session, *, subscription: WebhookSubscription, firm: Firm, actor: Actor, now: datetime
) -> WebhookDelivery:
    """A ``webhook.ping`` for one subscription, enabled or not, through the same outbox."""
    data = {"subscription_uuid": str(subscription.uuid), "message": "Ping from timeledger."}
    event = _write(session, firm, PING, data, None, actor, now, [subscription])
    return repository.deliveries_of_event(session, event.id, firm_id=firm.id)[0]


def _write(
    session: Session,
    firm: Firm,
    event_type: str,
    data: dict[str, Any],
    previous: Mapping[str, Any] | None,
    actor: Actor | None,
    now: datetime,
    targets: list[WebhookSubscription],
) -> WebhookEvent:
    event_uuid = uuid.uuid4()
    payload = {
        "id": str(event_uuid),
        "type": event_type,
        "created_at": format_api_datetime(now, firm.time_zone),
        "firm": {"uuid": str(firm.uuid)},
        "actor": {
            "account_uuid": str(actor.account.uuid) if actor else None,
            "token_uuid": str(actor.token.uuid) if actor and actor.token else None,
        },
        "data": data,
        "previous": dict(previous) if previous is not None else None,
    }
    event = WebhookEvent(
        uuid=event_uuid, firm_id=firm.id, type=event_type, payload=payload, created_at=now
    )
    deliveries = [
        {
            "firm_id": firm.id,
            "subscription_id": target.id,
            "status": DeliveryStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for target in targets
    ]
    repository.add_event(session, event, deliveries)
    after_commit(session, wakeup.wake)
    return event


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """``previous``: the fields of ``before`` whose value ``after`` changed."""
    return {key: value for key, value in before.items() if after.get(key) != value}


def nudge(session: Session) -> None:
    """Wake this process's dispatcher once the caller's transaction commits."""
    after_commit(session, wakeup.wake)


def shown_before(
    session: Session, *, actor: Actor, event_type: str, present: Callable[[], BaseModel]
) -> dict[str, Any] | None:
    """A record as GET shows it before a change (``present()``), only if anyone will be
    told of ``event_type``; None otherwise."""
    if not wanted(session, firm_id=actor.firm.id, event_type=event_type):
        return None
    return present().model_dump(mode="json")


def announce(
    session: Session,
    *,
    actor: Actor,
    event_type: str,
    shown: BaseModel,
    before: Mapping[str, Any] | None,
    now: datetime,
) -> None:
    """Record ``event_type`` for a record shown as ``shown`` (its API resource);
    ``previous`` is what changed since ``before`` (from ``shown_before``)."""
    if not wanted(session, firm_id=actor.firm.id, event_type=event_type):
        return
    data = shown.model_dump(mode="json")
    previous = changed_fields(before, data) if before is not None else None
    record(
        session,
        firm=actor.firm,
        event_type=event_type,
        data=data,
        previous=previous,
        actor=actor,
        now=now,
    )

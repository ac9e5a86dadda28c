"""Webhook subscriptions: create, list, change, delete, ping, rotate the secret, read the
delivery log and retry a delivery. Owners and admins of the firm only
(``permissions.may_manage_webhooks``); another firm's UUIDs answer 404."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.errors import NotFound, ValidationFailed
from timeledger.kit.ids import uuid_or_not_found
from timeledger.kit.listing import ListParams
from timeledger.kit.paging import Page, build_page
from timeledger.models import DeliveryStatus, WebhookSubscription
from timeledger.permissions import may_manage_webhooks, require
from timeledger.webhooks import outbox, repository, signing
from timeledger.webhooks.schemas import (
    WebhookDeliveryRead,
    WebhookSubscriptionCreate,
    WebhookSubscriptionRead,
    WebhookSubscriptionUpdate,
)
from timeledger.webhooks.ssrf import AllowList, UrlRefused, check_url

# After a rotation the old secret signs too, for this long (issue 14).
ROTATION_OVERLAP = timedelta(hours=24)


def _checked_url(url: str, allow: AllowList) -> str:
    try:
        check_url(url, allow)
    except UrlRefused as exc:
        raise ValidationFailed.field("url", str(exc)) from None
    return url


def _read(row: WebhookSubscription, actor: Actor) -> WebhookSubscriptionRead:
    return WebhookSubscriptionRead.build(row, time_zone=actor.firm.time_zone)


def find_subscription(session: Session, *, actor: Actor, raw_uuid: str) -> WebhookSubscription:
    """The firm's subscription with that UUID; 403 for non-managers, 404 when not found."""
    require(may_manage_webhooks(actor))
    row = repository.subscription(
        session,
        firm_id=actor.firm.id,
        subscription_uuid=uuid_or_not_found(raw_uuid),
    )
    if row is None:
        raise NotFound()
    return row


def create_subscription(
    session: Session,
    *,
    actor: Actor,
    data: WebhookSubscriptionCreate,
    allow: AllowList,
    now: datetime,
) -> WebhookSubscriptionRead:
    """A new subscription with a fresh 60-character secret; the URL passes the SSRF guard."""
    require(may_manage_webhooks(actor))
    row = WebhookSubscription(
        firm_id=actor.firm.id,
        url=_checked_url(data.url, allow),
        events=data.events,
        description=data.description,
        secret=signing.new_secret(),
        enabled=data.enabled,
        created_by_account_id=actor.account.id,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    outbox.forget_subscriptions(session)
    return _read(row, actor)


def list_subscriptions(
    session: Session, *, actor: Actor, params: ListParams
) -> Page[WebhookSubscriptionRead]:
    require(may_manage_webhooks(actor))
    rows, total = repository.page_of_subscriptions(session, firm_id=actor.firm.id, params=params)
    return build_page([_read(row, actor) for row in rows], total=total, params=params)


def get_subscription(session: Session, *, actor: Actor, raw_uuid: str) -> WebhookSubscriptionRead:
    return _read(find_subscription(session, actor=actor, raw_uuid=raw_uuid), actor)


def update_subscription(
    session: Session,
    *,
    actor: Actor,
    raw_uuid: str,
    data: WebhookSubscriptionUpdate,
    allow: AllowList,
    now: datetime,
) -> WebhookSubscriptionRead:
    """Change what was sent. Enabling clears the reason it was disabled and its failing
    streak; disabling stops its waiting deliveries (they stay in the log as failed)."""
    row = find_subscription(session, actor=actor, raw_uuid=raw_uuid)
    sent = data.model_fields_set
    if data.url is not None:
        row.url = _checked_url(data.url, allow)
    if data.events is not None:
        row.events = data.events
    if "description" in sent:
        row.description = data.description
    if data.enabled is True and not row.enabled:
        row.enabled, row.disabled_reason, row.failing_since = True, None, None
    elif data.enabled is False and row.enabled:
        disable(session, row, reason="Disabled by a user.", now=now)
    row.updated_at = now
    session.flush()
    outbox.forget_subscriptions(session)
    return _read(row, actor)


def delete_subscription(
    session: Session, *, actor: Actor, raw_uuid: str, now: datetime
) -> WebhookSubscriptionRead:
    """Gone for good: nothing more is sent; its delivery log is kept until retention."""
    row = find_subscription(session, actor=actor, raw_uuid=raw_uuid)
    row.deleted_at = row.updated_at = now
    row.enabled = False
    repository.fail_pending(
        session,
        firm_id=row.firm_id,
        subscription_id=row.id,
        reason="The subscription was deleted.",
        now=now,
    )
    session.flush()
    outbox.forget_subscriptions(session)
    return _read(row, actor)


def disable(session: Session, row: WebhookSubscription, *, reason: str, now: datetime) -> None:
    """Stop sending to ``row``, saying why; its waiting deliveries become failed."""
    row.enabled = False
    row.disabled_reason = reason
    row.updated_at = now
    repository.fail_pending(
        session, firm_id=row.firm_id, subscription_id=row.id, reason=f"Not sent: {reason}", now=now
    )


def rotate_secret(
    session: Session, *, actor: Actor, raw_uuid: str, now: datetime
) -> WebhookSubscriptionRead:
    """A new secret now; the current one keeps signing beside it for 24 hours."""
    row = find_subscription(session, actor=actor, raw_uuid=raw_uuid)
    row.previous_secret, row.previous_secret_until = row.secret, now + ROTATION_OVERLAP
    row.secret = signing.new_secret()
    row.updated_at = now
    session.flush()
    return _read(row, actor)


def ping(session: Session, *, actor: Actor, raw_uuid: str, now: datetime) -> WebhookDeliveryRead:
    """Queue a ``webhook.ping`` to this subscription (even a disabled one, to test it
    before enabling); its delivery shows in the log like any other."""
    row = find_subscription(session, actor=actor, raw_uuid=raw_uuid)
    delivery = outbox.record_ping(session, subscription=row, firm=actor.firm, actor=actor, now=now)
    event = repository.event(session, delivery.event_id, firm_id=actor.firm.id)
    assert event is not None
    return WebhookDeliveryRead.build(delivery, event, time_zone=actor.firm.time_zone)


def list_deliveries(
    session: Session, *, actor: Actor, raw_uuid: str, params: ListParams
) -> Page[WebhookDeliveryRead]:
    """The subscription's delivery log, newest first."""
    row = find_subscription(session, actor=actor, raw_uuid=raw_uuid)
    rows, total = repository.page_of_deliveries(
        session, firm_id=actor.firm.id, subscription_id=row.id, params=params
    )
    zone = actor.firm.time_zone
    items = [WebhookDeliveryRead.build(d, e, time_zone=zone) for d, e in rows]
    return build_page(items, total=total, params=params)


def retry_delivery(
    session: Session,
    *,
    actor: Actor,
    raw_uuid: str,
    now: datetime,
    subscription_uuid: str | None = None,
) -> WebhookDeliveryRead:
    """Send a delivery again now (one more attempt, with the same ``webhook-id``). 422 for
    one in flight or waiting already, or whose subscription is disabled or deleted."""
    require(may_manage_webhooks(actor))
    delivery_uuid = uuid_or_not_found(raw_uuid)
    delivery = repository.delivery(session, firm_id=actor.firm.id, delivery_uuid=delivery_uuid)
    subscription = (
        repository.subscription_by_id(session, delivery.subscription_id, firm_id=actor.firm.id)
        if delivery
        else None
    )
    if (
        delivery is None
        or subscription is None
        or (subscription_uuid is not None and str(subscription.uuid) != _normal(subscription_uuid))
    ):
        raise NotFound()
    if delivery.status in (DeliveryStatus.PENDING, DeliveryStatus.DELIVERING):
        raise ValidationFailed.field("status", f"The delivery is {delivery.status.value} already.")
    if not subscription.enabled or subscription.deleted_at is not None:
        raise ValidationFailed.field(
            "subscription", "The subscription is disabled or deleted; enable it first."
        )
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = delivery.updated_at = now
    session.flush()
    outbox.nudge(session)
    event = repository.event(session, delivery.event_id, firm_id=actor.firm.id)
    assert event is not None
    return WebhookDeliveryRead.build(delivery, event, time_zone=actor.firm.time_zone)


def _normal(raw: str) -> str:
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return raw

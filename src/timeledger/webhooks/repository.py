"""The webhook queries: subscriptions, the outbox rows, and claiming due deliveries."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, and_, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from timeledger.kit.listing import ListParams
from timeledger.kit.paging import page_of
from timeledger.kit.repository import row_of_firm
from timeledger.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)


def live_subscriptions(session: Session, firm_id: int) -> list[WebhookSubscription]:
    """The firm's enabled, undeleted subscriptions (one indexed query)."""
    return list(
        session.scalars(
            select(WebhookSubscription).where(
                WebhookSubscription.firm_id == firm_id,
                WebhookSubscription.enabled.is_(True),
                WebhookSubscription.deleted_at.is_(None),
            )
        )
    )


def subscription(
    session: Session, *, firm_id: int, subscription_uuid: uuid.UUID
) -> WebhookSubscription | None:
    return session.scalar(
        select(WebhookSubscription).where(
            WebhookSubscription.firm_id == firm_id,
            WebhookSubscription.uuid == subscription_uuid,
            WebhookSubscription.deleted_at.is_(None),
        )
    )


def subscription_by_id(
    session: Session, subscription_id: int, *, firm_id: int
) -> WebhookSubscription | None:
    return row_of_firm(session, WebhookSubscription, firm_id=firm_id, row_id=subscription_id)


def page_of_subscriptions(
    session: Session, *, firm_id: int, params: ListParams
) -> tuple[list[WebhookSubscription], int]:
    statement = select(WebhookSubscription).where(
        WebhookSubscription.firm_id == firm_id, WebhookSubscription.deleted_at.is_(None)
    )
    return page_of(session, statement, params=params, order_by=[WebhookSubscription.id])


def page_of_deliveries(
    session: Session, *, firm_id: int, subscription_id: int, params: ListParams
) -> tuple[list[Any], int]:
    """Newest first: ``(delivery, event)`` rows."""
    statement = (
        select(WebhookDelivery, WebhookEvent)
        .join(
            WebhookEvent,
            and_(
                WebhookEvent.firm_id == WebhookDelivery.firm_id,
                WebhookEvent.id == WebhookDelivery.event_id,
            ),
        )
        .where(
            WebhookDelivery.firm_id == firm_id, WebhookDelivery.subscription_id == subscription_id
        )
    )
    rows, total = page_of_rows(session, statement, params=params)
    return rows, total


def page_of_rows(session: Session, statement: Any, *, params: ListParams) -> tuple[list[Any], int]:
    offset, limit = params.offset, params.per_page
    ordered = statement.order_by(WebhookDelivery.id.desc()).offset(offset).limit(limit)
    rows = [tuple(row) for row in session.execute(ordered)]
    if len(rows) < limit and (rows or offset == 0):
        return rows, offset + len(rows)
    count = select(WebhookDelivery.id).where(statement.whereclause).subquery()
    total = session.scalar(select(func.count()).select_from(count))
    return rows, int(total or 0)


def delivery(session: Session, *, firm_id: int, delivery_uuid: uuid.UUID) -> WebhookDelivery | None:
    return session.scalar(
        select(WebhookDelivery).where(
            WebhookDelivery.firm_id == firm_id, WebhookDelivery.uuid == delivery_uuid
        )
    )


def event(session: Session, event_id: int, *, firm_id: int) -> WebhookEvent | None:
    return row_of_firm(session, WebhookEvent, firm_id=firm_id, row_id=event_id)


def add_event(session: Session, event_row: WebhookEvent, deliveries: list[dict[str, Any]]) -> None:
    """The event and its deliveries, in the caller's transaction: one INSERT for the event
    and one multi-row INSERT for its deliveries, however many subscriptions want it."""
    session.add(event_row)
    session.flush()
    session.execute(
        insert(WebhookDelivery), [{**row, "event_id": event_row.id} for row in deliveries]
    )


def deliveries_of_event(session: Session, event_id: int, *, firm_id: int) -> list[WebhookDelivery]:
    return list(
        session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.firm_id == firm_id, WebhookDelivery.event_id == event_id)
            .order_by(WebhookDelivery.id)
        )
    )


def fail_pending(
    session: Session, *, firm_id: int, subscription_id: int, reason: str, now: datetime
) -> None:
    """Its subscription is gone or disabled: its waiting deliveries will not be sent."""
    session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.firm_id == firm_id,
            WebhookDelivery.subscription_id == subscription_id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
        )
        .values(status=DeliveryStatus.FAILED, last_error=reason, updated_at=now)
    )


def claim_due(session: Session, *, now: datetime, limit: int) -> list[WebhookDelivery]:
    """Lock up to ``limit`` due deliveries: pending ones whose time has come and claimed
    ones whose claimer's lease ran out (it died). ``FOR UPDATE SKIP LOCKED`` on PostgreSQL
    lets any number of workers share the rows; SQLite has one writer (``BEGIN IMMEDIATE``),
    so there the transaction itself is the lock."""
    statement = (
        select(WebhookDelivery)
        .where(
            or_(
                and_(
                    WebhookDelivery.status == DeliveryStatus.PENDING,
                    WebhookDelivery.next_attempt_at <= now,
                ),
                and_(
                    WebhookDelivery.status == DeliveryStatus.DELIVERING,
                    WebhookDelivery.locked_until <= now,
                ),
            )
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(statement))


def locked_delivery(session: Session, delivery_id: int, *, firm_id: int) -> WebhookDelivery | None:
    return session.scalar(
        select(WebhookDelivery)
        .where(WebhookDelivery.firm_id == firm_id, WebhookDelivery.id == delivery_id)
        .with_for_update()
    )


def lock_subscription(
    session: Session, subscription_id: int, *, firm_id: int
) -> WebhookSubscription | None:
    return session.scalar(
        select(WebhookSubscription)
        .where(WebhookSubscription.firm_id == firm_id, WebhookSubscription.id == subscription_id)
        .with_for_update()
    )


def purge(session: Session, *, succeeded_before: datetime, dead_before: datetime) -> int:
    """Delete old finished deliveries, then events no delivery refers to any more."""
    result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        delete(WebhookDelivery).where(
            or_(
                and_(
                    WebhookDelivery.status == DeliveryStatus.SUCCEEDED,
                    WebhookDelivery.updated_at < succeeded_before,
                ),
                and_(
                    WebhookDelivery.status.in_([DeliveryStatus.DEAD, DeliveryStatus.FAILED]),
                    WebhookDelivery.updated_at < dead_before,
                ),
            )
        )
    )
    orphans = select(WebhookDelivery.id).where(WebhookDelivery.event_id == WebhookEvent.id)
    session.execute(
        delete(WebhookEvent).where(WebhookEvent.created_at < succeeded_before, ~orphans.exists())
    )
    return int(result.rowcount or 0)


def mark_called(
    session: Session,
    *,
    firm_id: int,
    subscription_id: int,
    at: datetime,
    failing_since: datetime | None,
) -> None:
    """Stamp an attempt on the subscription (Plannr's ``last_outgoing_webhook_call_at``)
    and its failing streak; not a change of its settings, so ``updated_at`` stays."""
    session.execute(
        update(WebhookSubscription)
        .where(WebhookSubscription.firm_id == firm_id, WebhookSubscription.id == subscription_id)
        .values(last_outgoing_webhook_call_at=at, failing_since=failing_since)
    )

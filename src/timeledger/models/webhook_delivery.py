from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Enum, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import Base, BigIntId, FirmIdMixin, UTCDateTime, firm_fk, firm_table


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt (the first, or a retry)
    DELIVERING = "delivering"  # claimed by a worker until locked_until
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # its subscription was disabled or deleted; kept for the log
    DEAD = "dead"  # every attempt of the schedule failed


class WebhookDelivery(FirmIdMixin, Base):
    """One event for one subscription, with its own state; written with the event."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = firm_table(
        "webhook_deliveries",
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_subscription", "subscription_id", "id"),
        firm_fk("webhook_deliveries", "event_id", "webhook_events"),
        firm_fk("webhook_deliveries", "subscription_id", "webhook_subscriptions"),
    )

    event_id: Mapped[int] = mapped_column(BigIntId, index=True)
    subscription_id: Mapped[int] = mapped_column(BigIntId)
    status: Mapped[DeliveryStatus] = mapped_column(
        Enum(
            DeliveryStatus,
            name="webhook_delivery_status",
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_response_excerpt: Mapped[str | None] = mapped_column(Text)
    last_duration_ms: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

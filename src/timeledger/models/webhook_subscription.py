from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import (
    Base,
    BigIntId,
    FirmIdMixin,
    TimestampMixin,
    UTCDateTime,
    firm_fk,
    firm_table,
)


class WebhookSubscription(FirmIdMixin, TimestampMixin, Base):
    """A firm's endpoint and the events it wants (Plannr's webhook subscription).

    ``secret`` signs every delivery; after a rotation ``previous_secret`` signs too, until
    ``previous_secret_until``. ``failing_since`` is the first failed attempt since the last
    success: three days of it disable the subscription.
    """

    __tablename__ = "webhook_subscriptions"
    __table_args__ = firm_table(
        "webhook_subscriptions",
        Index("ix_webhook_subscriptions_firm_enabled", "firm_id", "enabled"),
        firm_fk("webhook_subscriptions", "created_by_account_id", "accounts"),
    )

    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[list[str]] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(String(255))
    secret: Mapped[str] = mapped_column(String(128))
    previous_secret: Mapped[str | None] = mapped_column(String(128))
    previous_secret_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_outgoing_webhook_call_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_account_id: Mapped[int | None] = mapped_column(BigIntId)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import Base, FirmIdMixin, UTCDateTime, firm_table


class WebhookEvent(FirmIdMixin, Base):
    """One announced change: written in the same transaction as the change (the outbox),
    never updated. ``payload`` is the JSON body every delivery of it sends."""

    __tablename__ = "webhook_events"
    __table_args__ = firm_table(
        "webhook_events", Index("ix_webhook_events_firm_created", "firm_id", "created_at")
    )

    type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

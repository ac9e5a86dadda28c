from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import Base, IdMixin, UTCDateTime


class WebhookEvent(IdMixin, Base):
    """One announced change: written in the same transaction as the change (the outbox),
    never updated. ``payload`` is the JSON body every delivery of it sends."""

    __tablename__ = "webhook_events"
    __table_args__ = (Index("ix_webhook_events_firm_created", "firm_id", "created_at"),)

    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), index=True)
    type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

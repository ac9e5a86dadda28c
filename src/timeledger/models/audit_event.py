from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import Base, BigIntId, FirmIdMixin, UTCDateTime, firm_fk, firm_table


class AuditEvent(FirmIdMixin, Base):
    """One change to a firm's billing data (a rate, a tag, the firm's settings or lock, an
    invoice, a reprice, a lock override): who made it, when, and the fields before and
    after. Written in the same transaction as the change; never updated. Changes to time
    entries themselves are in ``time_entry_events``."""

    __tablename__ = "audit_events"
    __table_args__ = firm_table(
        "audit_events",
        Index("ix_audit_events_firm_subject", "firm_id", "subject_type", "subject_uuid", "id"),
        firm_fk("audit_events", "account_id", "accounts"),
    )

    # What changed: "billing_rate", "tag", "firm", "time_entry", "invoice".
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_uuid: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # "created", "updated", "archived", "repriced", "invoiced", "lock_overridden"...
    action: Mapped[str] = mapped_column(String(32))
    account_id: Mapped[int | None] = mapped_column(BigIntId)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    token_id: Mapped[int | None] = mapped_column(ForeignKey("personal_access_tokens.id"))
    before: Mapped[dict[str, Any] | None] = mapped_column(
        JSON().with_variant(JSONB(), "postgresql")
    )
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import Base, BigIntId, FirmIdMixin, UTCDateTime, firm_fk, firm_table


class TimeEntryAction(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    STOPPED = "stopped"
    DELETED = "deleted"
    # Billing (issue 11): marked invoiced; its rate snapshot re-resolved by a reprice.
    INVOICED = "invoiced"
    REPRICED = "repriced"


class TimeEntryEvent(FirmIdMixin, Base):
    """One change to a time entry: who made it, when, through which token, and the fields
    before and after. Written in the same transaction as the change; never updated."""

    __tablename__ = "time_entry_events"
    __table_args__ = firm_table(
        "time_entry_events",
        Index("ix_time_entry_events_entry", "time_entry_id", "id"),
        firm_fk("time_entry_events", "time_entry_id", "time_entries"),
        firm_fk("time_entry_events", "account_id", "accounts"),
    )

    time_entry_id: Mapped[int] = mapped_column(BigIntId)
    action: Mapped[TimeEntryAction] = mapped_column(
        Enum(
            TimeEntryAction,
            name="time_entry_action",
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    # Who: the account acted as and the user behind it. Null when the change was not made
    # through the API (the CLI, an import).
    account_id: Mapped[int | None] = mapped_column(BigIntId)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    token_id: Mapped[int | None] = mapped_column(ForeignKey("personal_access_tokens.id"))
    before: Mapped[dict[str, Any] | None] = mapped_column(
        JSON().with_variant(JSONB(), "postgresql")
    )
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

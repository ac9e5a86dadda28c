from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Enum,
    Index,
    Integer,
    String,
    Text,
    text,
    true,
)
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


class TrackableType(StrEnum):
    """What time can be logged against; the value is the API's lower-case spelling."""

    CLIENT = "client"
    BOARD_TASK = "board_task"
    CASE = "case"
    CIRCLE = "circle"
    FIRM = "firm"
    TASK = "task"

    @property
    def label(self) -> str:
        """The spelling the API shows: ``Client``, ``BoardTask``..."""
        return "".join(part.capitalize() for part in self.value.split("_"))


RUNNING = text("ended_at IS NULL AND deleted_at IS NULL")
LIVE = text("deleted_at IS NULL")
# The columns the summary and weekly reports read beyond the range index's key
# (timeledger.reports.repository); the migration 20261201_13 holds the same list.
REPORT_INCLUDE = (
    "account_id",
    "trackable_type",
    "trackable_id",
    "ended_at",
    "billable",
    "hourly_rate_minor",
    "currency",
)


class TimeEntry(FirmIdMixin, TimestampMixin, Base):
    """Time one account logged against one trackable. Running while ``ended_at`` is null."""

    __tablename__ = "time_entries"
    __table_args__ = firm_table(
        "time_entries",
        # The database itself refuses a second running entry for an account.
        Index(
            "uq_time_entries_one_running_per_account",
            "firm_id",
            "account_id",
            unique=True,
            sqlite_where=RUNNING,
            postgresql_where=RUNNING,
        ),
        Index("ix_time_entries_firm_account_start", "firm_id", "account_id", "started_at"),
        # Lists default to -end_date (running first) per account, tie-broken by id.
        Index("ix_time_entries_firm_account_end", "firm_id", "account_id", "ended_at", "id"),
        Index(
            "ix_time_entries_firm_trackable_start",
            "firm_id",
            "trackable_type",
            "trackable_id",
            "started_at",
        ),
        CheckConstraint(
            "hourly_rate_minor IS NULL OR hourly_rate_minor >= 0", name="rate_not_negative"
        ),
        # A rate snapshot has both its amount and its currency, or neither.
        CheckConstraint(
            "(hourly_rate_minor IS NULL AND currency IS NULL) "
            "OR (hourly_rate_minor IS NOT NULL AND currency IS NOT NULL)",
            name="rate_with_currency",
        ),
        CheckConstraint(
            "invoice_ref IS NULL OR invoiced_at IS NOT NULL", name="invoice_ref_when_invoiced"
        ),
        # Reports: a firm-wide time range of live entries, in (start, id) order. On
        # PostgreSQL it also carries what a summary sums (INCLUDE), so a month is an
        # index-only scan of that month's entries, whatever else the table holds.
        Index(
            "ix_time_entries_firm_start_live",
            "firm_id",
            "started_at",
            "id",
            sqlite_where=LIVE,
            postgresql_where=LIVE,
            postgresql_include=list(REPORT_INCLUDE),
        ),
        firm_fk("time_entries", "account_id", "accounts"),
        firm_fk("time_entries", "rate_id", "billing_rates"),
    )

    account_id: Mapped[int] = mapped_column(BigIntId)
    trackable_type: Mapped[TrackableType] = mapped_column(
        Enum(
            TrackableType,
            name="trackable_type",
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    # Polymorphic: the id of a row in the table ``trackable_type`` names.
    trackable_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Billing (issue 11). ``billable`` is set from the firm's default for the trackable
    # type when the client does not say. The rate is a snapshot taken when the entry is
    # written (and re-taken when its trackable or start changes), never by a rate change;
    # the amount is derived from it (kit/money.py), never stored.
    # Only a server default: the services always set it; bulk loads (bench/) leave it out.
    billable: Mapped[bool] = mapped_column(Boolean, server_default=true())
    hourly_rate_minor: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str | None] = mapped_column(String(3))
    rate_id: Mapped[int | None] = mapped_column(BigIntId, index=True)
    invoiced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invoice_ref: Mapped[str | None] = mapped_column(String(64))

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Index, Integer, String
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


class BillingRate(FirmIdMixin, TimestampMixin, Base):
    """One dated hourly-rate rule. Which of staff, client and case it names sets its level:
    none is the firm default; staff alone; client (with or without staff); case (with or
    without staff). A client and a case together is not a level."""

    __tablename__ = "billing_rates"
    __table_args__ = firm_table(
        "billing_rates",
        CheckConstraint("hourly_rate_minor >= 0", name="rate_not_negative"),
        CheckConstraint(
            "effective_to IS NULL OR effective_to >= effective_from", name="dates_in_order"
        ),
        CheckConstraint("client_account_id IS NULL OR case_id IS NULL", name="client_or_case"),
        Index("ix_billing_rates_firm_from", "firm_id", "effective_from"),
        firm_fk("billing_rates", "staff_account_id", "accounts"),
        firm_fk("billing_rates", "client_account_id", "accounts"),
        firm_fk("billing_rates", "case_id", "cases"),
        firm_fk("billing_rates", "created_by_account_id", "accounts"),
    )

    staff_account_id: Mapped[int | None] = mapped_column(BigIntId)
    client_account_id: Mapped[int | None] = mapped_column(BigIntId)
    case_id: Mapped[int | None] = mapped_column(BigIntId)
    hourly_rate_minor: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    # Local dates in the firm's zone, both inclusive; no end: open-ended.
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    created_by_account_id: Mapped[int | None] = mapped_column(BigIntId)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

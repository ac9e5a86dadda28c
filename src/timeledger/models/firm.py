from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, String, false
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import Base, IdMixin, TimestampMixin, UTCDateTime, reference_table

DEFAULT_TIME_ZONE = "Europe/London"
DEFAULT_CURRENCY = "GBP"
DEFAULT_WEEK_START = "monday"
# Whether new time on each trackable type is billable unless the entry says otherwise:
# the firm's own time is not; time on clients, their cases and tasks is.
DEFAULT_BILLABLE = {
    "client": True,
    "case": True,
    "task": True,
    "board_task": True,
    "circle": True,
    "firm": False,
}


class Firm(IdMixin, TimestampMixin, Base):
    """The tenant: every row of firm data points here through ``firm_id``."""

    __tablename__ = "firms"
    __table_args__ = reference_table()

    name: Mapped[str] = mapped_column(String(255))
    slug: Mapped[str] = mapped_column(String(255), unique=True)
    time_zone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIME_ZONE)
    # Billing settings (issue 11): the currency of amounts, the first day of the week,
    # billable-by-default per trackable type, and whether members see rates and amounts.
    currency: Mapped[str] = mapped_column(
        String(3), default=DEFAULT_CURRENCY, server_default=DEFAULT_CURRENCY
    )
    week_start: Mapped[str] = mapped_column(
        String(9), default=DEFAULT_WEEK_START, server_default=DEFAULT_WEEK_START
    )
    billable_default: Mapped[dict[str, Any]] = mapped_column(
        JSON().with_variant(JSONB(), "postgresql"), default=lambda: dict(DEFAULT_BILLABLE)
    )
    members_see_amounts: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    # The lock boundary: entries that start before this instant are locked. Set from a
    # local date, kept as a UTC instant so a later change of time zone does not move it.
    locked_before: Mapped[datetime | None] = mapped_column(UTCDateTime)

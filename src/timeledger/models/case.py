from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
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


class Case(FirmIdMixin, TimestampMixin, Base):
    """A piece of advice work for one or more clients (a pension transfer, a mortgage...)."""

    __tablename__ = "cases"
    __table_args__ = firm_table("cases", firm_fk("cases", "billing_client_id", "accounts"))

    name: Mapped[str] = mapped_column(String(255))
    slug: Mapped[str] = mapped_column(String(255))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The one participant whose bill time on the case goes to (issue 11); without it, a
    # case with exactly one client participant bills that client.
    billing_client_id: Mapped[int | None] = mapped_column(BigIntId)

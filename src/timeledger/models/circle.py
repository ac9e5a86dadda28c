from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import Base, FirmIdMixin, TimestampMixin, UTCDateTime, firm_table


class Circle(FirmIdMixin, TimestampMixin, Base):
    """A group of accounts, such as a family."""

    __tablename__ = "circles"
    __table_args__ = firm_table("circles")

    name: Mapped[str] = mapped_column(String(255))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

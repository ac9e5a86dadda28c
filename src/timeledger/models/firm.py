from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import Base, IdMixin, TimestampMixin

DEFAULT_TIME_ZONE = "Europe/London"


class Firm(IdMixin, TimestampMixin, Base):
    """The tenant: every row of firm data points here through ``firm_id``."""

    __tablename__ = "firms"

    name: Mapped[str] = mapped_column(String(255))
    slug: Mapped[str] = mapped_column(String(255), unique=True)
    time_zone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIME_ZONE)

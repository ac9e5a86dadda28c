from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import Base, FirmIdMixin, TimestampMixin, UTCDateTime, firm_table


class Tag(FirmIdMixin, TimestampMixin, Base):
    """A firm's label for time entries ("research", "suitability report"...)."""

    __tablename__ = "tags"
    # One name per firm, ignoring case: ``name_key`` is the case-folded name.
    __table_args__ = firm_table(
        "tags", UniqueConstraint("firm_id", "name_key", name="uq_tags_firm_name_key")
    )

    name: Mapped[str] = mapped_column(String(64))
    name_key: Mapped[str] = mapped_column(String(64))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

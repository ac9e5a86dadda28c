from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
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


class BoardTask(FirmIdMixin, TimestampMixin, Base):
    """A card on a case's kanban board (upstream leaves its shape undocumented)."""

    __tablename__ = "board_tasks"
    __table_args__ = firm_table("board_tasks", firm_fk("board_tasks", "case_id", "cases"))

    case_id: Mapped[int] = mapped_column(BigIntId, index=True)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import Base, IdMixin, TimestampMixin, UTCDateTime


class BoardTask(IdMixin, TimestampMixin, Base):
    """A card on a case's kanban board (upstream leaves its shape undocumented)."""

    __tablename__ = "board_tasks"

    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

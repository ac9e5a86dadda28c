from __future__ import annotations

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import Base


class TimeEntryTag(Base):
    """A tag on a time entry."""

    __tablename__ = "time_entry_tags"
    # "Entries with this tag" is one index range, inside the firm.
    __table_args__ = (Index("ix_time_entry_tags_firm_tag", "firm_id", "tag_id", "time_entry_id"),)

    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"))
    time_entry_id: Mapped[int] = mapped_column(ForeignKey("time_entries.id"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id"), primary_key=True)

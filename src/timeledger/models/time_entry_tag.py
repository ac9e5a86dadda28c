from __future__ import annotations

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import DISTRIBUTED, DISTRIBUTION, Base, BigIntId, firm_fk, firm_key


class TimeEntryTag(Base):
    """A tag on a time entry."""

    __tablename__ = "time_entry_tags"
    # "Entries with this tag" is one index range, inside the firm.
    __table_args__ = (
        firm_key("time_entry_tags", "time_entry_id", "tag_id"),
        Index("ix_time_entry_tags_firm_tag", "firm_id", "tag_id", "time_entry_id"),
        firm_fk("time_entry_tags", "time_entry_id", "time_entries"),
        firm_fk("time_entry_tags", "tag_id", "tags"),
        {"info": {DISTRIBUTION: DISTRIBUTED}},
    )

    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"))
    time_entry_id: Mapped[int] = mapped_column(BigIntId)
    tag_id: Mapped[int] = mapped_column(BigIntId)

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Enum, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import Base, IdMixin, TimestampMixin, UTCDateTime


class TrackableType(StrEnum):
    """What time can be logged against; the value is the API's lower-case spelling."""

    CLIENT = "client"
    BOARD_TASK = "board_task"
    CASE = "case"
    CIRCLE = "circle"
    FIRM = "firm"
    TASK = "task"

    @property
    def label(self) -> str:
        """The spelling the API shows: ``Client``, ``BoardTask``..."""
        return "".join(part.capitalize() for part in self.value.split("_"))


RUNNING = text("ended_at IS NULL AND deleted_at IS NULL")
LIVE = text("deleted_at IS NULL")


class TimeEntry(IdMixin, TimestampMixin, Base):
    """Time one account logged against one trackable. Running while ``ended_at`` is null."""

    __tablename__ = "time_entries"
    __table_args__ = (
        # The database itself refuses a second running entry for an account.
        Index(
            "uq_time_entries_one_running_per_account",
            "account_id",
            unique=True,
            sqlite_where=RUNNING,
            postgresql_where=RUNNING,
        ),
        Index("ix_time_entries_firm_account_start", "firm_id", "account_id", "started_at"),
        # Lists default to -end_date (running first) per account, tie-broken by id.
        Index("ix_time_entries_firm_account_end", "firm_id", "account_id", "ended_at", "id"),
        Index(
            "ix_time_entries_firm_trackable_start",
            "firm_id",
            "trackable_type",
            "trackable_id",
            "started_at",
        ),
        # Reports: a firm-wide time range of live entries, in (start, id) order.
        Index(
            "ix_time_entries_firm_start_live",
            "firm_id",
            "started_at",
            "id",
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        ),
    )

    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    trackable_type: Mapped[TrackableType] = mapped_column(
        Enum(
            TrackableType,
            name="trackable_type",
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    # Polymorphic: the id of a row in the table ``trackable_type`` names.
    trackable_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

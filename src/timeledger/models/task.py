from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Enum, String, Text
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


class TaskPriority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    HIGHEST = "highest"


class Task(FirmIdMixin, TimestampMixin, Base):
    """A to-do on a client (``account_id``) or on a case (``case_id``), never both."""

    __tablename__ = "tasks"
    __table_args__ = firm_table(
        "tasks",
        CheckConstraint("(account_id IS NULL) <> (case_id IS NULL)", name="on_client_or_case"),
        firm_fk("tasks", "account_id", "accounts"),
        firm_fk("tasks", "case_id", "cases"),
    )

    account_id: Mapped[int | None] = mapped_column(BigIntId, index=True)
    case_id: Mapped[int | None] = mapped_column(BigIntId, index=True)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[TaskPriority] = mapped_column(
        Enum(
            TaskPriority,
            name="task_priority",
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=TaskPriority.MEDIUM,
    )
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def taskable_type(self) -> str:
        return "client" if self.account_id is not None else "case"

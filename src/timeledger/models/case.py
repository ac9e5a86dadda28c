from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import Base, IdMixin, TimestampMixin, UTCDateTime


class Case(IdMixin, TimestampMixin, Base):
    """A piece of advice work for one or more clients (a pension transfer, a mortgage...)."""

    __tablename__ = "cases"

    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    slug: Mapped[str] = mapped_column(String(255))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The one participant whose bill time on the case goes to (issue 11); without it, a
    # case with exactly one client participant bills that client.
    billing_client_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import Base, IdMixin, TimestampMixin, reference_table


class User(IdMixin, TimestampMixin, Base):
    """A person's credentials. Users are global; what they may do lives on their logins."""

    __tablename__ = "users"
    __table_args__ = reference_table()

    # Stored lower-cased, so uniqueness ignores case.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))

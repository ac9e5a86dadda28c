from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import (
    Base,
    BigIntId,
    IdMixin,
    TimestampMixin,
    UTCDateTime,
    reference_table,
)


class PersonalAccessToken(IdMixin, TimestampMixin, Base):
    """A bearer token. Only its SHA-256 is stored; the token itself is shown once."""

    __tablename__ = "personal_access_tokens"
    # Not per firm: a token without an account acts for its user in every firm the user
    # has a login in, and the token is found by its hash before any firm is known.
    __table_args__ = reference_table()

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # When set, the token can act only as this account. No foreign key: on Citus a
    # reference table may not point into a distributed one (accounts). The account is
    # checked when the token is made, and every use goes through one of the user's logins
    # to it, which the database does tie to the account (logins' composite key).
    account_id: Mapped[int | None] = mapped_column(BigIntId)
    name: Mapped[str] = mapped_column(String(255))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

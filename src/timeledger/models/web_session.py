from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import (
    Base,
    BigIntId,
    IdMixin,
    TimestampMixin,
    UTCDateTime,
    reference_table,
)


class WebSession(IdMixin, TimestampMixin, Base):
    """A web-app sign-in: the cookie holds a random secret, the row only its SHA-256.

    It belongs to a user; ``login_id`` (and with it ``firm_id``) is the account the user
    picked, null until a user with several logins has picked one. Revocable (sign-out,
    the sessions page) and expiring, like a personal access token.
    """

    __tablename__ = "web_sessions"
    # Not per firm: a session starts before any firm is picked, and may move between
    # the firms its user has logins in.
    __table_args__ = reference_table(
        Index("ix_web_sessions_firm_id_login_id", "firm_id", "login_id")
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firms.id"))
    # No foreign key: on Citus a reference table may not point into a distributed one
    # (logins). Every request re-reads the login through the user, so a session whose
    # login is gone has no account (web/service.py).
    login_id: Mapped[int | None] = mapped_column(BigIntId)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The browser, as its User-Agent said at sign-in, so a person can tell sessions apart.
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import Base, IdMixin, UTCDateTime


class PermissionChange(IdMixin, Base):
    """One change to a login's permission overrides: whose, by whom, before and after.
    Written in the same transaction as the change; never updated."""

    __tablename__ = "permission_changes"
    __table_args__ = (Index("ix_permission_changes_firm_account", "firm_id", "account_id", "id"),)

    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), index=True)
    # The account whose login changed.
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    login_id: Mapped[int] = mapped_column(ForeignKey("logins.id"))
    # Who changed it; null when made on the server with the CLI.
    changed_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    before: Mapped[dict[str, Any]] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    after: Mapped[dict[str, Any]] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

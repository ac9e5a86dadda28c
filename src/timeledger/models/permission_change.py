from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import Base, BigIntId, FirmIdMixin, UTCDateTime, firm_fk, firm_table


class PermissionChange(FirmIdMixin, Base):
    """One change to a login's permission overrides: whose, by whom, before and after.
    Written in the same transaction as the change; never updated."""

    __tablename__ = "permission_changes"
    __table_args__ = firm_table(
        "permission_changes",
        Index("ix_permission_changes_firm_account", "firm_id", "account_id", "id"),
        firm_fk("permission_changes", "account_id", "accounts"),
        firm_fk("permission_changes", "login_id", "logins"),
        firm_fk("permission_changes", "changed_by_account_id", "accounts"),
    )

    # The account whose login changed.
    account_id: Mapped[int] = mapped_column(BigIntId)
    login_id: Mapped[int] = mapped_column(BigIntId)
    # Who changed it; null when made on the server with the CLI.
    changed_by_account_id: Mapped[int | None] = mapped_column(BigIntId)
    before: Mapped[dict[str, Any]] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    after: Mapped[dict[str, Any]] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

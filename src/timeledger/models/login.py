from __future__ import annotations

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import Base, BigIntId, FirmIdMixin, TimestampMixin, firm_fk, firm_table


class Login(FirmIdMixin, TimestampMixin, Base):
    """Joins one user to one account. What the user may do as that account follows the
    account's role (``permissions.role_permissions``) unless an override says otherwise:
    null follows the role, true or false overrides it (set through the API or CLI, each
    change recorded in ``permission_changes``)."""

    __tablename__ = "logins"
    __table_args__ = firm_table(
        "logins",
        UniqueConstraint("firm_id", "user_id", "account_id", name="uq_logins_user_id"),
        firm_fk("logins", "account_id", "accounts"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    account_id: Mapped[int] = mapped_column(BigIntId, index=True)
    write_override: Mapped[bool | None] = mapped_column(default=None)
    delete_override: Mapped[bool | None] = mapped_column(default=None)

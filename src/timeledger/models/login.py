from __future__ import annotations

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import Base, IdMixin, TimestampMixin


class Login(IdMixin, TimestampMixin, Base):
    """Joins one user to one account. What the user may do as that account follows the
    account's role (``permissions.role_permissions``) unless an override says otherwise:
    null follows the role, true or false overrides it (set through the API or CLI, each
    change recorded in ``permission_changes``)."""

    __tablename__ = "logins"
    __table_args__ = (UniqueConstraint("user_id", "account_id"),)

    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    write_override: Mapped[bool | None] = mapped_column(default=None)
    delete_override: Mapped[bool | None] = mapped_column(default=None)

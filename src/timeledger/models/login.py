from __future__ import annotations

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import Base, IdMixin, TimestampMixin


class Login(IdMixin, TimestampMixin, Base):
    """Joins one user to one account and says what the user may do as that account."""

    __tablename__ = "logins"
    __table_args__ = (UniqueConstraint("user_id", "account_id"),)

    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    has_write_permission: Mapped[bool] = mapped_column(default=True)
    has_delete_permission: Mapped[bool] = mapped_column(default=False)

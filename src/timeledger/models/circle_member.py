from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import Base


class CircleMember(Base):
    __tablename__ = "circle_members"

    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), index=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True, index=True)

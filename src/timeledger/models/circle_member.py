from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import DISTRIBUTED, DISTRIBUTION, Base, BigIntId, firm_fk, firm_key


class CircleMember(Base):
    __tablename__ = "circle_members"

    __table_args__ = (
        firm_key("circle_members", "circle_id", "account_id"),
        firm_fk("circle_members", "circle_id", "circles"),
        firm_fk("circle_members", "account_id", "accounts"),
        {"info": {DISTRIBUTION: DISTRIBUTED}},
    )

    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"))
    circle_id: Mapped[int] = mapped_column(BigIntId)
    account_id: Mapped[int] = mapped_column(BigIntId, index=True)

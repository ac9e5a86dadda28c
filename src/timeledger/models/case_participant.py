from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import DISTRIBUTED, DISTRIBUTION, Base, BigIntId, firm_fk, firm_key


class CaseParticipant(Base):
    __tablename__ = "case_participants"
    __table_args__ = (
        firm_key("case_participants", "case_id", "account_id"),
        firm_fk("case_participants", "case_id", "cases"),
        firm_fk("case_participants", "account_id", "accounts"),
        {"info": {DISTRIBUTION: DISTRIBUTED}},
    )

    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"))
    case_id: Mapped[int] = mapped_column(BigIntId)
    # Indexed on its own so "the cases of this client" is one index range.
    account_id: Mapped[int] = mapped_column(BigIntId, index=True)

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import Base


class CaseParticipant(Base):
    __tablename__ = "case_participants"

    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    # Indexed on its own so "the cases of this client" is one index range.
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True, index=True)

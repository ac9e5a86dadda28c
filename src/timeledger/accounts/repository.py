from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from timeledger.models import Account


def account_by_name(
    session: Session, *, firm_id: int, first_name: str, last_name: str
) -> Account | None:
    return session.scalars(
        select(Account)
        .where(
            Account.firm_id == firm_id,
            Account.first_name == first_name,
            Account.last_name == last_name,
        )
        .order_by(Account.id)
        .limit(1)
    ).first()

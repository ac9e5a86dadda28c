"""Creating and finding accounts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from timeledger.accounts import repository
from timeledger.errors import ValidationFailed
from timeledger.models import ROLES_BY_TYPE, Account, AccountRole, AccountType, Firm


def create_account(
    session: Session,
    *,
    firm: Firm,
    account_type: AccountType,
    role: AccountRole,
    first_name: str,
    last_name: str = "",
    email: str | None = None,
    now: datetime,
) -> Account:
    if role not in ROLES_BY_TYPE[account_type]:
        raise ValidationFailed.field(
            "role", f"The role {role.value} is not valid for a {account_type.value} account."
        )
    account = Account(
        firm_id=firm.id,
        type=account_type,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        created_at=now,
        updated_at=now,
    )
    session.add(account)
    session.flush()
    return account


def find_by_name(
    session: Session, *, firm: Firm, first_name: str, last_name: str
) -> Account | None:
    return repository.account_by_name(
        session, firm_id=firm.id, first_name=first_name, last_name=last_name
    )

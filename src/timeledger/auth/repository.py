from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from timeledger.models import Account, Firm, Login, PersonalAccessToken, User


def token_with_user(session: Session, token_hash: str) -> tuple[PersonalAccessToken, User] | None:
    statement = (
        select(PersonalAccessToken, User)
        .join(User, User.id == PersonalAccessToken.user_id)
        .where(PersonalAccessToken.token_hash == token_hash)
    )
    row = session.execute(statement).first()
    return None if row is None else (row[0], row[1])


def logins_of_user(
    session: Session,
    user_id: int,
    *,
    account_uuid: uuid.UUID | None = None,
    account_id: int | None = None,
    limit: int | None = None,
) -> list[tuple[Login, Account, Firm]]:
    statement = (
        select(Login, Account, Firm)
        .join(Account, Account.id == Login.account_id)
        .join(Firm, Firm.id == Account.firm_id)
        .where(Login.user_id == user_id)
        .order_by(Login.id)
    )
    if account_uuid is not None:
        statement = statement.where(Account.uuid == account_uuid)
    if account_id is not None:
        statement = statement.where(Account.id == account_id)
    if limit is not None:
        statement = statement.limit(limit)
    return [(login, account, firm) for login, account, firm in session.execute(statement)]


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email.strip().lower())).first()


def login_for(session: Session, user_id: int, account_id: int) -> Login | None:
    return session.scalars(
        select(Login).where(Login.user_id == user_id, Login.account_id == account_id)
    ).first()

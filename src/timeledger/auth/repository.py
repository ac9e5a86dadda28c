from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, and_, join, or_, select
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


CallerRow = tuple[PersonalAccessToken, User, Login | None, Account | None, Firm | None]


def token_with_logins(
    session: Session, token_hash: str, *, account_uuid: uuid.UUID | None
) -> list[CallerRow]:
    """The token, its user and, in the same query, the user's logins that could act for
    the request: the login on ``account_uuid`` when given, else the one on the account the
    token is bound to, else the first two (two say "ambiguous"). No login: one row of Nones.
    """
    chosen: ColumnElement[bool]
    if account_uuid is not None:
        chosen = Account.uuid == account_uuid
    else:
        bound = PersonalAccessToken.account_id
        chosen = or_(bound.is_(None), Account.id == bound)
    logins = join(Login, Account, Account.id == Login.account_id).join(
        Firm, Firm.id == Account.firm_id
    )
    statement = (
        select(PersonalAccessToken, User, Login, Account, Firm)
        .join(User, User.id == PersonalAccessToken.user_id)
        .outerjoin(logins, and_(Login.user_id == User.id, chosen))
        .where(PersonalAccessToken.token_hash == token_hash)
        .order_by(Login.id)
        .limit(2)
    )
    return [(row[0], row[1], row[2], row[3], row[4]) for row in session.execute(statement)]


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


def login_for(session: Session, user_id: int, account_id: int, *, firm_id: int) -> Login | None:
    return session.scalars(
        select(Login).where(
            Login.firm_id == firm_id, Login.user_id == user_id, Login.account_id == account_id
        )
    ).first()

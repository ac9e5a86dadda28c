from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from timeledger.kit.listing import ListParams
from timeledger.kit.paging import page_of, sort_order
from timeledger.models import Account, PersonalAccessToken

SORTS = {
    "created_at": PersonalAccessToken.created_at,
    "last_used_at": PersonalAccessToken.last_used_at,
    "name": PersonalAccessToken.name,
}


def page_of_tokens(
    session: Session, *, user_id: int, bound_to: int | None, params: ListParams
) -> tuple[list[PersonalAccessToken], int]:
    """The user's tokens; with ``bound_to``, only those bound to that account."""
    statement: Select[Any] = select(PersonalAccessToken).where(
        PersonalAccessToken.user_id == user_id
    )
    if bound_to is not None:
        statement = statement.where(PersonalAccessToken.account_id == bound_to)
    return page_of(
        session,
        statement,
        params=params,
        order_by=sort_order(params.sort, SORTS, tie_breaker=PersonalAccessToken.id.asc()),
    )


def tokens_of_user(session: Session, user_id: int) -> list[PersonalAccessToken]:
    return list(
        session.scalars(
            select(PersonalAccessToken)
            .where(PersonalAccessToken.user_id == user_id)
            .order_by(PersonalAccessToken.created_at, PersonalAccessToken.id)
        )
    )


def token_by_uuid(
    session: Session, *, token_uuid: uuid.UUID, user_id: int | None, bound_to: int | None = None
) -> PersonalAccessToken | None:
    statement = select(PersonalAccessToken).where(PersonalAccessToken.uuid == token_uuid)
    if user_id is not None:
        statement = statement.where(PersonalAccessToken.user_id == user_id)
    if bound_to is not None:
        statement = statement.where(PersonalAccessToken.account_id == bound_to)
    return session.scalars(statement).first()


def bound_accounts(session: Session, tokens: Sequence[PersonalAccessToken]) -> dict[int, Account]:
    ids = {token.account_id for token in tokens if token.account_id is not None}
    if not ids:
        return {}
    return {a.id: a for a in session.scalars(select(Account).where(Account.id.in_(ids)))}

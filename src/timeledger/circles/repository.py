from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from timeledger.models import Account, Circle, CircleMember
from timeledger.pagination import ListParams
from timeledger.queries import like_pattern, page_of

SORTS = {"name": Circle.name, "created_at": Circle.created_at, "updated_at": Circle.updated_at}


def circle_by_uuid(session: Session, *, firm_id: int, circle_uuid: uuid.UUID) -> Circle | None:
    return session.scalars(
        select(Circle).where(Circle.firm_id == firm_id, Circle.uuid == circle_uuid)
    ).first()


def page_of_circles(
    session: Session,
    *,
    firm_id: int,
    params: ListParams,
    uuids: Sequence[uuid.UUID] | None,
    account_uuids: Sequence[uuid.UUID] | None,
    name: str | None,
) -> tuple[list[Circle], int]:
    statement: Select[Any] = select(Circle).where(
        Circle.firm_id == firm_id, Circle.archived_at.is_(None)
    )
    if uuids is not None:
        statement = statement.where(Circle.uuid.in_(uuids))
    if account_uuids is not None:
        statement = statement.where(
            Circle.id.in_(
                select(CircleMember.circle_id)
                .join(Account, Account.id == CircleMember.account_id)
                .where(Account.firm_id == firm_id, Account.uuid.in_(account_uuids))
            )
        )
    if name:
        statement = statement.where(func.lower(Circle.name).like(like_pattern(name), escape="\\"))
    return page_of(
        session, statement, params=params, sort_columns=SORTS, tie_breaker=Circle.id.asc()
    )


def members_of(session: Session, circle_ids: Sequence[int]) -> dict[int, list[Account]]:
    """Each circle's accounts, in one query, ordered by name."""
    found: dict[int, list[Account]] = {circle_id: [] for circle_id in circle_ids}
    if not circle_ids:
        return found
    rows = session.execute(
        select(CircleMember.circle_id, Account)
        .join(Account, Account.id == CircleMember.account_id)
        .where(CircleMember.circle_id.in_(circle_ids))
        .order_by(Account.first_name, Account.last_name, Account.id)
    )
    for circle_id, account in rows:
        found[circle_id].append(account)
    return found


def replace_members(session: Session, circle: Circle, accounts: Sequence[Account]) -> None:
    session.execute(delete(CircleMember).where(CircleMember.circle_id == circle.id))
    session.add_all(
        CircleMember(firm_id=circle.firm_id, circle_id=circle.id, account_id=account.id)
        for account in accounts
    )
    session.flush()

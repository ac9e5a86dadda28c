from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from timeledger.accounts.repository import accounts_linked, replace_links
from timeledger.kit.listing import ListParams, like_pattern
from timeledger.kit.paging import page_of, sort_order
from timeledger.models import Account, Circle, CircleMember

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
                .join(
                    Account,
                    (Account.firm_id == CircleMember.firm_id)
                    & (Account.id == CircleMember.account_id),
                )
                .where(Account.firm_id == firm_id, Account.uuid.in_(account_uuids))
            )
        )
    if name:
        statement = statement.where(func.lower(Circle.name).like(like_pattern(name), escape="\\"))
    return page_of(
        session,
        statement,
        params=params,
        order_by=sort_order(params.sort, SORTS, tie_breaker=Circle.id.asc()),
    )


def members_of(
    session: Session, circle_ids: Sequence[int], *, firm_id: int
) -> dict[int, list[Account]]:
    """Each circle's accounts, in one query, ordered by name."""
    return accounts_linked(session, CircleMember, "circle_id", circle_ids, firm_id=firm_id)


def replace_members(session: Session, circle: Circle, accounts: Sequence[Account]) -> None:
    replace_links(
        session,
        CircleMember,
        "circle_id",
        firm_id=circle.firm_id,
        owner_id=circle.id,
        accounts=accounts,
    )

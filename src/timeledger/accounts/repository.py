from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, and_, delete, func, or_, select
from sqlalchemy.orm import Session

from timeledger.kit.listing import ListParams, like_pattern
from timeledger.kit.paging import page_of, sort_order
from timeledger.models import (
    Account,
    AccountRole,
    AccountType,
    CaseParticipant,
    CircleMember,
    Login,
    PermissionChange,
)

SORTS = {
    "first_name": Account.first_name,
    "last_name": Account.last_name,
    "created_at": Account.created_at,
}


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


def account_by_uuid(
    session: Session, *, firm_id: int, account_uuid: uuid.UUID, account_type: AccountType | None
) -> Account | None:
    statement = select(Account).where(Account.firm_id == firm_id, Account.uuid == account_uuid)
    if account_type is not None:
        statement = statement.where(Account.type == account_type)
    return session.scalars(statement).first()


def accounts_by_uuids(
    session: Session, *, firm_id: int, uuids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Account]:
    """The firm's live accounts among ``uuids``, by UUID (one query)."""
    if not uuids:
        return {}
    rows = session.scalars(
        select(Account).where(
            Account.firm_id == firm_id,
            Account.uuid.in_(set(uuids)),
            Account.archived_at.is_(None),
        )
    )
    return {account.uuid: account for account in rows}


def page_of_accounts(
    session: Session,
    *,
    firm_id: int,
    params: ListParams,
    types: Sequence[AccountType],
    roles: Sequence[AccountRole],
    name: str | None,
    only_id: int | None,
) -> tuple[list[Account], int]:
    statement: Select[Any] = select(Account).where(
        Account.firm_id == firm_id, Account.archived_at.is_(None)
    )
    if types:
        statement = statement.where(Account.type.in_(types))
    if roles:
        statement = statement.where(Account.role.in_(roles))
    if name:
        pattern = like_pattern(name)
        statement = statement.where(
            or_(
                func.lower(Account.first_name).like(pattern, escape="\\"),
                func.lower(Account.last_name).like(pattern, escape="\\"),
            )
        )
    if only_id is not None:
        statement = statement.where(Account.id == only_id)
    return page_of(
        session,
        statement,
        params=params,
        order_by=sort_order(params.sort, SORTS, tie_breaker=Account.id.asc()),
    )


# Cases and circles hold their accounts in link tables of one shape:
# (firm_id, <owner>_id, account_id).
Link = CaseParticipant | CircleMember


def accounts_linked(
    session: Session,
    link: type[Link],
    owner_column: str,
    owner_ids: Sequence[int],
    *,
    firm_id: int,
) -> dict[int, list[Account]]:
    """Each owner's linked accounts, in one query, ordered by name."""
    found: dict[int, list[Account]] = {owner_id: [] for owner_id in owner_ids}
    if not owner_ids:
        return found
    owner = getattr(link, owner_column)
    rows = session.execute(
        select(owner, Account)
        .join(Account, and_(Account.firm_id == link.firm_id, Account.id == link.account_id))
        .where(link.firm_id == firm_id, owner.in_(owner_ids))
        .order_by(Account.first_name, Account.last_name, Account.id)
    )
    for owner_id, account in rows:
        found[owner_id].append(account)
    return found


def replace_links(
    session: Session,
    link: type[Link],
    owner_column: str,
    *,
    firm_id: int,
    owner_id: int,
    accounts: Sequence[Account],
) -> None:
    session.execute(
        delete(link).where(link.firm_id == firm_id, getattr(link, owner_column) == owner_id)
    )
    session.add_all(
        link(firm_id=firm_id, account_id=account.id, **{owner_column: owner_id})
        for account in accounts
    )
    session.flush()


def live_owner_count(session: Session, firm_id: int) -> int:
    """How many live (not archived) owner accounts the firm has."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Account)
            .where(
                Account.firm_id == firm_id,
                Account.type == AccountType.EMPLOYEE,
                Account.role == AccountRole.OWNER,
                Account.archived_at.is_(None),
            )
        )
        or 0
    )


def first_login(session: Session, *, firm_id: int, account_id: int) -> Login | None:
    """The account's login (the first, should there ever be several)."""
    return session.scalars(
        select(Login)
        .where(Login.firm_id == firm_id, Login.account_id == account_id)
        .order_by(Login.id)
    ).first()


def permission_changes(
    session: Session, *, firm_id: int, account_id: int
) -> list[tuple[PermissionChange, uuid.UUID | None]]:
    """The account's recorded permission changes, oldest first, each with the UUID of the
    account that made it (None for the command line)."""
    rows = session.execute(
        select(PermissionChange, Account.uuid)
        .outerjoin(
            Account,
            (Account.firm_id == PermissionChange.firm_id)
            & (Account.id == PermissionChange.changed_by_account_id),
        )
        .where(PermissionChange.firm_id == firm_id, PermissionChange.account_id == account_id)
        .order_by(PermissionChange.id)
    ).all()
    return [(change, by) for change, by in rows]

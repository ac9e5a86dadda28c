from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from timeledger.accounts.repository import accounts_linked, replace_links
from timeledger.kit.listing import ListParams, like_pattern
from timeledger.kit.paging import page_of, sort_order
from timeledger.models import Account, Case, CaseParticipant

SORTS = {"name": Case.name, "created_at": Case.created_at, "updated_at": Case.updated_at}


def case_by_uuid(
    session: Session, *, firm_id: int, case_uuid: uuid.UUID, participant_id: int | None
) -> Case | None:
    statement = select(Case).where(Case.firm_id == firm_id, Case.uuid == case_uuid)
    if participant_id is not None:
        statement = statement.where(_has_participant(participant_id))
    return session.scalars(statement).first()


def live_case_by_uuid(session: Session, *, firm_id: int, case_uuid: uuid.UUID) -> Case | None:
    return session.scalars(
        select(Case).where(
            Case.firm_id == firm_id, Case.uuid == case_uuid, Case.archived_at.is_(None)
        )
    ).first()


def _has_participant(account_id: int) -> ColumnElement[bool]:
    return Case.id.in_(
        select(CaseParticipant.case_id).where(
            CaseParticipant.firm_id == Case.firm_id, CaseParticipant.account_id == account_id
        )
    )


def page_of_cases(
    session: Session,
    *,
    firm_id: int,
    params: ListParams,
    uuids: Sequence[uuid.UUID] | None,
    account_uuids: Sequence[uuid.UUID] | None,
    name: str | None,
    participant_id: int | None,
    include_archived: bool = False,
) -> tuple[list[Case], int]:
    statement: Select[Any] = select(Case).where(Case.firm_id == firm_id)
    if not include_archived:
        statement = statement.where(Case.archived_at.is_(None))
    if uuids is not None:
        statement = statement.where(Case.uuid.in_(uuids))
    if account_uuids is not None:
        statement = statement.where(
            Case.id.in_(
                select(CaseParticipant.case_id)
                .join(
                    Account,
                    and_(
                        Account.firm_id == CaseParticipant.firm_id,
                        Account.id == CaseParticipant.account_id,
                    ),
                )
                .where(Account.firm_id == firm_id, Account.uuid.in_(account_uuids))
            )
        )
    if name:
        statement = statement.where(func.lower(Case.name).like(like_pattern(name), escape="\\"))
    if participant_id is not None:
        statement = statement.where(_has_participant(participant_id))
    return page_of(
        session,
        statement,
        params=params,
        order_by=sort_order(params.sort, SORTS, tie_breaker=Case.id.asc()),
    )


def participants_of(
    session: Session, case_ids: Sequence[int], *, firm_id: int
) -> dict[int, list[Account]]:
    """Each case's participants, in one query, ordered by name."""
    return accounts_linked(session, CaseParticipant, "case_id", case_ids, firm_id=firm_id)


def replace_participants(session: Session, case: Case, accounts: Sequence[Account]) -> None:
    replace_links(
        session,
        CaseParticipant,
        "case_id",
        firm_id=case.firm_id,
        owner_id=case.id,
        accounts=accounts,
    )

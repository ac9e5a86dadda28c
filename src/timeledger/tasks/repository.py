from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from timeledger.kit.listing import ListParams, like_pattern
from timeledger.kit.paging import page_of, sort_order
from timeledger.kit.repository import in_firms
from timeledger.models import Account, Case, Task, TaskPriority

SORTS = {
    "created_at": Task.created_at,
    "updated_at": Task.updated_at,
    "name": Task.name,
    "due_at": Task.due_at,
}


def task_by_uuid(session: Session, *, firm_id: int, task_uuid: uuid.UUID) -> Task | None:
    return session.scalars(
        select(Task).where(Task.firm_id == firm_id, Task.uuid == task_uuid)
    ).first()


def page_of_tasks(
    session: Session,
    *,
    firm_id: int,
    params: ListParams,
    uuids: Sequence[uuid.UUID] | None,
    priorities: Sequence[TaskPriority],
    name: str | None,
    on_clients: bool | None,
    taskable_uuids: Sequence[uuid.UUID] | None,
) -> tuple[list[Task], int]:
    statement: Select[Any] = select(Task).where(Task.firm_id == firm_id, Task.archived_at.is_(None))
    if uuids is not None:
        statement = statement.where(Task.uuid.in_(uuids))
    if priorities:
        statement = statement.where(Task.priority.in_(priorities))
    if name:
        statement = statement.where(func.lower(Task.name).like(like_pattern(name), escape="\\"))
    if on_clients is not None:
        statement = statement.where(
            Task.account_id.is_not(None) if on_clients else Task.case_id.is_not(None)
        )
    if taskable_uuids is not None:
        statement = statement.where(
            or_(
                Task.account_id.in_(
                    select(Account.id).where(
                        Account.firm_id == firm_id, Account.uuid.in_(taskable_uuids)
                    )
                ),
                Task.case_id.in_(
                    select(Case.id).where(Case.firm_id == firm_id, Case.uuid.in_(taskable_uuids))
                ),
            )
        )
    return page_of(
        session,
        statement,
        params=params,
        order_by=sort_order(params.sort, SORTS, tie_breaker=Task.id.asc()),
    )


def taskables_of(
    session: Session, tasks: Sequence[Task]
) -> tuple[dict[int, Account], dict[int, Case]]:
    """The clients and cases ``tasks`` are on, in two queries."""
    account_ids = {task.account_id for task in tasks if task.account_id is not None}
    case_ids = {task.case_id for task in tasks if task.case_id is not None}
    firms = {task.firm_id for task in tasks}
    accounts = (
        {
            a.id: a
            for a in session.scalars(
                select(Account).where(in_firms(Account.firm_id, firms), Account.id.in_(account_ids))
            )
        }
        if account_ids
        else {}
    )
    cases = (
        {
            c.id: c
            for c in session.scalars(
                select(Case).where(in_firms(Case.firm_id, firms), Case.id.in_(case_ids))
            )
        }
        if case_ids
        else {}
    )
    return accounts, cases

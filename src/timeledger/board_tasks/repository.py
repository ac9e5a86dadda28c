from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from timeledger.kit.listing import ListParams, like_pattern
from timeledger.kit.paging import page_of, sort_order
from timeledger.models import BoardTask, Case

SORTS = {
    "created_at": BoardTask.created_at,
    "updated_at": BoardTask.updated_at,
    "name": BoardTask.name,
}


def board_task_by_uuid(
    session: Session, *, firm_id: int, board_task_uuid: uuid.UUID
) -> BoardTask | None:
    return session.scalars(
        select(BoardTask).where(BoardTask.firm_id == firm_id, BoardTask.uuid == board_task_uuid)
    ).first()


def page_of_board_tasks(
    session: Session,
    *,
    firm_id: int,
    params: ListParams,
    uuids: Sequence[uuid.UUID] | None,
    case_uuids: Sequence[uuid.UUID] | None,
    name: str | None,
) -> tuple[list[BoardTask], int]:
    statement: Select[Any] = select(BoardTask).where(
        BoardTask.firm_id == firm_id, BoardTask.archived_at.is_(None)
    )
    if uuids is not None:
        statement = statement.where(BoardTask.uuid.in_(uuids))
    if case_uuids is not None:
        statement = statement.where(
            BoardTask.case_id.in_(
                select(Case.id).where(Case.firm_id == firm_id, Case.uuid.in_(case_uuids))
            )
        )
    if name:
        statement = statement.where(
            func.lower(BoardTask.name).like(like_pattern(name), escape="\\")
        )
    return page_of(
        session,
        statement,
        params=params,
        order_by=sort_order(params.sort, SORTS, tie_breaker=BoardTask.id.asc()),
    )


def cases_by_id(session: Session, case_ids: set[int], *, firm_id: int) -> dict[int, Case]:
    if not case_ids:
        return {}
    rows = session.scalars(select(Case).where(Case.firm_id == firm_id, Case.id.in_(case_ids)))
    return {case.id: case for case in rows}

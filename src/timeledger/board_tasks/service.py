"""The rules of board tasks: each is a card on one live case of the firm; staff only."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.board_tasks import repository
from timeledger.board_tasks.schemas import BoardTaskCreate, BoardTaskResource, BoardTaskUpdate
from timeledger.cases.service import live_case
from timeledger.errors import NotFound, ValidationFailed
from timeledger.kit.ids import uuid_or_not_found
from timeledger.kit.listing import ListParams, text_filter, uuid_filter
from timeledger.kit.paging import Page, build_page
from timeledger.models import BoardTask, Case, Firm
from timeledger.permissions import may_archive, may_edit_records, may_read_records, require


def list_board_tasks(
    session: Session, *, actor: Actor, params: ListParams
) -> Page[BoardTaskResource]:
    require(may_read_records(actor))
    rows, total = repository.page_of_board_tasks(
        session,
        firm_id=actor.firm.id,
        params=params,
        uuids=uuid_filter(params, "uuid"),
        case_uuids=uuid_filter(params, "case_uuid"),
        name=text_filter(params, "name"),
    )
    return build_page(_present(session, rows, actor.firm), total=total, params=params)


def show_board_task(session: Session, *, actor: Actor, raw_uuid: str) -> BoardTaskResource:
    require(may_read_records(actor))
    return _present(session, [_board_task(session, actor, raw_uuid)], actor.firm)[0]


def add_board_task(
    session: Session, *, actor: Actor, data: BoardTaskCreate, now: datetime
) -> BoardTaskResource:
    require(may_edit_records(actor))
    case = _case(session, actor.firm, data.case_uuid)
    board_task = create_board_task(
        session,
        firm=actor.firm,
        case=case,
        name=data.name,
        description=data.description,
        now=now,
    )
    return _present(session, [board_task], actor.firm)[0]


def update_board_task(
    session: Session, *, actor: Actor, raw_uuid: str, data: BoardTaskUpdate, now: datetime
) -> BoardTaskResource:
    require(may_edit_records(actor))
    board_task = _board_task(session, actor, raw_uuid)
    changes = data.model_dump(exclude_unset=True)
    for name in ("name", "case_uuid"):
        if name in changes and changes[name] is None:
            raise ValidationFailed.field(name, f"The {name.replace('_', ' ')} field is required.")
    if data.case_uuid is not None:
        board_task.case_id = _case(session, actor.firm, data.case_uuid).id
    if data.name is not None:
        board_task.name = data.name
    if "description" in changes:
        board_task.description = data.description
    board_task.updated_at = now
    session.flush()
    return _present(session, [board_task], actor.firm)[0]


def archive_board_task(
    session: Session, *, actor: Actor, raw_uuid: str, now: datetime
) -> BoardTaskResource:
    """Archive, never delete: time logged against the board task stays readable."""
    require(may_archive(actor))
    board_task = _board_task(session, actor, raw_uuid)
    if board_task.archived_at is None:
        board_task.archived_at = now
        board_task.updated_at = now
        session.flush()
    return _present(session, [board_task], actor.firm)[0]


def _case(session: Session, firm: Firm, case_uuid: uuid.UUID) -> Case:
    case = live_case(session, firm=firm, case_uuid=case_uuid)
    if case is None:
        raise ValidationFailed.field("case_uuid", "The selected case uuid is invalid.")
    return case


def _board_task(session: Session, actor: Actor, raw_uuid: str) -> BoardTask:
    board_task = repository.board_task_by_uuid(
        session, firm_id=actor.firm.id, board_task_uuid=uuid_or_not_found(raw_uuid)
    )
    if board_task is None:
        raise NotFound()
    return board_task


def _present(
    session: Session, board_tasks: Sequence[BoardTask], firm: Firm
) -> list[BoardTaskResource]:
    cases = repository.cases_by_id(
        session, {board_task.case_id for board_task in board_tasks}, firm_id=firm.id
    )
    return [
        BoardTaskResource.build_with(
            board_task, case=cases[board_task.case_id], time_zone=firm.time_zone
        )
        for board_task in board_tasks
    ]


def create_board_task(
    session: Session,
    *,
    firm: Firm,
    case: Case,
    name: str,
    now: datetime,
    description: str | None = None,
) -> BoardTask:
    board_task = BoardTask(
        firm_id=firm.id,
        case_id=case.id,
        name=name,
        description=description,
        created_at=now,
        updated_at=now,
    )
    session.add(board_task)
    session.flush()
    return board_task

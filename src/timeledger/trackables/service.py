"""Finding a trackable from the API's ``trackable_type``/``trackable_uuid``, showing it, and
creating the records (the demo and, later, the records API use these)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from slugify import slugify
from sqlalchemy.orm import Session

from timeledger.accounts.schemas import AccountRead
from timeledger.firms.schemas import FirmRead
from timeledger.models import (
    Account,
    AccountType,
    BoardTask,
    Case,
    CaseParticipant,
    Circle,
    CircleMember,
    Firm,
    Task,
    TaskPriority,
    TrackableType,
)
from timeledger.trackables.repository import Trackable, find_trackable
from timeledger.trackables.schemas import BoardTaskRead, CaseRead, CircleRead, TaskRead

TrackableRead = AccountRead | BoardTaskRead | CaseRead | CircleRead | FirmRead | TaskRead


def parse_trackable_type(value: str) -> TrackableType | None:
    """Accept any spelling upstream clients send: ``client``, ``Client``, ``board_task``,
    ``BoardTask``, ``board-task``..."""
    squashed = value.strip().replace("_", "").replace("-", "").replace(" ", "").lower()
    for member in TrackableType:
        if member.value.replace("_", "") == squashed:
            return member
    return None


def find_live(
    session: Session, *, firm: Firm, trackable_type: TrackableType, trackable_uuid: uuid.UUID
) -> Trackable | None:
    return find_trackable(
        session, firm=firm, trackable_type=trackable_type, trackable_uuid=trackable_uuid
    )


def present(trackable: Trackable, *, time_zone: str) -> TrackableRead:
    if isinstance(trackable, Account):
        return AccountRead.build(trackable, time_zone=time_zone)
    if isinstance(trackable, Firm):
        return FirmRead.build(trackable, time_zone=time_zone)
    if isinstance(trackable, Case):
        return CaseRead.build(trackable, time_zone=time_zone)
    if isinstance(trackable, Circle):
        return CircleRead.build(trackable, time_zone=time_zone)
    if isinstance(trackable, Task):
        return TaskRead.build(trackable, time_zone=time_zone)
    return BoardTaskRead.build(trackable, time_zone=time_zone)


def case_slug(name: str) -> str:
    return slugify(name, max_length=200) or "case"


def create_case(
    session: Session, *, firm: Firm, name: str, participants: Sequence[Account], now: datetime
) -> Case:
    case = Case(
        firm_id=firm.id,
        name=name,
        slug=case_slug(name),
        created_at=now,
        updated_at=now,
    )
    session.add(case)
    session.flush()
    session.add_all(
        CaseParticipant(firm_id=firm.id, case_id=case.id, account_id=account.id)
        for account in participants
    )
    session.flush()
    return case


def create_circle(
    session: Session, *, firm: Firm, name: str, members: Sequence[Account], now: datetime
) -> Circle:
    circle = Circle(firm_id=firm.id, name=name, created_at=now, updated_at=now)
    session.add(circle)
    session.flush()
    session.add_all(
        CircleMember(firm_id=firm.id, circle_id=circle.id, account_id=account.id)
        for account in members
    )
    session.flush()
    return circle


def create_task(
    session: Session,
    *,
    firm: Firm,
    name: str,
    on: Account | Case,
    now: datetime,
    description: str | None = None,
    priority: TaskPriority = TaskPriority.MEDIUM,
) -> Task:
    if isinstance(on, Account) and on.type != AccountType.CLIENT:
        raise ValueError("a task belongs to a client or a case")
    task = Task(
        firm_id=firm.id,
        name=name,
        description=description,
        priority=priority,
        account_id=on.id if isinstance(on, Account) else None,
        case_id=on.id if isinstance(on, Case) else None,
        created_at=now,
        updated_at=now,
    )
    session.add(task)
    session.flush()
    return task


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

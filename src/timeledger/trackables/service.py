"""The resolver time entries use: a trackable type as clients spell it, the trackable a
``trackable_type``/``trackable_uuid`` pair names, and its embedded shape. Each record
domain (cases, circles, tasks, board tasks, accounts) creates its own records."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from timeledger.accounts.schemas import AccountRead
from timeledger.firms.schemas import FirmRead
from timeledger.models import (
    Account,
    Case,
    Circle,
    Firm,
    Task,
    TrackableType,
)
from timeledger.trackables.repository import Trackable, find_trackable, search_by_name
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


def search_live(
    session: Session, *, firm: Firm, text: str, limit: int = 8
) -> list[tuple[TrackableType, Trackable]]:
    """Live trackables of ``firm`` whose name contains ``text``: the timer's type-ahead."""
    return search_by_name(session, firm=firm, text=text, limit=limit)

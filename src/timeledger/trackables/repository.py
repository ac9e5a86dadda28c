from __future__ import annotations

import uuid
from typing import TypeVar, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from timeledger.models import (
    Account,
    AccountType,
    BoardTask,
    Case,
    Circle,
    Firm,
    Task,
    TrackableType,
)

Trackable = Account | BoardTask | Case | Circle | Firm | Task

# The table behind each trackable type that has one of its own.
_MODELS: dict[TrackableType, type[BoardTask | Case | Circle | Task]] = {
    TrackableType.BOARD_TASK: BoardTask,
    TrackableType.CASE: Case,
    TrackableType.CIRCLE: Circle,
    TrackableType.TASK: Task,
}


def live_trackable(
    session: Session, *, firm: Firm, trackable_type: TrackableType, trackable_uuid: uuid.UUID
) -> Trackable | None:
    """The trackable with this UUID in this firm, unless it is archived."""
    if trackable_type is TrackableType.FIRM:
        return firm if firm.uuid == trackable_uuid else None
    if trackable_type is TrackableType.CLIENT:
        return session.scalars(
            select(Account).where(
                Account.uuid == trackable_uuid,
                Account.firm_id == firm.id,
                Account.type == AccountType.CLIENT,
                Account.archived_at.is_(None),
            )
        ).first()
    model = _MODELS[trackable_type]
    found = session.scalars(
        select(model).where(
            model.uuid == trackable_uuid, model.firm_id == firm.id, model.archived_at.is_(None)
        )
    ).first()
    return cast(Trackable | None, found)


M = TypeVar("M", BoardTask, Case, Circle, Task)


def first_by_name(session: Session, model: type[M], *, firm_id: int, name: str) -> M | None:
    return session.scalars(
        select(model)
        .where(model.firm_id == firm_id, model.name == name)
        .order_by(model.id)
        .limit(1)
    ).first()

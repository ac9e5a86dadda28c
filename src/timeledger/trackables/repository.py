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

# The table behind each trackable type that has one of its own (firm and client do not).
MODELS: dict[TrackableType, type[BoardTask | Case | Circle | Task]] = {
    TrackableType.BOARD_TASK: BoardTask,
    TrackableType.CASE: Case,
    TrackableType.CIRCLE: Circle,
    TrackableType.TASK: Task,
}


def find_trackable(
    session: Session,
    *,
    firm: Firm,
    trackable_type: TrackableType,
    trackable_uuid: uuid.UUID,
    include_archived: bool = False,
) -> Trackable | None:
    """The trackable with this UUID in this firm; archived ones only when asked for (their
    time stays readable, but they take no new time)."""
    if trackable_type is TrackableType.FIRM:
        return firm if firm.uuid == trackable_uuid else None
    if trackable_type is TrackableType.CLIENT:
        statement = select(Account).where(
            Account.uuid == trackable_uuid,
            Account.firm_id == firm.id,
            Account.type == AccountType.CLIENT,
        )
        if not include_archived:
            statement = statement.where(Account.archived_at.is_(None))
        return session.scalars(statement).first()
    model = MODELS[trackable_type]
    query = select(model).where(model.uuid == trackable_uuid, model.firm_id == firm.id)
    if not include_archived:
        query = query.where(model.archived_at.is_(None))
    return cast(Trackable | None, session.scalars(query).first())


M = TypeVar("M", BoardTask, Case, Circle, Task)


def first_by_name(session: Session, model: type[M], *, firm_id: int, name: str) -> M | None:
    return session.scalars(
        select(model)
        .where(model.firm_id == firm_id, model.name == name)
        .order_by(model.id)
        .limit(1)
    ).first()

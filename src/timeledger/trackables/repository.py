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


def search_by_name(
    session: Session, *, firm: Firm, text: str, limit: int
) -> list[tuple[TrackableType, Trackable]]:
    """Live trackables of the firm whose name contains ``text`` (any case), at most
    ``limit`` of each type, clients first, then by name. The firm itself matches too."""
    pattern = f"%{text.strip()}%"
    found: list[tuple[TrackableType, Trackable]] = []
    if text.strip().lower() in firm.name.lower():
        found.append((TrackableType.FIRM, firm))
    clients = session.scalars(
        select(Account)
        .where(
            Account.firm_id == firm.id,
            Account.type == AccountType.CLIENT,
            Account.archived_at.is_(None),
            (Account.first_name + " " + Account.last_name).ilike(pattern),
        )
        .order_by(Account.first_name, Account.last_name, Account.id)
        .limit(limit)
    )
    found += [(TrackableType.CLIENT, client) for client in clients]
    for kind, model in MODELS.items():
        rows: list[Trackable] = list(
            session.scalars(
                select(model)
                .where(
                    model.firm_id == firm.id,
                    model.archived_at.is_(None),
                    model.name.ilike(pattern),
                )
                .order_by(model.name, model.id)
                .limit(limit)
            )
        )
        found += [(kind, row) for row in rows]
    return found

"""The resources a time entry's ``trackable`` can be, besides a client account."""

from __future__ import annotations

import uuid

from pydantic import BaseModel

from timeledger.dates import ApiDateTime, format_api_datetime, format_optional
from timeledger.models import BoardTask, Case, Circle, Task


class CaseRead(BaseModel):
    uuid: uuid.UUID
    name: str
    slug: str
    created_at: ApiDateTime
    updated_at: ApiDateTime

    @classmethod
    def build(cls, case: Case, *, time_zone: str) -> CaseRead:
        return cls(
            uuid=case.uuid,
            name=case.name,
            slug=case.slug,
            created_at=format_api_datetime(case.created_at, time_zone),
            updated_at=format_api_datetime(case.updated_at, time_zone),
        )


class CircleRead(BaseModel):
    uuid: uuid.UUID
    name: str
    created_at: ApiDateTime
    updated_at: ApiDateTime

    @classmethod
    def build(cls, circle: Circle, *, time_zone: str) -> CircleRead:
        return cls(
            uuid=circle.uuid,
            name=circle.name,
            created_at=format_api_datetime(circle.created_at, time_zone),
            updated_at=format_api_datetime(circle.updated_at, time_zone),
        )


class TaskRead(BaseModel):
    uuid: uuid.UUID
    name: str
    description: str | None
    priority: str
    due_at: ApiDateTime | None
    taskable_type: str
    created_at: ApiDateTime
    updated_at: ApiDateTime

    @classmethod
    def build(cls, task: Task, *, time_zone: str) -> TaskRead:
        return cls(
            uuid=task.uuid,
            name=task.name,
            description=task.description,
            priority=task.priority.value,
            due_at=format_optional(task.due_at, time_zone),
            taskable_type=task.taskable_type,
            created_at=format_api_datetime(task.created_at, time_zone),
            updated_at=format_api_datetime(task.updated_at, time_zone),
        )


class BoardTaskRead(BaseModel):
    uuid: uuid.UUID
    name: str
    description: str | None
    created_at: ApiDateTime
    updated_at: ApiDateTime

    @classmethod
    def build(cls, board_task: BoardTask, *, time_zone: str) -> BoardTaskRead:
        return cls(
            uuid=board_task.uuid,
            name=board_task.name,
            description=board_task.description,
            created_at=format_api_datetime(board_task.created_at, time_zone),
            updated_at=format_api_datetime(board_task.updated_at, time_zone),
        )

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from timeledger.accounts.schemas import AccountRead
from timeledger.dates import SCHEMA_DATE, ApiDateTime, format_optional, parse_api_datetime
from timeledger.kit.nonnull import NOT_NULL
from timeledger.kit.text import Name
from timeledger.models import Account, Case, Task, TaskPriority
from timeledger.trackables.schemas import CaseRead, TaskRead

Description = Annotated[str | None, Field(max_length=10_000)]


class TaskableType(StrEnum):
    CLIENT = "client"
    CASE = "case"


class TaskResource(TaskRead):
    """A task as ``/api/v1/task`` shows it: the trackable shape plus what it is on."""

    taskable: AccountRead | CaseRead
    archived_at: ApiDateTime | None = None

    @classmethod
    def build_with(cls, task: Task, *, taskable: Account | Case, time_zone: str) -> TaskResource:
        short = TaskRead.build(task, time_zone=time_zone)
        shown: AccountRead | CaseRead = (
            AccountRead.build(taskable, time_zone=time_zone)
            if isinstance(taskable, Account)
            else CaseRead.build(taskable, time_zone=time_zone)
        )
        return cls(
            **short.model_dump(),
            taskable=shown,
            archived_at=format_optional(task.archived_at, time_zone),
        )


def _due_at(value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("The due at field must be a date string.")
    try:
        return parse_api_datetime(value)
    except ValueError:
        raise ValueError("The due at field must be a valid date.") from None


class TaskCreate(BaseModel):
    """The body of ``POST /api/v1/task``. Upstream's status, assignees, groups and custom
    fields are accepted and ignored."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Annual review",
                    "description": "Book the meeting and send the pack.",
                    "priority": "high",
                    "due_at": "2025-09-01 09:00:00",
                    "taskable_type": "client",
                    "taskable_uuid": "f5bf01bf-5096-4575-9618-2d8176af136c",
                }
            ]
        }
    )

    name: Name
    description: Description = None
    priority: TaskPriority = TaskPriority.MEDIUM
    due_at: datetime | None = Field(
        default=None,
        description="ISO 8601, Y-m-d H:i:s or Y-m-d; without an offset it is read in the "
        "firm's time zone.",
        json_schema_extra=SCHEMA_DATE,
    )
    taskable_type: TaskableType = Field(description="client or case.")
    taskable_uuid: uuid.UUID

    _check_due_at = field_validator("due_at", mode="before")(_due_at)


_MOVE_WITH_BOTH: dict[str, Any] = {
    "anyOf": [
        {"required": ["taskable_type", "taskable_uuid"]},
        {"properties": {"taskable_type": False, "taskable_uuid": False}},
    ]
}


class TaskUpdate(BaseModel):
    """The body of ``PUT /api/v1/task/{uuid}``: only the fields sent change. To move a task,
    send ``taskable_type`` and ``taskable_uuid`` together."""

    # Optional, never null (the service answers "required"): null stays out of the schema;
    # a move sends both taskable fields or neither.
    model_config = ConfigDict(json_schema_extra=_MOVE_WITH_BOTH)

    name: Annotated[Name | None, NOT_NULL] = None
    description: Description = None
    priority: Annotated[TaskPriority | None, NOT_NULL] = None
    due_at: datetime | None = Field(default=None, json_schema_extra=SCHEMA_DATE)
    taskable_type: Annotated[TaskableType | None, NOT_NULL] = None
    taskable_uuid: Annotated[uuid.UUID | None, NOT_NULL] = None

    _check_due_at = field_validator("due_at", mode="before")(_due_at)

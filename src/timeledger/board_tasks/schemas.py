from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from timeledger.dates import ApiDateTime, format_optional
from timeledger.kit.nonnull import NOT_NULL
from timeledger.kit.text import Name
from timeledger.models import BoardTask, Case
from timeledger.trackables.schemas import BoardTaskRead, CaseRead

Description = Annotated[str | None, Field(max_length=10_000)]


class BoardTaskResource(BoardTaskRead):
    """A board task as ``/api/v1/board-task`` shows it: the trackable shape plus its case."""

    case: CaseRead
    archived_at: ApiDateTime | None = None

    @classmethod
    def build_with(cls, board_task: BoardTask, *, case: Case, time_zone: str) -> BoardTaskResource:
        short = BoardTaskRead.build(board_task, time_zone=time_zone)
        return cls(
            **short.model_dump(),
            case=CaseRead.build(case, time_zone=time_zone),
            archived_at=format_optional(board_task.archived_at, time_zone),
        )


class BoardTaskCreate(BaseModel):
    """The body of ``POST /api/v1/board-task``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Request pension statements",
                    "description": "From both providers.",
                    "case_uuid": "0b7e3b4e-5a38-4d4f-a3a4-8d0c1f3b2a11",
                }
            ]
        }
    )

    name: Name
    description: Description = None
    case_uuid: uuid.UUID = Field(description="A live case of the caller's firm.")


class BoardTaskUpdate(BaseModel):
    """The body of ``PUT /api/v1/board-task/{uuid}``: only the fields sent change; a
    ``case_uuid`` moves the card to another case's board."""

    # Optional, never null (the service answers "required"): null stays out of the schema.
    name: Annotated[Name | None, NOT_NULL] = None
    description: Description = None
    case_uuid: Annotated[uuid.UUID | None, NOT_NULL] = None

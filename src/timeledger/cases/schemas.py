from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from timeledger.accounts.schemas import AccountRead
from timeledger.dates import ApiDateTime, format_optional
from timeledger.kit.text import Name
from timeledger.models import Account, Case
from timeledger.trackables.schemas import CaseRead

Participants = Annotated[
    list[uuid.UUID],
    Field(
        description="Account UUIDs of the caller's firm; at least one must be a client.",
    ),
]


class CaseResource(CaseRead):
    """A case as ``/api/v1/cases`` shows it: the trackable shape plus its participants."""

    participants_count: int
    participants: list[AccountRead]
    archived_at: ApiDateTime | None = None

    @classmethod
    def build_with(cls, case: Case, *, participants: list[Account], time_zone: str) -> CaseResource:
        short = CaseRead.build(case, time_zone=time_zone)
        return cls(
            **short.model_dump(),
            participants_count=len(participants),
            participants=[AccountRead.build(a, time_zone=time_zone) for a in participants],
            archived_at=format_optional(case.archived_at, time_zone),
        )


class CaseCreate(BaseModel):
    """The body of ``POST /api/v1/cases``. Unknown keys are ignored, as upstream does."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Pension transfer",
                    "participants": ["f5bf01bf-5096-4575-9618-2d8176af136c"],
                }
            ]
        }
    )

    name: Name
    participants: Participants


class CaseUpdate(BaseModel):
    """The body of ``PUT /api/v1/cases/{uuid}``: only the fields sent change; a
    ``participants`` list replaces the case's participants."""

    name: Name | None = None
    participants: Participants | None = None

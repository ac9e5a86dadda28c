from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from timeledger.accounts.schemas import AccountRead
from timeledger.dates import ApiDateTime, format_optional
from timeledger.kit.nonnull import NOT_NULL
from timeledger.kit.text import Name
from timeledger.models import Account, Case
from timeledger.trackables.schemas import CaseRead

MAX_PARTICIPANTS = 500
# Counted by the service (its own messages); published so that a client can see them.
Participants = Annotated[
    list[uuid.UUID],
    Field(
        description="Account UUIDs of the caller's firm; at least one must be a client.",
        json_schema_extra={"minItems": 1, "maxItems": MAX_PARTICIPANTS},
    ),
]

BillingClient = Annotated[
    uuid.UUID | None,
    Field(
        description="Extension: one of the case's client participants, whose bill its time "
        "goes to; null clears it."
    ),
]


class CaseResource(CaseRead):
    """A case as ``/api/v1/cases`` shows it: the trackable shape plus its participants."""

    participants_count: int
    participants: list[AccountRead]
    archived_at: ApiDateTime | None = None
    billing_client_uuid: uuid.UUID | None = Field(
        default=None,
        description="Extension: the client participant time on the case bills to; null: its "
        "only client participant, or none when it has several (docs/billing.md).",
    )

    @classmethod
    def build_with(cls, case: Case, *, participants: list[Account], time_zone: str) -> CaseResource:
        short = CaseRead.build(case, time_zone=time_zone)
        billing = next((a for a in participants if a.id == case.billing_client_id), None)
        return cls(
            **short.model_dump(),
            participants_count=len(participants),
            participants=[AccountRead.build(a, time_zone=time_zone) for a in participants],
            archived_at=format_optional(case.archived_at, time_zone),
            billing_client_uuid=billing.uuid if billing else None,
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
    billing_client_uuid: BillingClient = None


class CaseUpdate(BaseModel):
    """The body of ``PUT /api/v1/cases/{uuid}``: only the fields sent change; a
    ``participants`` list replaces the case's participants."""

    # Optional, never null (the service answers "required"): null stays out of the schema.
    name: Annotated[Name | None, NOT_NULL] = None
    participants: Annotated[Participants | None, NOT_NULL] = None
    billing_client_uuid: BillingClient = None

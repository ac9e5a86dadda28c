from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from timeledger.accounts.schemas import AccountRead
from timeledger.dates import ApiDateTime, format_optional
from timeledger.kit.nonnull import NOT_NULL
from timeledger.kit.text import Name
from timeledger.models import Account, Circle
from timeledger.trackables.schemas import CircleRead

MIN_MEMBERS = 2
MAX_MEMBERS = 50
# Counted by the service (its own messages); published so that a client can see them.
Members = Annotated[
    list[uuid.UUID],
    Field(
        description="2 to 50 distinct account UUIDs of the caller's firm.",
        json_schema_extra={"minItems": MIN_MEMBERS, "maxItems": MAX_MEMBERS, "uniqueItems": True},
    ),
]


class CircleResource(CircleRead):
    """A circle as ``/api/v1/circles`` shows it: the trackable shape plus its accounts."""

    accounts: list[AccountRead]
    archived_at: ApiDateTime | None = None

    @classmethod
    def build_with(
        cls, circle: Circle, *, accounts: list[Account], time_zone: str
    ) -> CircleResource:
        short = CircleRead.build(circle, time_zone=time_zone)
        return cls(
            **short.model_dump(),
            accounts=[AccountRead.build(account, time_zone=time_zone) for account in accounts],
            archived_at=format_optional(circle.archived_at, time_zone),
        )


class CircleCreate(BaseModel):
    """The body of ``POST /api/v1/circles``. Upstream's ``group_uuids`` and ``bg_colour``
    are accepted and ignored (timeledger has no groups)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Thompson household",
                    "account_uuids": [
                        "f5bf01bf-5096-4575-9618-2d8176af136c",
                        "7db3f856-46bc-4255-8bbb-dee85d89ed7e",
                    ],
                }
            ]
        }
    )

    name: Name
    account_uuids: Members


class CircleUpdate(BaseModel):
    """The body of ``PUT /api/v1/circles/{uuid}``: only the fields sent change; an
    ``account_uuids`` list replaces the circle's accounts."""

    # Optional, never null (the service answers "required"): null stays out of the schema.
    name: Annotated[Name | None, NOT_NULL] = None
    account_uuids: Annotated[Members | None, NOT_NULL] = None

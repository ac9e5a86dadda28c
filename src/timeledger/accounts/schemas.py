from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field

from timeledger.dates import ApiDateTime, format_api_datetime
from timeledger.models import Account


class AccountRead(BaseModel):
    """The short account shape upstream embeds in a time entry (as ``account`` and as a
    client ``trackable``)."""

    uuid: uuid.UUID
    name: str
    role: str
    type: str
    email: str | None
    first_name: str
    last_name: str
    photo_url: str | None = Field(
        default=None,
        description="Always null: timeledger stores no photos and, unlike upstream, does not "
        "send client names to a third-party avatar service.",
    )
    created_at: ApiDateTime
    updated_at: ApiDateTime
    external_references: list[Any] = Field(default_factory=list)

    @classmethod
    def build(cls, account: Account, *, time_zone: str) -> AccountRead:
        return cls(
            uuid=account.uuid,
            name=account.name,
            role=account.role.value,
            type=account.type.value,
            email=account.email,
            first_name=account.first_name,
            last_name=account.last_name,
            created_at=format_api_datetime(account.created_at, time_zone),
            updated_at=format_api_datetime(account.updated_at, time_zone),
        )

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field

from timeledger.accounts.schemas import AccountRead
from timeledger.dates import ApiDateTime, format_api_datetime
from timeledger.models import Account, PersonalAccessToken, TimeEntryEvent


class TokenRef(BaseModel):
    uuid: uuid.UUID
    name: str


class TimeEntryEventRead(BaseModel):
    uuid: uuid.UUID
    action: str = Field(examples=["updated"], description="created, updated, stopped or deleted.")
    account: AccountRead | None = Field(description="Who made the change; null outside the API.")
    token: TokenRef | None = Field(description="The personal access token used, if any.")
    before: dict[str, Any] | None = Field(
        description="The entry's fields before (records named by `account_uuid` and "
        "`trackable_uuid`, never internal ids); null on create."
    )
    after: dict[str, Any] | None = Field(description="The entry's fields after, as `before`.")
    created_at: ApiDateTime

    @classmethod
    def build(
        cls,
        event: TimeEntryEvent,
        *,
        account: Account | None,
        token: PersonalAccessToken | None,
        time_zone: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> TimeEntryEventRead:
        return cls(
            uuid=event.uuid,
            action=event.action.value,
            account=AccountRead.build(account, time_zone=time_zone) if account else None,
            token=TokenRef(uuid=token.uuid, name=token.name) if token else None,
            before=before,
            after=after,
            created_at=format_api_datetime(event.created_at, time_zone),
        )


class TimeEntryHistory(BaseModel):
    data: list[TimeEntryEventRead]

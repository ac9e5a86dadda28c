from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from timeledger.accounts.schemas import AccountRead
from timeledger.dates import ApiDateTime, format_api_datetime
from timeledger.models import Account, AuditEvent, PersonalAccessToken, TimeEntryEvent


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
        """``before``/``after``: the snapshots as the caller may see them (see audit.service)."""
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


class AuditEventRead(BaseModel):
    """One change to the firm's billing data (extension, issue 11)."""

    uuid: uuid.UUID
    subject_type: str = Field(
        examples=["billing_rate"],
        description="billing_rate, tag, lock, invoice or time_entry (a lock override).",
    )
    subject_uuid: UUID | None = Field(description="The rate, tag, firm or entry.")
    action: str = Field(
        examples=["updated"],
        description="created, updated, archived, repriced, locked, invoiced, lock_overridden.",
    )
    account: AccountRead | None = Field(description="Who made the change; null outside the API.")
    token: TokenRef | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    created_at: ApiDateTime

    @classmethod
    def build(
        cls,
        event: AuditEvent,
        *,
        account: Account | None,
        token: PersonalAccessToken | None,
        time_zone: str,
    ) -> AuditEventRead:
        return cls(
            uuid=event.uuid,
            subject_type=event.subject_type,
            subject_uuid=event.subject_uuid,
            action=event.action,
            account=AccountRead.build(account, time_zone=time_zone) if account else None,
            token=TokenRef(uuid=token.uuid, name=token.name) if token else None,
            before=event.before,
            after=event.after,
            created_at=format_api_datetime(event.created_at, time_zone),
        )

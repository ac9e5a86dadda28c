from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from timeledger.dates import ApiDateTime, format_api_datetime, format_optional
from timeledger.kit.text import NOT_BLANK
from timeledger.models import Account, PersonalAccessToken


class TokenCreate(BaseModel):
    """The body of ``POST /api/v1/personal-access-tokens``, as upstream documents it."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name": "Zapier", "password": "your password"}]}
    )

    name: str = Field(min_length=1, max_length=255, pattern=NOT_BLANK, examples=["Zapier"])
    password: str = Field(min_length=1, max_length=1024, description="The user's password.")
    account_uuid: UUID | None = Field(
        default=None,
        description="Bind the token to this account (one the user has a login for); "
        "without it the token acts as any of the user's accounts.",
    )


class TokenRead(BaseModel):
    """A token as listed: never the token itself, which only its creator saw once."""

    uuid: UUID
    name: str
    account_uuid: UUID | None
    created_at: ApiDateTime
    expires_at: ApiDateTime
    last_used_at: ApiDateTime | None
    revoked_at: ApiDateTime | None

    @classmethod
    def build(
        cls, token: PersonalAccessToken, *, account: Account | None, time_zone: str
    ) -> TokenRead:
        return cls(
            uuid=token.uuid,
            name=token.name,
            account_uuid=account.uuid if account is not None else None,
            created_at=format_api_datetime(token.created_at, time_zone),
            expires_at=format_api_datetime(token.expires_at, time_zone),
            last_used_at=format_optional(token.last_used_at, time_zone),
            revoked_at=format_optional(token.revoked_at, time_zone),
        )


class TokenCreated(TokenRead):
    """The answer to creating a token: the only time ``token`` is ever shown."""

    # Never stored with an Idempotency-Key: a replayed answer has ``token: null``.
    SECRET_FIELDS: ClassVar[frozenset[str]] = frozenset({"token"})

    token: str | None = Field(
        description="Send as `Authorization: Bearer <token>`. Shown only once: null when "
        "this answer is the replay of an `Idempotency-Key` retry (the token was made by "
        "the first request; revoke it and create another if it was lost)."
    )

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from timeledger.dates import ApiDateTime, format_api_datetime, format_optional
from timeledger.kit.nonnull import NOT_NULL
from timeledger.kit.text import Name
from timeledger.models import ROLES_BY_TYPE, Account, AccountRole, AccountType, PermissionChange

# Deliberately loose: one @, something on each side, a dot in the domain.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not _EMAIL.match(value):
        raise ValueError("The email field must be a valid email address.")
    return value


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


class AccountResource(AccountRead):
    """An account as ``/api/v1/account`` shows it: the short shape, plus when it was
    archived (archived accounts keep their time entries but cannot log in)."""

    archived_at: ApiDateTime | None = None

    @classmethod
    def build(cls, account: Account, *, time_zone: str) -> AccountResource:
        short = AccountRead.build(account, time_zone=time_zone)
        return cls(
            **short.model_dump(),
            archived_at=format_optional(account.archived_at, time_zone),
        )


LastName = Annotated[str, Field(max_length=255)]
# The published form of _EMAIL, a little stricter: no spaces around it, no control
# characters, and no character that is a space to either Python's or ECMAScript's ``\s``.
_EMAIL_CHAR = r"[^@\s\u0000-\u001f\u007f-\u009f\ufeff]"
_EMAIL_SCHEMA = {"pattern": rf"^{_EMAIL_CHAR}+@{_EMAIL_CHAR}+\.{_EMAIL_CHAR}+$"}
Email = Annotated[
    Annotated[str, Field(max_length=320, json_schema_extra=_EMAIL_SCHEMA)] | None,
    AfterValidator(_email),
]
# Which roles go with which account type, as the schema states it (service._check_role).
_ROLE_PER_TYPE: dict[str, Any] = {
    "anyOf": [
        {
            "properties": {
                "type": {"const": kind.value},
                "role": {"enum": sorted(role.value for role in roles)},
            }
        }
        for kind, roles in ROLES_BY_TYPE.items()
    ]
}


class AccountCreate(BaseModel):
    """The body of ``POST /api/v1/account``. Unknown keys are ignored, as upstream does."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "client",
                    "role": "individual",
                    "first_name": "Gareth",
                    "last_name": "Thompson",
                    "email": "gareth@example.com",
                }
            ],
            **_ROLE_PER_TYPE,
        }
    )

    type: AccountType = Field(description="client, employee or external.")
    role: AccountRole = Field(
        description="client: individual, joint, trust or business; employee: owner, admin or "
        "member; external: introducer."
    )
    first_name: Name
    last_name: LastName = ""
    email: Email = None


class AccountUpdate(BaseModel):
    """The body of ``PUT /api/v1/account/{uuid}``: only the fields sent change. An
    account's type cannot change; its role can, within the type."""

    # Optional, never null (the service answers "required"): null stays out of the schema.
    role: Annotated[AccountRole | None, NOT_NULL] = None
    first_name: Annotated[Name | None, NOT_NULL] = None
    last_name: LastName | None = None
    email: Email = None


class PermissionsUpdate(BaseModel):
    """The body of ``PUT /api/v1/account/{uuid}/permissions``: each override sent is set
    (true or false), or cleared with null so the login follows its role again."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"delete_override": False}, {"write_override": None}]},
    )

    write_override: bool | None = None
    delete_override: bool | None = None


class PermissionChangeRead(BaseModel):
    uuid: UUID
    changed_by_account_uuid: UUID | None = Field(
        description="Who changed it; null when changed on the server with the CLI."
    )
    before: dict[str, bool | None]
    after: dict[str, bool | None]
    created_at: ApiDateTime

    @classmethod
    def build(
        cls, change: PermissionChange, *, changed_by: UUID | None, time_zone: str
    ) -> PermissionChangeRead:
        return cls(
            uuid=change.uuid,
            changed_by_account_uuid=changed_by,
            before=change.before,
            after=change.after,
            created_at=format_api_datetime(change.created_at, time_zone),
        )


class PermissionsRead(BaseModel):
    """A login's permissions: the effective ones, the overrides behind them (null: the
    role decides), and every change to the overrides."""

    account_uuid: UUID
    role: str
    has_write_permission: bool
    has_delete_permission: bool
    write_override: bool | None
    delete_override: bool | None
    changes: list[PermissionChangeRead]

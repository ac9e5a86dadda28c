"""API shapes of the auth domain: ``GET /api/v1/me`` and ``GET /api/v1/logins``."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field

from timeledger.accounts.schemas import AccountRead
from timeledger.dates import ApiDateTime, format_api_datetime
from timeledger.firms.schemas import FirmRead
from timeledger.models import Account, Firm, Login, User
from timeledger.permissions import login_permissions
from timeledger.time_entries.schemas import TimeEntryRead


class LoginRead(BaseModel):
    """A login: what one user may do as one account."""

    uuid: uuid.UUID
    has_write_permission: bool
    has_delete_permission: bool
    is_impersonated: bool = Field(
        default=False, description="Always false: timeledger has no impersonation."
    )
    created_at: ApiDateTime
    updated_at: ApiDateTime

    @classmethod
    def fields_of(cls, login: Login, *, account: Account, time_zone: str) -> dict[str, object]:
        permissions = login_permissions(login, account)
        return {
            "uuid": login.uuid,
            "has_write_permission": permissions.write,
            "has_delete_permission": permissions.delete,
            "created_at": format_api_datetime(login.created_at, time_zone),
            "updated_at": format_api_datetime(login.updated_at, time_zone),
        }

    @classmethod
    def build(cls, login: Login, *, account: Account, time_zone: str) -> LoginRead:
        return cls.model_validate(cls.fields_of(login, account=account, time_zone=time_zone))


class LoginAccountRead(AccountRead):
    """The fuller account shape upstream shows on logins and ``/me``."""

    firm: FirmRead
    primary_email: str | None
    current_time_entry: TimeEntryRead | None = Field(
        description="The account's running time entry, or null."
    )

    @classmethod
    def build_full(
        cls, account: Account, *, firm: Firm, current_time_entry: TimeEntryRead | None
    ) -> LoginAccountRead:
        short = AccountRead.build(account, time_zone=firm.time_zone)
        return cls(
            **short.model_dump(),
            firm=FirmRead.build(firm, time_zone=firm.time_zone),
            primary_email=account.email,
            current_time_entry=current_time_entry,
        )


class LoginWithAccountRead(LoginRead):
    account: LoginAccountRead


class LoginList(BaseModel):
    data: list[LoginWithAccountRead]
    preferred_account_uuid: uuid.UUID | None = Field(
        description="The account to send as X-PLANNR-ACCOUNT-UUID: the one the token is "
        "bound to, or the only one; null when the choice is yours."
    )


class MeRead(BaseModel):
    """The calling user, the login and account the request acts as."""

    uuid: uuid.UUID
    email: str
    type: Literal["standard"] = "standard"
    two_factor_type: Literal["disabled"] = "disabled"
    otp_pending: bool = False
    created_at: ApiDateTime
    updated_at: ApiDateTime
    current_login: LoginRead
    current_account: LoginAccountRead

    @classmethod
    def build(
        cls, user: User, *, login: LoginRead, account: LoginAccountRead, time_zone: str
    ) -> MeRead:
        return cls(
            uuid=user.uuid,
            email=user.email,
            created_at=format_api_datetime(user.created_at, time_zone),
            updated_at=format_api_datetime(user.updated_at, time_zone),
            current_login=login,
            current_account=account,
        )

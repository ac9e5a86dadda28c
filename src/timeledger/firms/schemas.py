from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool, WithJsonSchema, field_validator

from timeledger.dates import ApiDateTime, format_api_datetime, format_optional, iana_zone_names
from timeledger.kit.money import CurrencyCode, is_currency
from timeledger.kit.text import NOT_NULL, Name
from timeledger.models import Firm, TrackableType
from timeledger.models.firm import DEFAULT_BILLABLE

WeekDay = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class FirmRead(BaseModel):
    uuid: uuid.UUID
    name: str
    slug: str
    time_zone: str
    created_at: ApiDateTime
    updated_at: ApiDateTime
    # Billing settings (issue 11, extensions).
    currency: str = Field(description="ISO 4217 code of the firm's amounts.", examples=["GBP"])
    week_start: str = Field(examples=["monday"])
    billable_default: dict[str, bool] = Field(
        description="Per trackable type: whether new time on it is billable by default."
    )
    members_see_amounts: bool = Field(
        description="Whether members see rates and amounts (owners and admins always do)."
    )
    locked_before: ApiDateTime | None = Field(
        description="Time starting before this instant is locked; set through "
        "PUT /api/v1/firm/{uuid}/lock."
    )

    @classmethod
    def build(cls, firm: Firm, *, time_zone: str) -> FirmRead:
        return cls(
            uuid=firm.uuid,
            name=firm.name,
            slug=firm.slug,
            time_zone=firm.time_zone,
            created_at=format_api_datetime(firm.created_at, time_zone),
            updated_at=format_api_datetime(firm.updated_at, time_zone),
            currency=firm.currency,
            week_start=firm.week_start,
            billable_default=billable_defaults(firm),
            members_see_amounts=firm.members_see_amounts,
            locked_before=format_optional(firm.locked_before, time_zone),
        )


def billable_defaults(firm: Firm) -> dict[str, bool]:
    """Every trackable type's billable default (the built-in one where the firm has none)."""
    return {
        kind: bool(firm.billable_default.get(kind, default))
        for kind, default in DEFAULT_BILLABLE.items()
    }


# The zone names the server accepts, as the published schema lists them.
TimeZoneName = Annotated[
    str,
    Field(max_length=64),
    WithJsonSchema({"type": "string", "enum": list(iana_zone_names()), "maxLength": 64}),
]


class FirmUpdate(BaseModel):
    """The body of ``PUT /api/v1/firm/{uuid}``: only the fields sent change. A field may
    be left out but not sent as null (422 "The ... field is required."), so the published
    schema has no null (NOT_NULL)."""

    name: Annotated[Name | None, NOT_NULL] = None
    time_zone: Annotated[TimeZoneName | None, NOT_NULL] = Field(
        default=None,
        description="An IANA zone name, e.g. Europe/London. Dates are shown in it.",
    )
    # Billing settings (issue 11): owners and admins.
    currency: Annotated[CurrencyCode | None, NOT_NULL] = Field(
        default=None, description="ISO 4217, e.g. GBP."
    )
    week_start: Annotated[WeekDay | None, NOT_NULL] = None
    billable_default: Annotated[dict[TrackableType, StrictBool] | None, NOT_NULL] = Field(
        default=None,
        description="Some or all trackable types (client, case, task, board_task, circle, "
        "firm) with true or false; types left out keep their setting.",
    )
    members_see_amounts: Annotated[StrictBool | None, NOT_NULL] = None

    @field_validator("currency", mode="before")
    @classmethod
    def _currency(cls, value: object) -> object:
        if value is not None and (not isinstance(value, str) or not is_currency(value)):
            raise ValueError("The currency must be an ISO 4217 code, such as GBP.")
        return value

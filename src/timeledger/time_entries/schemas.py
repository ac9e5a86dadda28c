from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationInfo,
    field_validator,
    model_validator,
)

from timeledger.accounts.schemas import AccountRead
from timeledger.billing.schemas import HourlyRateRead, MoneyRead, TagRef
from timeledger.dates import (
    SCHEMA_DATE,
    ApiDateTime,
    format_api_datetime,
    format_optional,
    parse_api_datetime,
)
from timeledger.kit.money import amount_minor
from timeledger.kit.text import NOT_BLANK, never_null
from timeledger.models import Tag, TimeEntry, TrackableType
from timeledger.time_entries.intervals import MAX_MINUTES, elapsed_seconds, whole_minutes
from timeledger.time_entries.schema_rules import CHANGE_RULES, END_NEEDS_START_OR_LENGTH, ONE_WAY
from timeledger.trackables.service import TrackableRead, parse_trackable_type

SEED_REQUEST: dict[str, Any] = {
    "trackable_type": "Client",
    "trackable_uuid": "f5bf01bf-5096-4575-9618-2d8176af136c",
    "name": "Research",
    "description": "Research for the new project.",
    "start_date": "2025-08-07T12:56:42+01:00",
    "end_date": "2025-08-07T13:41:42+01:00",
    "total_time_in_minutes": 200,
}

_ACCOUNT_EXAMPLE: dict[str, Any] = {
    "name": "Gareth Thompson",
    "role": "owner",
    "type": "employee",
    "uuid": "7db3f856-46bc-4255-8bbb-dee85d89ed7e",
    "email": "gareth@example.com",
    "first_name": "Gareth",
    "last_name": "Thompson",
    "photo_url": None,
    "created_at": "2025-08-07T13:41:42+01:00",
    "updated_at": "2025-08-07T13:41:42+01:00",
    "external_references": [],
}

SEED_RESPONSE: dict[str, Any] = {
    "uuid": "3cf0da26-7828-4749-994f-dc0a10d8e7a3",
    "name": "Research",
    "description": "Research for the new project.",
    "trackable_type": "Client",
    "trackable": {
        **_ACCOUNT_EXAMPLE,
        "role": "individual",
        "type": "client",
        "uuid": "f5bf01bf-5096-4575-9618-2d8176af136c",
    },
    "account": _ACCOUNT_EXAMPLE,
    "start_date": "2025-08-07T12:56:42+01:00",
    "end_date": "2025-08-07T13:41:42+01:00",
    "is_active": False,
    "total_time_in_minutes": 45,
    "computed_time_elapsed_in_seconds": 2700,
    "created_at": "2025-08-07T13:41:42+01:00",
    "updated_at": "2025-08-07T13:41:42+01:00",
}

TagUuids = Annotated[
    list[uuid.UUID],
    Field(
        max_length=50,
        description="Extension: the UUIDs of the entry's tags; replaces them all ([] clears).",
    ),
]
Billable = Annotated[
    StrictBool,
    Field(
        description="Extension: whether the time is billable; default the firm's setting for "
        "the trackable type."
    ),
]

Minutes = Annotated[
    int,
    Field(ge=1, le=MAX_MINUTES, description="Length in minutes, instead of one of the dates."),
]


class _EntryFields(BaseModel):
    """How the fields a client sends are read, for create and for changes alike."""

    @field_validator("trackable_type", mode="before", check_fields=False)
    @classmethod
    def _trackable_type(cls, value: object) -> TrackableType:
        parsed = parse_trackable_type(value) if isinstance(value, str) else None
        if parsed is None:
            raise ValueError(
                "The selected trackable type is invalid: use client, board_task, case, "
                "circle, firm or task."
            )
        return parsed

    @field_validator("start_date", "end_date", mode="before", check_fields=False)
    @classmethod
    def _date(cls, value: object, info: ValidationInfo) -> datetime | None:
        if value is None:
            return None
        label = (info.field_name or "date").replace("_", " ")
        if not isinstance(value, str):
            raise ValueError(f"The {label} field must be a date string.")
        try:
            return parse_api_datetime(value)
        except ValueError:
            raise ValueError(f"The {label} field must be a valid date.") from None

    @field_validator("total_time_in_minutes", mode="before", check_fields=False)
    @classmethod
    def _minutes(cls, value: object) -> object:
        # JSON true would otherwise pass as 1 minute.
        if isinstance(value, bool):
            raise ValueError("The total time in minutes field must be an integer.")
        return value


class TimeEntryCreate(_EntryFields):
    """The body of ``POST /api/v1/time-entry``. Unknown keys are ignored, as upstream does."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [SEED_REQUEST], **END_NEEDS_START_OR_LENGTH}
    )

    trackable_type: TrackableType = Field(
        description="client, board_task, case, circle, firm or task, in any case "
        "(Client and BoardTask are accepted too)."
    )
    trackable_uuid: uuid.UUID
    name: str = Field(min_length=1, max_length=255, pattern=NOT_BLANK)
    description: str | None = Field(default=None, max_length=10_000)
    start_date: datetime | None = Field(
        default=None,
        description="ISO 8601; without an offset, or as Y-m-d H:i:s or Y-m-d, it is read "
        "in the firm's time zone.",
        json_schema_extra=SCHEMA_DATE,
    )
    end_date: datetime | None = Field(default=None, json_schema_extra=SCHEMA_DATE)
    total_time_in_minutes: Minutes | None = None
    billable: Billable | None = None
    tags: TagUuids | None = None


class TimeEntryPatch(_EntryFields):
    """The body of ``PATCH /api/v1/time-entry/{uuid}``: every field optional; an absent
    field keeps its value. ``end_date: null`` reopens a finished entry as running."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "Research", "total_time_in_minutes": 30}],
            **CHANGE_RULES,
        }
    )

    trackable_type: TrackableType | None = Field(
        default=None,
        description="Sent together with trackable_uuid, to move the entry.",
        json_schema_extra=never_null,
    )
    # Optional but never null (the validator below): null is kept out of the published
    # schema by a schema edit, not a union with None, so errors name the field alone.
    trackable_uuid: uuid.UUID | None = Field(default=None, json_schema_extra=never_null)
    name: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        pattern=NOT_BLANK,
        json_schema_extra=never_null,
    )
    description: str | None = Field(default=None, max_length=10_000)
    start_date: datetime | None = Field(
        default=None,
        description="The new start; null or absent keeps it.",
        json_schema_extra=SCHEMA_DATE,
    )
    end_date: datetime | None = Field(
        default=None,
        description="The new end; null makes the entry running again.",
        json_schema_extra=SCHEMA_DATE,
    )
    total_time_in_minutes: Minutes | None = Field(
        default=None, description="Alone, keeps the start and moves the end."
    )
    billable: Billable | None = Field(default=None, json_schema_extra=never_null)
    tags: TagUuids | None = Field(default=None, json_schema_extra=never_null)

    @field_validator("name", "trackable_uuid", "billable", "tags", mode="before")
    @classmethod
    def _not_null(cls, value: object, info: ValidationInfo) -> object:
        if value is None:
            label = (info.field_name or "field").replace("_", " ")
            raise ValueError(f"The {label} field may not be null.")
        return value


class TimeEntryUpdate(TimeEntryPatch):
    """The body of ``PUT /api/v1/time-entry/{uuid}``: as upstream, ``trackable_type`` and
    ``trackable_uuid`` are required (they may move the entry); every other field is
    optional and keeps its value when absent."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "trackable_type": "client",
                    "trackable_uuid": "6ff8f7f6-1eb3-3525-be4a-3932c805afed",
                    "description": "Research for the client",
                }
            ],
            **CHANGE_RULES,
        }
    )

    trackable_type: TrackableType = Field(
        description="client, board_task, case, circle, firm or task, in any case."
    )
    trackable_uuid: uuid.UUID


class TimeEntryStop(_EntryFields):
    """The optional body of ``POST /api/v1/time-entry/{uuid}/stop``."""

    end_date: datetime | None = Field(
        default=None,
        description="When the entry ended; absent or null means now.",
        json_schema_extra=SCHEMA_DATE,
    )


@dataclass(frozen=True)
class BillingView:
    """What the resource shows of an entry's billing, loaded per page by the presenter."""

    tags: list[Tag] = field(default_factory=list)
    locked_reason: str | None = None
    show_amounts: bool = False
    rate_uuid: uuid.UUID | None = None


class TimeEntryRead(BaseModel):
    """The time entry resource, as upstream shows it."""

    model_config = ConfigDict(json_schema_extra={"examples": [SEED_RESPONSE]})

    uuid: uuid.UUID
    name: str
    description: str | None
    trackable_type: str = Field(examples=["Client"])
    trackable: TrackableRead
    account: AccountRead = Field(description="Who started the timer.")
    start_date: ApiDateTime
    end_date: ApiDateTime | None = Field(description="null while the entry is running.")
    is_active: bool = Field(description="true exactly while the entry is running.")
    total_time_in_minutes: int = Field(
        description="Whole minutes of the interval, rounded half up; so far, while running."
    )
    computed_time_elapsed_in_seconds: int = Field(
        description="end_date - start_date, or now - start_date while running."
    )
    created_at: ApiDateTime
    updated_at: ApiDateTime
    # Extensions (issue 11); Plannr clients ignore unknown keys.
    billable: bool = Field(description="Extension: whether the time is billable.")
    hourly_rate: HourlyRateRead | None = Field(
        description="Extension: the rate snapshot taken when the entry was written; null "
        "without a rate, or when the caller may not see amounts."
    )
    amount: MoneyRead | None = Field(
        description="Extension: seconds x rate / 3600 rounded half up, in minor units (so "
        "far, while running); null as hourly_rate is."
    )
    tags: list[TagRef] = Field(description="Extension: the entry's tags.")
    invoiced_at: ApiDateTime | None = Field(description="Extension: when it was invoiced.")
    invoice_ref: str | None = Field(description="Extension: the invoice's reference.")
    is_locked: bool = Field(description="Extension: whether the entry is locked.")
    locked_reason: str | None = Field(
        description="Extension: period (starts before the firm's lock) or invoiced."
    )

    @classmethod
    def build(
        cls,
        entry: TimeEntry,
        *,
        trackable: TrackableRead,
        account: AccountRead,
        time_zone: str,
        now: datetime,
        billing: BillingView | None = None,
    ) -> TimeEntryRead:
        billing = billing or BillingView()
        seconds = elapsed_seconds(entry.started_at, entry.ended_at, now)
        rate = entry.hourly_rate_minor if billing.show_amounts else None
        return cls(
            uuid=entry.uuid,
            name=entry.name,
            description=entry.description,
            trackable_type=entry.trackable_type.label,
            trackable=trackable,
            account=account,
            start_date=format_api_datetime(entry.started_at, time_zone),
            end_date=format_optional(entry.ended_at, time_zone),
            is_active=entry.ended_at is None,
            total_time_in_minutes=whole_minutes(seconds),
            computed_time_elapsed_in_seconds=seconds,
            created_at=format_api_datetime(entry.created_at, time_zone),
            updated_at=format_api_datetime(entry.updated_at, time_zone),
            billable=entry.billable,
            hourly_rate=None
            if rate is None or entry.currency is None
            else HourlyRateRead(amount=rate, currency=entry.currency, rate_uuid=billing.rate_uuid),
            amount=None
            if rate is None or entry.currency is None
            else MoneyRead(amount=amount_minor(seconds, rate), currency=entry.currency),
            tags=[TagRef(uuid=tag.uuid, name=tag.name) for tag in billing.tags],
            invoiced_at=format_optional(entry.invoiced_at, time_zone),
            invoice_ref=entry.invoice_ref,
            is_locked=billing.locked_reason is not None,
            locked_reason=billing.locked_reason,
        )


class InvoiceRequest(BaseModel):
    """The body of ``POST /api/v1/time-entry/invoice`` (extension): ``uuids``, or ``filter``
    (the filter keys of ``GET /api/v1/time-entry``, e.g. ``{"accounts": "<uuid>,<uuid>",
    "between": "2025-07-01,2025-07-31"}``; http/openapi.py publishes them)."""

    model_config = ConfigDict(json_schema_extra=ONE_WAY)

    uuids: list[uuid.UUID] | None = Field(default=None, max_length=10_000)
    filter: dict[str, Annotated[str, Field(max_length=20_000)]] = Field(
        default_factory=dict, max_length=10
    )
    invoice_ref: str | None = Field(default=None, max_length=64)
    invoiced_at: datetime | None = Field(
        default=None,
        description="Default now; without an offset it is read in the firm's time zone.",
        json_schema_extra=SCHEMA_DATE,
    )

    @field_validator("invoiced_at", mode="before")
    @classmethod
    def _date(cls, value: object) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError("The invoiced at field must be a date string.")
        try:
            parsed = parse_api_datetime(value)
        except ValueError:
            raise ValueError("The invoiced at field must be a valid date.") from None
        return parsed

    @model_validator(mode="after")
    def _one_way(self) -> InvoiceRequest:
        if (self.uuids is None) == (not self.filter):
            raise ValueError("Send either uuids or filter.")
        return self


class InvoiceResult(BaseModel):
    invoiced: int
    uuids: list[uuid.UUID]

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    WithJsonSchema,
    field_validator,
)

from timeledger.dates import (
    MAX_YEAR,
    MIN_YEAR,
    SCHEMA_DAY,
    ApiDateTime,
    format_api_datetime,
    format_optional,
)
from timeledger.kit.money import CurrencyCode, is_currency
from timeledger.kit.text import NOT_BLANK, NOT_NULL
from timeledger.models import Account, BillingRate, Case, Tag


def _currency(value: object) -> object:
    if value is None:
        return None
    if not isinstance(value, str) or not is_currency(value):
        raise ValueError("The currency must be an ISO 4217 code, such as GBP.")
    return value


def _in_range(value: date) -> date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"The date must be between the years {MIN_YEAR} and {MAX_YEAR}.")
    return value


# A local date in the firm's zone (Y-m-d), in the years every instant can be written in;
# the published schema says so in a pattern (without 29 February, which is accepted too).
LocalDate = Annotated[
    date,
    AfterValidator(_in_range),
    WithJsonSchema({"type": "string", "format": "date", "pattern": f"^{SCHEMA_DAY}$"}),
]


# Shown on time entries --------------------------------------------------------------------


class MoneyRead(BaseModel):
    amount: int = Field(description="In minor units of the currency (pence for GBP).")
    currency: str = Field(examples=["GBP"])


class HourlyRateRead(MoneyRead):
    """The rate snapshot of a time entry (extension)."""

    rate_uuid: UUID | None = Field(description="The rule it came from.")


class TagRef(BaseModel):
    uuid: UUID
    name: str


# Rates ----------------------------------------------------------------------------------


def _whole_number(value: object) -> object:
    """JSON has one number type: ``15000.0`` is the integer 15000 (as JSON Schema reads
    it), while ``15000.5``, ``"15000"`` and ``true`` stay refused."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


HourlyRate = Annotated[StrictInt, Field(ge=0, le=100_000_000), BeforeValidator(_whole_number)]


class _RateFields(BaseModel):
    @field_validator("currency", mode="before", check_fields=False)
    @classmethod
    def _check_currency(cls, value: object) -> object:
        return _currency(value)


class BillingRateCreate(_RateFields):
    """The body of ``POST /api/v1/billing-rates``. No staff, client or case: the firm
    default. A client and a case together are refused (the schema's ``not``)."""

    model_config = ConfigDict(
        json_schema_extra={
            "not": {
                "required": ["client_uuid", "case_uuid"],
                "properties": {
                    "client_uuid": {"type": "string"},
                    "case_uuid": {"type": "string"},
                },
            }
        }
    )

    hourly_rate: HourlyRate = Field(description="Minor units per hour (pence), e.g. 15000.")
    currency: CurrencyCode | None = Field(default=None, description="ISO 4217; default the firm's.")
    effective_from: LocalDate = Field(description="Local date in the firm's zone, inclusive.")
    effective_to: LocalDate | None = Field(default=None, description="Inclusive; null: open.")
    staff_uuid: UUID | None = None
    client_uuid: UUID | None = None
    case_uuid: UUID | None = None


class BillingRateUpdate(_RateFields):
    """The body of ``PUT /api/v1/billing-rates/{uuid}``: only the fields sent change. The
    level (staff, client, case) of a rule is fixed: archive it and create another. Only
    ``effective_to`` may be null (open-ended); the others may be left out, never null."""

    hourly_rate: Annotated[HourlyRate | None, NOT_NULL] = None
    currency: Annotated[CurrencyCode | None, NOT_NULL] = None
    effective_from: Annotated[LocalDate | None, NOT_NULL] = None
    effective_to: LocalDate | None = None


class BillingRateRead(BaseModel):
    uuid: UUID
    level: str = Field(
        examples=["client_staff"],
        description="case_staff, case, client_staff, client, staff or firm.",
    )
    hourly_rate: int
    currency: str
    effective_from: date
    effective_to: date | None
    staff_uuid: UUID | None
    client_uuid: UUID | None
    case_uuid: UUID | None
    archived_at: ApiDateTime | None
    created_at: ApiDateTime
    updated_at: ApiDateTime

    @classmethod
    def build(
        cls,
        rule: BillingRate,
        *,
        staff: Account | None,
        client: Account | None,
        case: Case | None,
        time_zone: str,
    ) -> BillingRateRead:
        level = "case" if case else "client" if client else "staff" if staff else "firm"
        if staff and level != "staff" and level != "firm":
            level += "_staff"
        return cls(
            uuid=rule.uuid,
            level=level,
            hourly_rate=rule.hourly_rate_minor,
            currency=rule.currency,
            effective_from=rule.effective_from,
            effective_to=rule.effective_to,
            staff_uuid=staff.uuid if staff else None,
            client_uuid=client.uuid if client else None,
            case_uuid=case.uuid if case else None,
            archived_at=format_optional(rule.archived_at, time_zone),
            created_at=format_api_datetime(rule.created_at, time_zone),
            updated_at=format_api_datetime(rule.updated_at, time_zone),
        )


class RepriceRequest(BaseModel):
    """The body of ``POST /api/v1/billing-rates/{uuid}/reprice``."""

    from_date: LocalDate = Field(alias="from", description="Local date, inclusive.")
    to_date: LocalDate | None = Field(
        default=None, alias="to", description="Local date, inclusive; default the rule's end."
    )


class RepriceResult(BaseModel):
    checked: int = Field(description="Unlocked entries in the range that were re-resolved.")
    changed: int = Field(description="How many of them got a different rate.")
    skipped_locked: int = Field(description="Locked entries in the range, left as they were.")


# Tags -----------------------------------------------------------------------------------

TagName = Annotated[str, Field(min_length=1, max_length=64, pattern=NOT_BLANK)]


class TagCreate(BaseModel):
    name: TagName


class TagUpdate(BaseModel):
    name: TagName


class TagRead(BaseModel):
    uuid: UUID
    name: str
    archived_at: ApiDateTime | None
    created_at: ApiDateTime
    updated_at: ApiDateTime

    @classmethod
    def build(cls, tag: Tag, *, time_zone: str) -> TagRead:
        return cls(
            uuid=tag.uuid,
            name=tag.name,
            archived_at=format_optional(tag.archived_at, time_zone),
            created_at=format_api_datetime(tag.created_at, time_zone),
            updated_at=format_api_datetime(tag.updated_at, time_zone),
        )


# The lock -------------------------------------------------------------------------------


class LockUpdate(BaseModel):
    """The body of ``PUT /api/v1/firm/{uuid}/lock``."""

    locked_before: LocalDate | None = Field(
        description="Local date in the firm's zone: time starting before its midnight is "
        "locked. null removes the lock (owners only)."
    )
    stop_running: StrictBool = Field(
        default=False,
        description="Stop running timers that started before the boundary, now.",
    )


class LockRead(BaseModel):
    locked_before: ApiDateTime | None
    stopped: list[UUID] = Field(description="The running entries this request stopped.")

"""The webhook subscription and delivery resources, and the bodies clients send."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, WithJsonSchema, field_validator

from timeledger.dates import ApiDateTime, format_api_datetime, format_optional
from timeledger.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from timeledger.webhooks.events import EVENT_TYPES, PATTERNS, is_known_pattern

EXCERPT_CHARS = 1024
MAX_EVENTS = 64


# An event name as the schema publishes it: the server's own list (checked again below,
# with a message naming the unknown ones).
EventName = Annotated[str, WithJsonSchema({"type": "string", "enum": list(PATTERNS)})]


def _checked_events(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    unknown = [name for name in value if not is_known_pattern(name)]
    if unknown:
        raise ValueError(
            f"Unknown event(s): {', '.join(unknown)}. Use *, <entity>.* or one of: "
            f"{', '.join(EVENT_TYPES)}."
        )
    return list(dict.fromkeys(value))


class WebhookSubscriptionCreate(BaseModel):
    """``POST /api/v2/webhook-subscriptions``: Plannr's ``url`` and ``events``, and our
    ``description`` and ``enabled``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"url": "https://crm.example.com/hooks/time", "events": ["time-entry.*"]}]
        }
    )

    url: str = Field(min_length=1, max_length=2048)
    events: list[EventName] = Field(min_length=1, max_length=MAX_EVENTS)
    description: str | None = Field(default=None, max_length=255)
    enabled: StrictBool = True

    _events = field_validator("events")(_checked_events)


class WebhookSubscriptionUpdate(BaseModel):
    """``PUT /api/v2/webhook-subscriptions/{uuid}``: the fields sent change, others stay.
    Enabling a disabled subscription clears its ``disabled_reason``."""

    url: str | None = Field(default=None, min_length=1, max_length=2048)
    events: list[EventName] | None = Field(default=None, min_length=1, max_length=MAX_EVENTS)
    description: str | None = Field(default=None, max_length=255)
    enabled: StrictBool | None = None

    _events = field_validator("events")(_checked_events)


class WebhookSubscriptionRead(BaseModel):
    """Plannr's resource (``uuid, url, events, signing_secret,
    last_outgoing_webhook_call_at, created_at, updated_at``) and our extensions."""

    uuid: UUID
    url: str
    events: list[str]
    signing_secret: str
    last_outgoing_webhook_call_at: ApiDateTime | None
    created_at: ApiDateTime
    updated_at: ApiDateTime
    enabled: bool
    description: str | None
    disabled_reason: str | None
    previous_secret_expires_at: ApiDateTime | None = Field(
        description="Until when the secret before the last rotation still signs too."
    )

    @classmethod
    def build(cls, row: WebhookSubscription, *, time_zone: str) -> WebhookSubscriptionRead:
        return cls(
            uuid=row.uuid,
            url=row.url,
            events=list(row.events),
            signing_secret=row.secret,
            last_outgoing_webhook_call_at=format_optional(
                row.last_outgoing_webhook_call_at, time_zone
            ),
            created_at=format_api_datetime(row.created_at, time_zone),
            updated_at=format_api_datetime(row.updated_at, time_zone),
            enabled=row.enabled,
            description=row.description,
            disabled_reason=row.disabled_reason,
            previous_secret_expires_at=format_optional(row.previous_secret_until, time_zone)
            if row.previous_secret
            else None,
        )


class WebhookDeliveryRead(BaseModel):
    """One event for one subscription, and its last attempt (the delivery log)."""

    uuid: UUID
    event_uuid: UUID = Field(description="The payload's id and the webhook-id header.")
    event_type: str
    status: str = Field(description="pending, delivering, succeeded, failed or dead.")
    attempts: int
    next_attempt_at: ApiDateTime | None
    last_attempt_at: ApiDateTime | None
    last_status_code: int | None
    last_error: str | None
    last_response_excerpt: str | None = Field(
        description=f"The start of the receiver's answer, at most {EXCERPT_CHARS} characters."
    )
    last_duration_ms: int | None
    created_at: ApiDateTime
    payload: dict[str, Any]

    @classmethod
    def build(
        cls, row: WebhookDelivery, event: WebhookEvent, *, time_zone: str
    ) -> WebhookDeliveryRead:
        waiting = row.status.value == "pending"
        return cls(
            uuid=row.uuid,
            event_uuid=event.uuid,
            event_type=event.type,
            status=row.status.value,
            attempts=row.attempts,
            next_attempt_at=format_optional(row.next_attempt_at, time_zone) if waiting else None,
            last_attempt_at=format_optional(row.last_attempt_at, time_zone),
            last_status_code=row.last_status,
            last_error=row.last_error,
            last_response_excerpt=row.last_response_excerpt,
            last_duration_ms=row.last_duration_ms,
            created_at=format_api_datetime(row.created_at, time_zone),
            payload=event.payload,
        )

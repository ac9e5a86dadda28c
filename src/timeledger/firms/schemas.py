from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from timeledger.dates import ApiDateTime, format_api_datetime
from timeledger.kit.text import NOT_BLANK
from timeledger.models import Firm


class FirmRead(BaseModel):
    uuid: uuid.UUID
    name: str
    slug: str
    time_zone: str
    created_at: ApiDateTime
    updated_at: ApiDateTime

    @classmethod
    def build(cls, firm: Firm, *, time_zone: str) -> FirmRead:
        return cls(
            uuid=firm.uuid,
            name=firm.name,
            slug=firm.slug,
            time_zone=firm.time_zone,
            created_at=format_api_datetime(firm.created_at, time_zone),
            updated_at=format_api_datetime(firm.updated_at, time_zone),
        )


class FirmUpdate(BaseModel):
    """The body of ``PUT /api/v1/firm/{uuid}``: only the fields sent change."""

    name: str | None = Field(default=None, min_length=1, max_length=255, pattern=NOT_BLANK)
    time_zone: str | None = Field(
        default=None,
        max_length=64,
        description="An IANA zone name, e.g. Europe/London. Dates are shown in it.",
    )

from __future__ import annotations

from pydantic import BaseModel, Field


class HealthRead(BaseModel):
    status: str = Field(examples=["ok"])


class ReadinessRead(HealthRead):
    """What ``/readyz`` found: ``ok`` for each dependency that answered, ``unreachable``
    for one that did not; ``redis`` is ``not configured`` without ``TIMELEDGER_REDIS_URL``.
    ``status`` is ``degraded`` (still 200) while only Redis is down: requests are then
    counted in memory, not refused."""

    database: str = Field(examples=["ok"])
    redis: str = Field(examples=["not configured"])

from __future__ import annotations

from pydantic import BaseModel, Field


class HealthRead(BaseModel):
    status: str = Field(examples=["ok"])


class ReadinessRead(HealthRead):
    """What ``/readyz`` found when every dependency answered: ``ok`` for each one;
    ``redis`` is ``not configured`` without ``TIMELEDGER_REDIS_URL``."""

    database: str = Field(examples=["ok"])
    redis: str = Field(examples=["not configured"])


class NotReadyBody(BaseModel):
    """``/readyz``'s 503 body: a Laravel-style ``message`` naming what is down, and the
    state of each dependency (``ok``, ``unreachable`` or ``not configured``)."""

    message: str = Field(examples=["Not ready: Redis is unreachable. Try again in a few seconds."])
    status: str = Field(examples=["unavailable"])
    database: str = Field(examples=["ok"])
    redis: str = Field(examples=["unreachable"])

from __future__ import annotations

from pydantic import BaseModel, Field


class HealthRead(BaseModel):
    status: str = Field(examples=["ok"])

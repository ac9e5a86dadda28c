"""Stamps every record shares."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm.attributes import flag_modified


def touch(record: Any, now: datetime) -> None:
    """Set ``updated_at`` to the caller's clock, even when it equals the old value.

    Otherwise SQLAlchemy sees no change and the column's ``onupdate`` writes the system
    clock instead of ``now``.
    """
    record.updated_at = now
    flag_modified(record, "updated_at")

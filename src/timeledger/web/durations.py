"""Durations as people type them in a timesheet cell or the day list: ``1:30``, ``1.5``
or ``1,5`` (hours), ``90m``, ``2h``, ``0:00:25`` (h:mm:ss); and as the app shows them
(``1:30``, or ``0:00:25`` when not whole minutes)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

# ASCII digits only, as every number the app reads (web/amounts.py).
_CLOCK = re.compile(r"^(\d{1,3}):([0-5]\d)(?::([0-5]\d))?$", re.ASCII)
_HOURS = re.compile(r"^(\d{1,3}(?:[.,]\d+)?)\s*h?$", re.ASCII)
_MINUTES = re.compile(r"^(\d{1,5})\s*m(?:in)?$", re.ASCII)
# A day has 24 hours; a cell or an inline edit longer than that is a typing mistake.
MAX_MINUTES = 24 * 60
REFUSED = "The duration must be like 1:30, 1.5 (hours) or 0:00:25 (h:mm:ss), up to 24:00."


def parse_duration(text: str) -> int | None:
    """Seconds from ``text``: ``h:mm:ss`` exactly (as the app shows an entry that is not
    whole minutes), other forms to the whole minute (rounded half up); 0 for an empty
    cell; None when it is not a duration or is longer than a day."""
    value = text.strip().lower()
    if not value:
        return 0
    minutes: Decimal | None = None
    if match := _CLOCK.match(value):
        seconds = (int(match[1]) * 60 + int(match[2])) * 60 + int(match[3] or 0)
        return seconds if seconds <= MAX_MINUTES * 60 else None
    if match := _MINUTES.match(value):
        minutes = Decimal(match[1])
    elif match := _HOURS.match(value):
        try:
            minutes = Decimal(match[1].replace(",", ".")) * 60
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            return None
    if minutes is None:
        return None
    whole = int(minutes.quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    return whole * 60 if whole <= MAX_MINUTES else None


def length_fields(seconds: int, start: datetime) -> dict[str, Any]:
    """The API fields that give an entry starting at ``start`` a length of ``seconds``:
    ``total_time_in_minutes`` when whole minutes, else the ``end_date`` (the API's minutes
    field cannot hold seconds)."""
    if seconds % 60 == 0:
        return {"total_time_in_minutes": seconds // 60}
    return {"end_date": (start + timedelta(seconds=seconds)).isoformat()}


def format_minutes(minutes: int) -> str:
    """``90`` as ``1:30``."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def format_seconds(seconds: int) -> str:
    """``5400`` as ``1:30`` (whole minutes, rounded half up, as the API's minutes)."""
    return format_minutes((seconds + 30) // 60)


def format_exact(seconds: int) -> str:
    """``5400`` as ``1:30``; a duration that is not whole minutes keeps its seconds,
    ``25`` as ``0:00:25``, so an entry under half a minute never reads as ``0:00``."""
    if seconds % 60:
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return format_minutes(seconds // 60)

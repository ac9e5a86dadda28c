"""Reading dates the API is sent, and writing them the way Plannr shows them.

In: ISO 8601 with an offset or ``Z``; without an offset, ``Y-m-d H:i:s`` or a bare date
(midnight), read in the firm's time zone. Out: the firm's local time with its offset, to the
whole second (``2025-08-07T13:41:42+01:00``). Everything in between is UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import Field, JsonValue

_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|z|[+-]\d{2}(?::?\d{2})?)?)?$"
)
# A timestamp as the API writes it: the firm's local time with its offset, whole seconds.
ApiDateTime = Annotated[
    str, Field(json_schema_extra={"format": "date-time"}, examples=["2025-08-07T13:41:42+01:00"])
]

# Far enough from datetime's limits that no time zone can push a value past them.
MIN_YEAR = 1900
MAX_YEAR = 9998
# What the published schema promises for a date sent: years 1901-9997, a year inside the
# accepted range whatever the offset (the API itself reads 1900-9998 in UTC).
SCHEMA_DATE_PATTERN = (
    r"^(190[1-9]|19[1-9][0-9]|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-7])-"
)
SCHEMA_DATE: dict[str, JsonValue] = {"pattern": SCHEMA_DATE_PATTERN}
# A calendar day (Y-m-d) in 1900-9998 as the published schema describes it: 29 February is
# left out (a pattern cannot tell leap years), the server accepts it all the same.
_SCHEMA_YEAR = r"(19[0-9]{2}|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])"
_SCHEMA_MONTH_DAY = (
    r"((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)"
)
SCHEMA_DAY = f"{_SCHEMA_YEAR}-{_SCHEMA_MONTH_DAY}"
# The first instant the API stores, and the one just after the last: a filter's edges may
# stop there.
EARLIEST = datetime(MIN_YEAR, 1, 1, tzinfo=UTC)
AFTER_LATEST = datetime(MAX_YEAR + 1, 1, 1, tzinfo=UTC)


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def is_time_zone(name: str) -> bool:
    try:
        zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


# Files some systems keep beside the zones: they name the server's zone, not an IANA one.
_NOT_ZONES = frozenset({"localtime", "posixrules"})


def is_iana_zone(name: str) -> bool:
    """Whether ``name`` is an IANA zone name a firm may use, e.g. ``Europe/London``."""
    return name not in _NOT_ZONES and is_time_zone(name)


@lru_cache(maxsize=1)
def iana_zone_names() -> tuple[str, ...]:
    """Every name ``is_iana_zone`` accepts, sorted (the published schema's list)."""
    return tuple(sorted(name for name in available_timezones() if is_iana_zone(name)))


def parse_api_datetime(value: str) -> datetime:
    """Parse one of the accepted forms; naive when the value carries no offset.

    Raises ``ValueError`` for anything else, including impossible dates (2025-02-30).
    """
    text = value.strip()
    if not _DATETIME.match(text):
        raise ValueError(value)
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), time())
    # datetime.fromisoformat takes at most microseconds; drop extra fraction digits.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    return datetime.fromisoformat(text.replace("z", "Z"))


def to_utc(value: datetime, time_zone: str) -> datetime:
    """An instant in UTC, to the whole second; naive values are local to ``time_zone``.

    A wall-clock time skipped by a DST change is read with the offset before the change,
    an ambiguous one as its first occurrence (both as Python's ``fold=0``).
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone(time_zone))
    try:
        utc = value.astimezone(UTC).replace(microsecond=0)
    except OverflowError:
        raise ValueError(value) from None
    if not MIN_YEAR <= utc.year <= MAX_YEAR:
        raise ValueError(value)
    return utc


def in_range(value: datetime) -> bool:
    """Whether an aware instant lies in the years the API reads and writes (1900-9998)."""
    return MIN_YEAR <= value.astimezone(UTC).year <= MAX_YEAR


def shifted(value: datetime, by: timedelta) -> datetime:
    """``value + by``; ``ValueError`` (never ``OverflowError``) past datetime's limits."""
    try:
        return value + by
    except OverflowError:
        raise ValueError(value) from None


def format_api_datetime(value: datetime, time_zone: str) -> str:
    """RFC 3339 in the firm's zone, whole seconds: ``2025-08-07T13:41:42+01:00``.

    RFC 3339 offsets are whole minutes; the few historic zone offsets with seconds (local
    mean time, such as Monrovia's -00:44:30 until 1972) are written rounded down to
    the minute, with the local time moved to match, so the instant is exact and the text is
    one the API reads back.
    """
    local = value.astimezone(zone(time_zone))
    offset = local.utcoffset()
    if offset is not None and offset.seconds % 60:
        minutes = int(offset.total_seconds() // 60)
        local = value.astimezone(timezone(timedelta(minutes=minutes)))
    return local.isoformat(timespec="seconds")


def format_optional(value: datetime | None, time_zone: str) -> str | None:
    return None if value is None else format_api_datetime(value, time_zone)

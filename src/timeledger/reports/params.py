"""Reading a report's query (the API's query string, or the CLI's options as the same keys)
into ``ReportParams``. Every refusal is a 422 naming the field."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from timeledger.dates import parse_api_datetime, to_utc
from timeledger.errors import ValidationFailed
from timeledger.kit.ids import parse_uuid
from timeledger.models import TrackableType
from timeledger.reports.calendar import (
    DEFAULT_WEEK_START,
    DateRange,
    Period,
    Weekday,
    local_date,
    period_range,
)
from timeledger.reports.rounding import STEPS_MINUTES, RoundingMode

E = TypeVar("E", bound=StrEnum)

MAX_GROUPS = 3
MAX_YEARS = 5
# The range of a report that names none (no from, to or period).
DEFAULT_PERIOD = Period.THIS_WEEK


class Dimension(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    TAX_YEAR = "tax_year"
    STAFF = "staff"
    CLIENT = "client"
    CASE = "case"
    TRACKABLE = "trackable"
    TRACKABLE_TYPE = "trackable_type"
    BILLABLE = "billable"
    TAG = "tag"

    @property
    def is_time(self) -> bool:
        return self in TIME_DIMENSIONS


TIME_DIMENSIONS = frozenset({Dimension.DAY, Dimension.WEEK, Dimension.MONTH, Dimension.TAX_YEAR})


class Attribution(StrEnum):
    START = "start"
    SPLIT = "split"


FILTERS = ("staff", "clients", "cases", "trackable_type", "tags", "tag_match", "billable")
# Keys every report reads; each route adds its own (group_by, week_of, cursor...).
COMMON_KEYS = frozenset(
    {"from", "to", "period", "attribution", "rounding", "rounding_minutes", "include_running"}
    | {"as_of"}
    | {f"filter[{name}]" for name in FILTERS}
)


@dataclass(frozen=True)
class ReportParams:
    dates: DateRange
    tz: ZoneInfo
    time_zone: str
    week_start: Weekday
    group_by: tuple[Dimension, ...]
    attribution: Attribution
    rounding: RoundingMode
    rounding_minutes: int | None
    include_running: bool
    as_of: datetime
    staff: tuple[uuid.UUID, ...] | None
    clients: tuple[uuid.UUID, ...] | None
    cases: tuple[uuid.UUID, ...] | None
    trackable_types: tuple[TrackableType, ...] | None
    tags: tuple[uuid.UUID, ...] | None = None
    billable: bool | None = None
    # filter[tag_match]: keep entries with every tag of filter[tags], not any of them.
    all_tags: bool = False


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed.field(field, message)


def check_keys(query: Mapping[str, str], allowed: frozenset[str]) -> None:
    unknown = sorted(key for key in query if key not in allowed)
    if unknown:
        raise _fail(
            unknown[0],
            f"The {unknown[0]} parameter is not supported; use {', '.join(sorted(allowed))}.",
        )


def _local_date(query: Mapping[str, str], field: str) -> date | None:
    raw = query.get(field)
    if raw is None or raw.strip() == "":
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise _fail(field, f"The {field} field must be a date (YYYY-MM-DD).") from None


def _choice(query: Mapping[str, str], field: str, enum: type[E], default: E) -> E:
    raw = query.get(field)
    if raw is None or raw.strip() == "":
        return default
    try:
        return enum(raw.strip())
    except ValueError:
        choices = ", ".join(member.value for member in enum)
        raise _fail(field, f"The selected {field} is invalid: use {choices}.") from None


def _bool(query: Mapping[str, str], field: str, default: bool) -> bool:
    raw = (query.get(field) or "").strip().lower()
    if raw == "":
        return default
    if raw in {"true", "1"}:
        return True
    if raw in {"false", "0"}:
        return False
    raise _fail(field, f"The {field} field must be true or false.")


def _dates(query: Mapping[str, str], today: date, week_start: Weekday) -> DateRange:
    first, last = _local_date(query, "from"), _local_date(query, "to")
    raw_period = (query.get("period") or "").strip()
    if raw_period:
        if first is not None or last is not None:
            raise _fail("period", "Give either period or from and to, not both.")
        period = _choice(query, "period", Period, Period.TODAY)
        return period_range(period, today, week_start)
    if first is None and last is None:
        # No range at all: this week, as the web Reports page opens (docs/reports.md).
        return period_range(DEFAULT_PERIOD, today, week_start)
    if first is None or last is None:
        missing = "from" if first is None else "to"
        raise _fail(missing, f"The {missing} field is required unless period is given.")
    if first > last:
        raise _fail("to", "The to field must be a date after or equal to from.")
    if last >= _years_after(first, MAX_YEARS):
        raise _fail("to", f"The range must not be longer than {MAX_YEARS} years.")
    return DateRange(first, last)


def _years_after(first: date, years: int) -> date:
    """``first`` moved ``years`` on (29 February to 1 March); past the calendar's last
    year, its last day (no range from there can be too long)."""
    if first.year + years > date.max.year:
        return date.max
    try:
        return first.replace(year=first.year + years)
    except ValueError:  # 29 February
        return date(first.year + years, 3, 1)


def _group_by(query: Mapping[str, str]) -> tuple[Dimension, ...]:
    raw = (query.get("group_by") or "").strip()
    if not raw:
        return ()
    names = [part.strip() for part in raw.split(",")]
    choices = ", ".join(member.value for member in Dimension)
    dimensions = []
    for name in names:
        try:
            dimensions.append(Dimension(name))
        except ValueError:
            raise _fail("group_by", f"Unknown group {name!r}: use {choices}.") from None
    if len(dimensions) > MAX_GROUPS:
        raise _fail("group_by", f"The group_by field may name at most {MAX_GROUPS} groups.")
    if len(set(dimensions)) != len(dimensions):
        raise _fail("group_by", "The group_by field names a group twice.")
    return tuple(dimensions)


def _uuids(query: Mapping[str, str], name: str) -> tuple[uuid.UUID, ...] | None:
    field = f"filter[{name}]"
    if field not in query:
        return None
    parts = [part.strip() for part in query[field].split(",") if part.strip()]
    parsed = [parse_uuid(part) for part in parts]
    if any(value is None for value in parsed):
        raise _fail(f"filter[{name}]", f"The filter[{name}] must be a list of UUIDs.")
    return tuple(value for value in parsed if value is not None)


def _tag_match(query: Mapping[str, str]) -> bool:
    """``filter[tag_match]``: ``any`` (default) or ``all``, as the time-entry lists take it."""
    raw = (query.get("filter[tag_match]") or "any").strip()
    if raw not in {"any", "all"}:
        raise _fail(
            "filter[tag_match]", "The selected filter[tag_match] is invalid: use any or all."
        )
    return raw == "all"


def _billable(query: Mapping[str, str]) -> bool | None:
    """``filter[billable]``: true keeps billable time only, false non-billable only."""
    if "filter[billable]" not in query:
        return None
    raw = query["filter[billable]"].strip().lower()
    if raw in {"true", "1"}:
        return True
    if raw in {"false", "0"}:
        return False
    raise _fail("filter[billable]", "The filter[billable] must be true or false.")


def _trackable_types(query: Mapping[str, str]) -> tuple[TrackableType, ...] | None:
    field = "filter[trackable_type]"
    if field not in query:
        return None
    values = []
    for part in (p.strip() for p in query[field].split(",") if p.strip()):
        try:
            values.append(TrackableType(part))
        except ValueError:
            choices = ", ".join(kind.value for kind in TrackableType)
            raise _fail(
                "filter[trackable_type]",
                f"The selected filter[trackable_type] is invalid: use {choices}.",
            ) from None
    return tuple(values)


def _rounding(
    query: Mapping[str, str], attribution: Attribution
) -> tuple[RoundingMode, int | None]:
    mode = _choice(query, "rounding", RoundingMode, RoundingMode.NONE)
    raw = (query.get("rounding_minutes") or "").strip()
    if mode is RoundingMode.NONE:
        if raw:
            raise _fail("rounding_minutes", "The rounding_minutes field needs a rounding mode.")
        return mode, None
    steps = ", ".join(str(step) for step in STEPS_MINUTES)
    if not raw.isdigit() or int(raw) not in STEPS_MINUTES:
        raise _fail("rounding_minutes", f"The rounding_minutes field must be one of {steps}.")
    if attribution is Attribution.SPLIT:
        raise _fail(
            "rounding",
            "Rounding applies to whole entries: use attribution=start with rounding.",
        )
    return mode, int(raw)


def parse_params(
    query: Mapping[str, str],
    *,
    time_zone: str,
    now: datetime,
    allowed: frozenset[str],
    week_start: Weekday = DEFAULT_WEEK_START,
    dates: DateRange | None = None,
) -> ReportParams:
    """Read and check a report's query; ``dates`` replaces the range (the weekly grid's).

    Raises ``ValidationFailed`` (422) naming the field for any bad value or unknown key.
    """
    check_keys(query, allowed)
    tz = ZoneInfo(time_zone)
    attribution = _choice(query, "attribution", Attribution, Attribution.START)
    rounding, minutes = _rounding(query, attribution)
    as_of = now
    raw_as_of = (query.get("as_of") or "").strip()
    if raw_as_of:
        try:
            as_of = to_utc(parse_api_datetime(raw_as_of), time_zone)
        except ValueError:
            raise _fail("as_of", "The as_of field must be a date and time.") from None
    return ReportParams(
        dates=dates or _dates(query, local_date(now, tz), week_start),
        tz=tz,
        time_zone=time_zone,
        week_start=week_start,
        group_by=_group_by(query),
        attribution=attribution,
        rounding=rounding,
        rounding_minutes=minutes,
        include_running=_bool(query, "include_running", True),
        as_of=as_of,
        staff=_uuids(query, "staff"),
        clients=_uuids(query, "clients"),
        cases=_uuids(query, "cases"),
        trackable_types=_trackable_types(query),
        tags=_uuids(query, "tags"),
        billable=_billable(query),
        all_tags=_tag_match(query),
    )

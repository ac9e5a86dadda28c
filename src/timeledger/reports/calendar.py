"""The firm's calendar: local days, weeks, months and UK tax years, and their edges as UTC
instants. Pure functions; every edge comes from the firm's zone date by date (``zoneinfo``),
never from one fixed offset, so a day holding a DST change lasts 23 or 25 hours and a week
holding one 167 or 169 hours.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class Weekday(StrEnum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"

    @property
    def number(self) -> int:
        """Python's ``date.weekday()`` number: Monday 0 ... Sunday 6."""
        return list(Weekday).index(self)


# The UK default; reports use the firm's ``week_start`` (issue 11) when it is set.
DEFAULT_WEEK_START = Weekday.MONDAY
# The UK tax year starts on 6 April (HMRC); it ends on 5 April of the next year.
TAX_YEAR_START = (4, 6)


class Period(StrEnum):
    TODAY = "today"
    THIS_WEEK = "this_week"
    LAST_WEEK = "last_week"
    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    THIS_TAX_YEAR = "this_tax_year"
    LAST_TAX_YEAR = "last_tax_year"


@dataclass(frozen=True, slots=True)
class DateRange:
    """Inclusive local dates ``first`` to ``last``."""

    first: date
    last: date

    def days(self) -> Iterator[date]:
        day = self.first
        while day <= self.last:
            yield day
            day += timedelta(days=1)


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of local date ``day``, in UTC.

    Where a DST change skips local midnight, ``fold=0`` reads the missing midnight with the
    offset before the change, which lands exactly on the change: the day's first instant.
    """
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


def range_edges(dates: DateRange, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """``[lo, hi)`` in UTC: the first instant of ``first`` and of the day after ``last``."""
    return day_start(dates.first, tz), day_start(dates.last + timedelta(days=1), tz)


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def week_first(day: date, week_start: Weekday) -> date:
    return day - timedelta(days=(day.weekday() - week_start.number) % 7)


def month_first(day: date) -> date:
    return day.replace(day=1)


def next_month_first(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def tax_year_first(day: date) -> date:
    """The 6 April on or before ``day``."""
    start = date(day.year, *TAX_YEAR_START)
    return start if day >= start else date(day.year - 1, *TAX_YEAR_START)


def tax_year_last(day: date) -> date:
    first = tax_year_first(day)
    return date(first.year + 1, *TAX_YEAR_START) - timedelta(days=1)


def period_range(period: Period, today: date, week_start: Weekday) -> DateRange:
    """The local dates a named period covers, seen from local date ``today``."""
    if period is Period.TODAY:
        return DateRange(today, today)
    if period in (Period.THIS_WEEK, Period.LAST_WEEK):
        first = week_first(today, week_start)
        if period is Period.LAST_WEEK:
            first -= timedelta(days=7)
        return DateRange(first, first + timedelta(days=6))
    if period in (Period.THIS_MONTH, Period.LAST_MONTH):
        first = month_first(today)
        if period is Period.LAST_MONTH:
            first = month_first(first - timedelta(days=1))
        return DateRange(first, next_month_first(first) - timedelta(days=1))
    first = tax_year_first(today)
    if period is Period.LAST_TAX_YEAR:
        first = tax_year_first(first - timedelta(days=1))
    return DateRange(first, tax_year_last(first))


def day_pieces(
    start: datetime, end: datetime, tz: ZoneInfo, *, within: tuple[datetime, datetime]
) -> Iterator[tuple[date, int]]:
    """Cut ``[start, end)`` at each local midnight and clip it to ``within``: ``(local date,
    whole seconds)`` for each non-empty piece, in order. Seconds are real elapsed time."""
    # In UTC: Python subtracts two datetimes of one zone as wall-clock times.
    lo = max(start.astimezone(UTC), within[0])
    hi = min(end.astimezone(UTC), within[1])
    while lo < hi:
        day = local_date(lo, tz)
        edge = min(day_start(day + timedelta(days=1), tz), hi)
        seconds = int((edge - lo).total_seconds())
        if seconds > 0:
            yield day, seconds
        lo = edge

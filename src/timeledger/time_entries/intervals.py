"""Which of start, end and total define an entry's interval: pure rules, no I/O.

| sent                           | result                                   |
|--------------------------------|------------------------------------------|
| start and end (total ignored)  | that interval                            |
| start and total                | end = start + total                      |
| end and total                  | start = end - total                      |
| total only                     | ends now                                 |
| start only                     | running from start (not in the future)   |
| none of the three              | running from now                         |
| end only, or end not after start | 422 on end_date                        |

Every interval any path produces (create, change, reopen, stop, and the stop a new timer
causes) passes the same checks: end after start, at most 366 days long, both ends in the
years 1900-9998 (a derived end or start answers 422 on ``total_time_in_minutes``), and a
running entry's start at most 366 days before now, so that stopping it later can succeed.

A change to an existing entry (``merge_interval``) fills what it does not send from the
entry: a new end keeps the start, a new start keeps the end, a total alone keeps the start
and moves the end, and ``end_date: null`` makes the entry running again from its start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from timeledger.dates import MAX_YEAR, MIN_YEAR, in_range, shifted
from timeledger.errors import ValidationFailed

# 366 days: the longest entry, whether given as a total or as two dates.
MAX_MINUTES = 527_040
MAX_LENGTH = timedelta(minutes=MAX_MINUTES)


@dataclass(frozen=True, slots=True)
class Interval:
    start: datetime
    end: datetime | None

    @property
    def is_running(self) -> bool:
        return self.end is None


def resolve_interval(
    *,
    start: datetime | None,
    end: datetime | None,
    minutes: int | None,
    now: datetime,
    clock_skew: timedelta,
) -> Interval:
    """The interval the sent fields define; every datetime is aware UTC."""
    if start is not None and end is not None:
        return _checked(Interval(start, end))
    if minutes is not None:
        length = timedelta(minutes=minutes)
        if start is not None:
            return _checked(Interval(start, _derived(start, length)))
        if end is not None:
            return _checked(Interval(_derived(end, -length), end))
        return _checked(Interval(_derived(now, -length), now))
    if end is not None:
        raise ValidationFailed.field(
            "end_date", "The end date needs a start date or a total time in minutes."
        )
    if start is None:
        return Interval(now, None)
    if start > now + clock_skew:
        raise ValidationFailed.field(
            "start_date", "The start date of a running time entry may not be in the future."
        )
    if now - start > MAX_LENGTH:
        raise ValidationFailed.field(
            "start_date",
            "A running time entry may not have started more than 366 days ago, or it could "
            "never be stopped: send an end date or a total time in minutes with it.",
        )
    # A start a little ahead of our clock is the client's clock running fast.
    return Interval(min(start, now), None)


@dataclass(frozen=True, slots=True)
class IntervalChange:
    """What a change sends about the interval; ``end_sent`` tells an absent end from null."""

    start: datetime | None = None
    end: datetime | None = None
    end_sent: bool = False
    minutes: int | None = None

    @property
    def is_empty(self) -> bool:
        return self.start is None and not self.end_sent and self.minutes is None


def merge_interval(
    current: Interval, change: IntervalChange, *, now: datetime, clock_skew: timedelta
) -> Interval:
    """The interval of an entry after ``change``; the create rules apply to the result."""
    if change.is_empty:
        return current
    if change.end_sent and change.end is None:
        if change.minutes is not None:
            raise ValidationFailed.field(
                "total_time_in_minutes",
                "A running time entry has no total: leave out total time in minutes, or "
                "send an end date.",
            )
        if now - (change.start or current.start) > MAX_LENGTH:
            raise ValidationFailed.field(
                "end_date",
                "This time entry started more than 366 days ago, so it cannot run again "
                "(it could never be stopped): start a new time entry instead.",
            )
        return resolve_interval(
            start=change.start or current.start,
            end=None,
            minutes=None,
            now=now,
            clock_skew=clock_skew,
        )
    if change.minutes is not None and change.start is None and change.end is None:
        # A total alone keeps the start and moves the end.
        length = timedelta(minutes=change.minutes)
        return _checked(Interval(current.start, _derived(current.start, length)))
    if change.minutes is not None:
        return resolve_interval(
            start=change.start,
            end=change.end,
            minutes=change.minutes,
            now=now,
            clock_skew=clock_skew,
        )
    end = change.end if change.end_sent else current.end
    return resolve_interval(
        start=change.start or current.start, end=end, minutes=None, now=now, clock_skew=clock_skew
    )


def _derived(edge: datetime, length: timedelta) -> datetime:
    """``edge + length`` for a start or end the total derives: 422 on the total when the
    result leaves the years the API keeps."""
    try:
        result = shifted(edge, length)
    except ValueError:
        result = None
    if result is None or not in_range(result):
        which = "end" if length >= timedelta(0) else "start"
        raise ValidationFailed.field(
            "total_time_in_minutes",
            f"The {which} date this total gives must be between the years {MIN_YEAR} and "
            f"{MAX_YEAR}.",
        )
    return result


def _checked(interval: Interval) -> Interval:
    assert interval.end is not None
    if interval.end <= interval.start:
        raise ValidationFailed.field("end_date", "The end date must be after the start date.")
    if interval.end - interval.start > MAX_LENGTH:
        raise ValidationFailed.field(
            "end_date",
            "A time entry may not be longer than 366 days: send an end date within 366 days "
            "of its start.",
        )
    return interval


def elapsed_seconds(start: datetime, end: datetime | None, now: datetime) -> int:
    """Seconds from start to end, or to now while running (never negative)."""
    return max(0, int(((end or now) - start).total_seconds()))


def whole_minutes(seconds: int) -> int:
    """Minutes rounded half up: 29 s is 0 minutes, 30 s is 1."""
    return (seconds + 30) // 60

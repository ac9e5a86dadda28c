"""The day list and the week grid, read and written through the time-entry services the
API uses, so both show the same numbers.

Placement rule for a new grid entry (docs/web.md): it starts where the person's last
finished entry of that day ends, or at 09:00 in the firm's zone when the day has none, and
lasts the cell's duration, provided it then ends by its limit: the start of the person's
running timer when that timer runs on that day, else now when the day is today. Past it,
the entry is placed to end at that limit, if it then starts on that day and after the
day's other finished time; else the cell is refused with a message. Time is never placed
after now or over the running timer (a later day of the week, time logged ahead, has no
limit).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.dates import zone
from timeledger.errors import ValidationFailed
from timeledger.kit.listing import ListParams, Sort
from timeledger.models import TrackableType
from timeledger.reports.calendar import week_first
from timeledger.reports.service.selection import firm_week_start
from timeledger.time_entries import service as entries
from timeledger.time_entries.schemas import TimeEntryCreate, TimeEntryPatch, TimeEntryRead
from timeledger.time_entries.service.read import running_entries
from timeledger.web.durations import format_exact, length_fields
from timeledger.web.schemas import Day, Week, WeekRow, type_value

# A person's entries in one week or a few days fit one page of the service's list.
_PER_PAGE = 500
DAY_START = time(9, 0)
WEEK_DAYS = 7


def local_today(actor: Actor, now: datetime) -> date:
    return now.astimezone(zone(actor.firm.time_zone)).date()


def week_start(actor: Actor, day: date) -> date:
    """The first day of the firm week holding ``day``: the firm's ``week_start`` (Monday
    by default), by the same rule as ``GET /api/v1/reports/weekly`` (docs/web.md)."""
    return week_first(day, firm_week_start(actor))


def entries_between(
    session: Session, *, actor: Actor, first: date, last: date, now: datetime
) -> list[TimeEntryRead]:
    """The caller's own entries that started on ``first`` .. ``last`` (inclusive, firm's
    zone), oldest first: ``GET /time-entry?filter[between]=first,last`` exactly."""
    params = ListParams(
        filters={"between": [first.isoformat(), last.isoformat()]},
        sort=Sort(field="start_date", descending=False),
        page=1,
        per_page=_PER_PAGE,
        url="/app",
    )
    return entries.list_time_entries(session, actor=actor, params=params, now=now).data


def started_on(entry: TimeEntryRead) -> date:
    return datetime.fromisoformat(str(entry.start_date)).date()


def day_list(session: Session, *, actor: Actor, last: date, days: int, now: datetime) -> list[Day]:
    """``days`` days up to ``last``, newest first, each with its entries and total."""
    first = last - timedelta(days=days - 1)
    grouped = {first + timedelta(days=i): Day(day=first + timedelta(days=i)) for i in range(days)}
    for entry in entries_between(session, actor=actor, first=first, last=last, now=now):
        grouped[started_on(entry)].entries.append(entry)
    return sorted(grouped.values(), key=lambda day: day.day, reverse=True)


def week_grid(session: Session, *, actor: Actor, first: date, now: datetime) -> Week:
    """Rows of trackable + entry name, one cell (a list of entries) per day of the week
    that starts on local date ``first``."""
    days = [first + timedelta(days=i) for i in range(WEEK_DAYS)]
    rows: dict[tuple[str, str, str], WeekRow] = {}
    for entry in entries_between(session, actor=actor, first=days[0], last=days[-1], now=now):
        kind = TrackableType(type_value(entry.trackable_type))
        key = (kind.value, str(entry.trackable.uuid), entry.name)
        row = rows.get(key)
        if row is None:
            row = rows[key] = WeekRow(
                kind=kind,
                trackable_uuid=entry.trackable.uuid,
                trackable_name=_trackable_name(entry),
                name=entry.name,
                cells=[[] for _ in days],
            )
        row.cells[(started_on(entry) - first).days].append(entry)
    ordered = sorted(rows.values(), key=lambda r: (r.trackable_name.lower(), r.name.lower()))
    return Week(days=days, rows=ordered)


def _trackable_name(entry: TimeEntryRead) -> str:
    return str(getattr(entry.trackable, "name", "") or "")


def set_cell(
    session: Session,
    *,
    actor: Actor,
    kind: TrackableType,
    trackable_uuid: uuid.UUID,
    name: str,
    day: date,
    seconds: int,
    now: datetime,
    clock_skew: timedelta,
) -> None:
    """Make the row's cell on ``day`` hold ``seconds``: create its entry (placement rule
    above), change its one entry's length, or delete it when ``seconds`` is 0. A cell
    holding several entries is read-only (``ValidationFailed``): the day list edits them."""
    cell = [
        entry
        for entry in entries_between(session, actor=actor, first=day, last=day, now=now)
        if entry.trackable.uuid == trackable_uuid
        and type_value(entry.trackable_type) == kind.value
        and entry.name == name
    ]
    if len(cell) > 1:
        raise ValidationFailed.field(
            "duration", "This cell holds several entries; change them in the day list."
        )
    if cell and cell[0].is_active:
        raise ValidationFailed.field("duration", "This entry is running; stop its timer first.")
    if cell:
        _change_cell(session, actor=actor, entry=cell[0], seconds=seconds, now=now, skew=clock_skew)
        return
    if seconds == 0:
        return
    start = _placement(session, actor=actor, day=day, seconds=seconds, now=now)
    data = TimeEntryCreate.model_validate(
        {
            "trackable_type": kind.value,
            "trackable_uuid": str(trackable_uuid),
            "name": name,
            "start_date": start.isoformat(),
            **length_fields(seconds, start),
        }
    )
    entries.create_time_entry(session, actor=actor, data=data, now=now, clock_skew=clock_skew)


def _change_cell(
    session: Session,
    *,
    actor: Actor,
    entry: TimeEntryRead,
    seconds: int,
    now: datetime,
    skew: timedelta,
) -> None:
    if seconds == 0:
        entries.delete_time_entry(session, actor=actor, entry_uuid=entry.uuid, now=now)
        return
    start = datetime.fromisoformat(str(entry.start_date))
    patch = TimeEntryPatch.model_validate(length_fields(seconds, start))
    entries.change_time_entry(
        session, actor=actor, entry_uuid=entry.uuid, data=patch, now=now, clock_skew=skew
    )


def _placement(
    session: Session, *, actor: Actor, day: date, seconds: int, now: datetime
) -> datetime:
    """Where a new grid entry of ``seconds`` on ``day`` starts (the module's rule)."""
    tz = zone(actor.firm.time_zone)
    finished = [
        (datetime.fromisoformat(str(e.start_date)), datetime.fromisoformat(str(e.end_date)))
        for e in entries_between(session, actor=actor, first=day, last=day, now=now)
        if e.end_date is not None
    ]
    start = max((end for _, end in finished), default=datetime.combine(day, DAY_START, tz))
    length = timedelta(seconds=seconds)
    limit = _limit(session, actor=actor, day=day, now=now)
    if limit is None or start + length <= limit[0]:
        return start
    end, timer_words = limit
    floor = max(
        [datetime.combine(day, time(0), tz)] + [e for s, e in finished if s < end],
    )
    if end - length >= floor:
        return end - length
    if timer_words is None:
        # Before now it does not fit: time logged ahead, as on a later day of the week.
        return start
    raise ValidationFailed.field(
        "duration",
        f"No room for {format_exact(seconds)} {timer_words} without overlapping your other "
        "time that day: enter less, or change that day's entries in the day list.",
    )


def _limit(
    session: Session, *, actor: Actor, day: date, now: datetime
) -> tuple[datetime, str | None] | None:
    """The latest a new entry on ``day`` should end: when the person's running timer
    started (if it runs on that day), with the words that name it (a hard limit), else now
    on today (words None: a soft limit); None on a past day without a timer and on a later
    day (time logged ahead)."""
    tz = zone(actor.firm.time_zone)
    today = local_today(actor, now)
    if day > today:
        return None
    account = actor.account
    running = running_entries(session, accounts=[(account, actor.firm)], now=now)
    timer = running.get(account.id)
    next_day = datetime.combine(day + timedelta(days=1), time(0), tz)
    if timer is not None:
        started = datetime.fromisoformat(str(timer.start_date))
        if started < next_day:
            return started, f"before your running timer (started {started.astimezone(tz):%H:%M})"
    return (now, None) if day == today else None
    account = actor.account
    running = running_entries(session, accounts=[(account, actor.firm)], now=now)
    timer = running.get(account.id)
    next_day = datetime.combine(day + timedelta(days=1), time(0), tz)
    if timer is not None:
        started = datetime.fromisoformat(str(timer.start_date))
        if started < next_day:
            words = f"before your running timer (started {started.astimezone(tz):%H:%M})"
            return started, words
    if day == today:
        return now, f"before now ({now.astimezone(tz):%H:%M})"
    return None

"""The web pages' query parameters, read the same way on every page: a ``?day=`` that is
not a day the app can show is answered with the page for today, a message naming what was
wrong and status 400 (docs/web.md, "Query parameters"), never the API's JSON and never a
silent substitute."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from timeledger.auth.service import Actor
from timeledger.dates import MAX_YEAR, MIN_YEAR
from timeledger.web.timesheet import local_today

# The days a page may be asked for: a week or seven days around any of them stays inside
# the years the API reads and writes (1900-9998), whatever the firm's time zone.
FIRST_DAY = date(MIN_YEAR + 1, 1, 1)
LAST_DAY = date(MAX_YEAR - 1, 12, 31)
BAD_REQUEST = 400
# Only the calendar form the pages write (fromisoformat also takes 20250807, 2025-W32-1).
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


@dataclass(frozen=True)
class DayParam:
    """The day a page shows and, when the one asked for could not be, why not."""

    day: date
    error: str | None = None

    @property
    def status_code(self) -> int:
        return 200 if self.error is None else BAD_REQUEST


def read_day(value: str | None, actor: Actor, now: datetime) -> DayParam:
    """``value`` (``YYYY-MM-DD``) as a day from 1901-01-01 to 9997-12-31; today in the
    firm's zone when it is absent or empty, and also (with ``error``) when it is not such
    a day."""
    today = local_today(actor, now)
    if not value:
        return DayParam(today)
    day = None
    if _ISO_DAY.match(value.strip()):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:  # 2025-02-30
            day = None
    if day is None:
        shown = value if len(value) <= 40 else value[:40] + "…"
        return DayParam(today, f"“{shown}” is not a date: use one like {today}. Showing today.")
    if not FIRST_DAY <= day <= LAST_DAY:
        message = f"The day must be between {FIRST_DAY} and {LAST_DAY}. Showing today."
        return DayParam(today, message)
    return DayParam(day)

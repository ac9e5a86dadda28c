"""The shape of the benchmark's data and the spread of its time entries. No I/O here.

Times are whole epoch seconds (UTC) until a loader formats them for its database.
"""

from __future__ import annotations

import random
from array import array
from dataclasses import dataclass

from timeledger.models import TrackableType

DAY = 86_400
# Working hours, UTC seconds after midnight: entries are logged between 08:00 and 18:30.
WORK_START = 8 * 3600
WORK_END = 18 * 3600 + 1800
ENTRY_NAMES = (
    "Research",
    "Client call",
    "Annual review",
    "Suitability report",
    "Pension transfer analysis",
    "Meeting notes",
    "Compliance check",
    "Cashflow model",
)
# (type, weight): what time is logged against, roughly as an advice firm logs it.
TRACKABLE_WEIGHTS = (
    (TrackableType.CLIENT, 50),
    (TrackableType.CASE, 20),
    (TrackableType.TASK, 12),
    (TrackableType.BOARD_TASK, 8),
    (TrackableType.CIRCLE, 5),
    (TrackableType.FIRM, 5),
)


@dataclass(frozen=True)
class Shape:
    """How big the world is. ``entries`` is spread evenly over every firm's staff."""

    entries: int
    firms: int
    employees: int = 20
    clients: int = 200
    cases: int = 100
    circles: int = 40
    tasks: int = 200
    board_tasks: int = 100
    running_share: float = 0.1
    deleted_share: float = 0.01
    seed: int = 6

    @property
    def staff(self) -> int:
        return self.firms * self.employees


def default_firms(entries: int) -> int:
    """One firm per 100k entries: 20 staff logging about 5,000 entries each (3-4 years)."""
    return max(1, entries // 100_000)


_VERSION_MASK = ~((0xF << 76) | (0x3 << 62))
_VERSION_BITS = (0x4 << 76) | (0x2 << 62)


def new_uuid(rng: random.Random) -> str:
    """A version-4 UUID as 32 hex digits, cheaper than ``uuid.uuid4().hex`` in bulk."""
    return f"{(rng.getrandbits(128) & _VERSION_MASK) | _VERSION_BITS:032x}"


# Entry lengths in minutes, drawn uniformly: most entries last 15 minutes to 3 hours.
_MINUTES = (15, 20, 30, 30, 45, 60, 60, 90, 120, 180)


def entry_length(rng: random.Random) -> int:
    """Seconds: 98% of entries 15 min to 3 h; 1.5% a long day; 0.5% forgotten timers that
    ran for one to three days."""
    roll = rng.random()
    if roll < 0.98:
        return _MINUTES[int(roll / 0.098)] * 60 + int(rng.random() * 60)
    if roll < 0.995:
        return 4 * 3600 + int(rng.random() * 6 * 3600)
    return DAY + int(rng.random() * 2 * DAY)


def _previous_working_slot(instant: int) -> int:
    """Move an instant back into working hours on a weekday (epoch day 0 was a Thursday)."""
    day, seconds = divmod(instant, DAY)
    if seconds > WORK_END:
        seconds = WORK_END
    elif seconds < WORK_START:
        day, seconds = day - 1, WORK_END
    while (day + 3) % 7 >= 5:
        day, seconds = day - 1, WORK_END
    return day * DAY + seconds


def account_timeline(rng: random.Random, count: int, now: int) -> tuple[array[int], array[int]]:
    """``count`` starts and ends, newest first, walking back from ``now`` through working
    hours with gaps of up to an hour between entries. Arrays: 16 bytes an entry."""
    starts, ends = array("q"), array("q")
    cursor = now - 600 - int(rng.random() * 3 * 3600)
    for _ in range(count):
        end = _previous_working_slot(cursor)
        start = end - entry_length(rng)
        starts.append(start)
        ends.append(end)
        cursor = start - int(rng.random() * 3600)
    return starts, ends

"""The time entries: each employee's timeline walked back from now, merged so that ids grow
with time as they do in a live database (one account's week is spread over many pages,
not packed in one).

Rows are tuples in ``ENTRY_COLUMNS`` order with epoch seconds for times (None for nulls).
"""

from __future__ import annotations

import heapq
import random
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field

from bench.dataset import ENTRY_NAMES, TRACKABLE_WEIGHTS, Shape, account_timeline, new_uuid
from bench.world import World
from timeledger.models import TimeEntry

# The columns the compiled INSERT and COPY write, in the table's own order. The billing
# columns (issue 11) are left to the database: billable by its server default (true), no
# rate snapshot, not invoiced.
ENTRY_COLUMNS = (
    "firm_id",
    "account_id",
    "trackable_type",
    "trackable_id",
    "name",
    "description",
    "started_at",
    "ended_at",
    "deleted_at",
    "id",
    "uuid",
    "created_at",
    "updated_at",
)
_LEFT_TO_THE_DATABASE = [
    column
    for column in TimeEntry.__table__.columns
    if column.name not in ENTRY_COLUMNS
    and not (column.nullable or column.server_default is not None)
]
assert not _LEFT_TO_THE_DATABASE, _LEFT_TO_THE_DATABASE
# started_at, ended_at, deleted_at; then id, uuid; then created_at, updated_at.
EntryTuple = tuple[
    int, int, str, int, str, str | None, int, int | None, int | None, int, str, int, int
]
# A hundred slots, each trackable type in as many as its weight: one random() picks a type.
_TYPE_SLOTS = tuple(kind.value for kind, weight in TRACKABLE_WEIGHTS for _ in range(weight))
assert len(_TYPE_SLOTS) == 100


@dataclass
class Sample:
    """Entries of the first firm the load driver may address: (entry uuid, account id)."""

    entries: list[tuple[str, int]] = field(default_factory=list)


def _per_account(shape: Shape) -> list[int]:
    base, extra = divmod(shape.entries, shape.staff)
    return [base + (1 if n < extra else 0) for n in range(shape.staff)]


def _oldest_first(
    starts: array[int], ends: array[int], firm_index: int, account_id: int
) -> Iterator[tuple[int, int, int, int, bool]]:
    """(start, end, firm index, account id, is the account's newest) from oldest to newest."""
    for position in range(len(starts) - 1, -1, -1):
        yield starts[position], ends[position], firm_index, account_id, position == 0


def _timelines(
    world: World, shape: Shape, now: int, rng: random.Random
) -> Iterator[tuple[int, int, int, int, bool]]:
    """Every account's entries merged by start, oldest first."""
    counts = iter(_per_account(shape))
    streams = []
    for index, firm in enumerate(world.firms):
        for account_id in firm.employees:
            account_rng = random.Random(rng.getrandbits(64))
            starts, ends = account_timeline(account_rng, next(counts), now)
            streams.append(_oldest_first(starts, ends, index, account_id))
    return heapq.merge(*streams, key=lambda item: item[0])


def generate_entries(
    world: World, shape: Shape, *, now: int, rng: random.Random, sample: Sample
) -> Iterator[EntryTuple]:
    """Every entry, oldest first with ids from 1, as a live database would have them."""
    random_ = rng.random
    trackables = [
        {kind.value: ids for kind, ids in firm.trackables.items()} for firm in world.firms
    ]
    firm_ids = [firm.id for firm in world.firms]
    for next_id, (start, end, firm_index, account_id, newest) in enumerate(
        _timelines(world, shape, now, rng), start=1
    ):
        kind = _TYPE_SLOTS[int(random_() * 100)]
        candidates = trackables[firm_index][kind]
        # The newest entry of an account: a few of them are timers still running.
        ended = None if newest and random_() < shape.running_share else end
        deleted = end + 60 if ended is not None and random_() < shape.deleted_share else None
        entry_uuid = new_uuid(rng)
        if firm_index == 0 and ended is not None and deleted is None:
            sample.entries.append((entry_uuid, account_id))
        stamp = end if ended is not None else start
        yield (
            firm_ids[firm_index],
            account_id,
            kind,
            candidates[int(random_() * len(candidates))],
            ENTRY_NAMES[int(random_() * len(ENTRY_NAMES))],
            None if random_() < 0.3 else "Notes on the work done.",
            start,
            ended,
            deleted,
            next_id,
            entry_uuid,
            stamp,
            stamp,
        )

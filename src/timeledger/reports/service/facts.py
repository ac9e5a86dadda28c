"""What a report needs to know of each entry: whose time it is, its billing client, its case,
the clients whose roll-up holds it, and the pieces it counts as (local date, seconds)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy.orm import Session

from timeledger.billing.service.resolve import case_billing_clients
from timeledger.billing.service.tags import tags_of
from timeledger.models import TrackableType
from timeledger.reports import repository
from timeledger.reports.calendar import day_pieces, day_start, local_date, range_edges
from timeledger.reports.params import Attribution, Dimension, ReportParams
from timeledger.reports.repository import EntryRow
from timeledger.reports.rounding import round_seconds

# Where time with no single billing client goes; each is its own visible bucket.
WITHOUT_FIRM = "firm"
WITHOUT_CIRCLE = "circle"
WITHOUT_SEVERAL = "several_clients"
WITHOUT_NONE = "no_client"

# ("client", account id) or ("without", one of the reasons above).
ClientRef = tuple[str, int | str]


class Piece(NamedTuple):
    day: date
    seconds: int
    rounded_seconds: int


# Not frozen: a frozen dataclass pays for object.__setattr__ on every field, and reports
# build one per entry.
@dataclass(slots=True)
class EntryFacts:
    row: EntryRow
    client: ClientRef
    case_id: int | None
    roll_up_clients: tuple[int, ...]
    pieces: tuple[Piece, ...]
    # The entry's tags as (id, uuid, name), by name: a report counts it in each tag's group.
    tags: tuple[tuple[int, str, str], ...] = ()

    @property
    def seconds(self) -> int:
        return sum(piece.seconds for piece in self.pieces)

    @property
    def rounded_seconds(self) -> int:
        return sum(piece.rounded_seconds for piece in self.pieces)


class Resolver:
    """Resolves entries batch by batch, caching the records they point at."""

    def __init__(
        self, session: Session, params: ReportParams, *, firm_id: int, with_tags: bool = False
    ) -> None:
        self._session = session
        self._firm_id = firm_id
        self._params = params
        # Tags cost one query per batch: loaded only when the report groups, filters or
        # shows by them.
        self._with_tags = with_tags or params.tags is not None or Dimension.TAG in params.group_by
        self._edges = range_edges(params.dates, params.tz)
        # Each local date's first instant: the date of an instant in the range is one
        # bisection away, cheaper than a time-zone conversion per entry.
        self._first = params.dates.first
        self._day_starts = [day_start(day, params.tz) for day in params.dates.days()]
        self._tasks: dict[int, tuple[int | None, int | None]] = {}
        self._board_tasks: dict[int, int] = {}
        self._cases: dict[int, tuple[int, ...]] = {}
        self._case_billing: dict[int, int | None] = {}

    def resolve(self, rows: Sequence[EntryRow]) -> list[EntryFacts]:
        self._load(rows)
        facts = [self._facts(row) for row in rows]
        if not self._with_tags:
            return facts
        tags = tags_of(self._session, [row.id for row in rows], firm_ids={self._firm_id})
        for entry in facts:
            found = tags.get(entry.row.id, [])
            entry.tags = tuple(
                sorted(((tag.id, str(tag.uuid), tag.name) for tag in found), key=lambda t: t[2])
            )
        return facts

    def _load(self, rows: Sequence[EntryRow]) -> None:
        tasks = {r.trackable_id for r in rows if r.trackable_type is TrackableType.TASK}
        boards = {r.trackable_id for r in rows if r.trackable_type is TrackableType.BOARD_TASK}
        self._tasks.update(
            repository.task_parents(
                self._session, tasks - self._tasks.keys(), firm_id=self._firm_id
            )
        )
        self._board_tasks.update(
            repository.board_task_cases(
                self._session, boards - self._board_tasks.keys(), firm_id=self._firm_id
            )
        )
        cases = {r.trackable_id for r in rows if r.trackable_type is TrackableType.CASE}
        cases |= {case for _, case in self._tasks.values() if case is not None}
        cases |= set(self._board_tasks.values())
        self._cases.update(
            repository.case_clients(
                self._session, cases - self._cases.keys(), firm_id=self._firm_id
            )
        )
        # Issue 11's rule decides each case's billing client (its ``billing_client`` when
        # set, else its only client participant); asked once per case per report, in batches.
        self._case_billing.update(
            case_billing_clients(
                self._session, cases - self._case_billing.keys(), firm_id=self._firm_id
            )
        )

    def _case_and_clients(self, row: EntryRow) -> tuple[int | None, tuple[int, ...]]:
        kind = row.trackable_type
        if kind is TrackableType.CLIENT:
            return None, (row.trackable_id,)
        if kind is TrackableType.TASK:
            client, case = self._tasks.get(row.trackable_id, (None, None))
            if client is not None:
                return None, (client,)
            return case, self._cases.get(case, ()) if case is not None else ()
        if kind is TrackableType.BOARD_TASK:
            case = self._board_tasks.get(row.trackable_id)
            return case, self._cases.get(case, ()) if case is not None else ()
        if kind is TrackableType.CASE:
            return row.trackable_id, self._cases.get(row.trackable_id, ())
        return None, ()

    def _billing_client(
        self, kind: TrackableType, case: int | None, clients: tuple[int, ...]
    ) -> ClientRef:
        """The entry's billing client by issue 11's rule
        (``timeledger.billing.service.resolve.billing_scope``), or the visible bucket
        saying why it has none."""
        if kind is TrackableType.FIRM:
            return ("without", WITHOUT_FIRM)
        if kind is TrackableType.CIRCLE:
            return ("without", WITHOUT_CIRCLE)
        if case is None:
            # On a client, or a task on a client: that client (the rule's first cases).
            return ("client", clients[0]) if clients else ("without", WITHOUT_NONE)
        client = self._case_billing.get(case)
        if client is not None:
            return ("client", client)
        return ("without", WITHOUT_SEVERAL if len(clients) > 1 else WITHOUT_NONE)

    def _local_date(self, instant: datetime) -> date:
        if self._edges[0] <= instant < self._edges[1]:
            return self._first + timedelta(days=bisect_right(self._day_starts, instant) - 1)
        return local_date(instant, self._params.tz)

    def _facts(self, row: EntryRow) -> EntryFacts:
        case, clients = self._case_and_clients(row)
        client = self._billing_client(row.trackable_type, case, clients)
        if client[0] == "client" and client[1] not in clients:
            # A case's chosen billing client rolls its time up even when not a participant.
            clients = (*clients, int(client[1]))
        return EntryFacts(
            row=row,
            client=client,
            case_id=case,
            roll_up_clients=clients,
            pieces=self._pieces(row),
        )

    def _pieces(self, row: EntryRow) -> tuple[Piece, ...]:
        params = self._params
        end = row.ended_at or max(params.as_of, row.started_at)
        if params.attribution is Attribution.START:
            seconds = int((end - row.started_at).total_seconds())
            rounded = round_seconds(seconds, params.rounding, params.rounding_minutes)
            return (Piece(self._local_date(row.started_at), seconds, rounded),)
        pieces = list(day_pieces(row.started_at, end, params.tz, within=self._edges))
        if not pieces and self._edges[0] <= row.started_at < self._edges[1]:
            pieces = [(local_date(row.started_at, params.tz), 0)]  # an empty entry still counts
        return tuple(Piece(day, seconds, seconds) for day, seconds in pieces)


def batched(rows: Iterable[EntryRow], size: int = repository.BATCH) -> Iterator[list[EntryRow]]:
    batch: list[EntryRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch

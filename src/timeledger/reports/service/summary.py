"""The summary, weekly and detailed reports, summed in one pass over the selected entries.

Each entry is resolved once and counted once per group it falls in: an entry's pieces (one
under start attribution, one per local day under split) go to their buckets, and a group's
``entries`` counts distinct entries, so totals never count an entry twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.dates import format_api_datetime, zone
from timeledger.errors import ValidationFailed
from timeledger.kit.money import amount_minor
from timeledger.permissions import may_see_amounts
from timeledger.reports.calendar import DateRange, Weekday, week_first
from timeledger.reports.params import COMMON_KEYS, Dimension, ReportParams, check_keys
from timeledger.reports.repository import Named
from timeledger.reports.schemas import (
    Amount,
    GroupNode,
    ReportMeta,
    RoundingRead,
    SummaryReport,
    Totals,
    WeeklyReport,
    WeeklyRow,
)
from timeledger.reports.service.facts import EntryFacts, Piece
from timeledger.reports.service.keys import Ident, Namer, ident, idents
from timeledger.reports.service.selection import (
    Selection,
    firm_week_start,
    select_report,
    selected_facts,
)

SUMMARY_KEYS = COMMON_KEYS | {"group_by"}
# The grid counts raw seconds on the local date each entry started: no range, attribution
# or rounding keys.
WEEKLY_KEYS = (
    COMMON_KEYS - {"from", "to", "period", "attribution", "rounding", "rounding_minutes"}
) | {"week_of"}


@dataclass
class _Node:
    entries: int = 0
    seconds: int = 0
    billable_seconds: int = 0
    rounded_seconds: int = 0
    last_entry: int = -1
    amounts: dict[str, int] = field(default_factory=dict)
    children: dict[Ident, _Node] = field(default_factory=dict)

    def add(self, entry: EntryFacts, piece: Piece, amount: int | None) -> None:
        if self.last_entry != entry.row.id:
            self.entries += 1
            self.last_entry = entry.row.id
        self.seconds += piece.seconds
        self.rounded_seconds += piece.rounded_seconds
        if entry.row.billable:
            self.billable_seconds += piece.seconds
        if amount is not None and entry.row.currency is not None:
            self.amounts[entry.row.currency] = self.amounts.get(entry.row.currency, 0) + amount

    def amounts_read(self, visible: bool) -> list[Amount] | None:
        if not visible:
            return None
        return [Amount(currency=code, amount=self.amounts[code]) for code in sorted(self.amounts)]


def piece_amount(entry: EntryFacts, piece: Piece) -> int | None:
    """What the piece is worth: its rounded seconds (the billed duration; equal to its
    seconds without rounding) at the entry's rate snapshot, by ``kit.money.amount_minor``
    (half up, per entry, so lines add up to totals); None for non-billable time or an entry
    without a rate."""
    rate = entry.row.hourly_rate_minor
    if not entry.row.billable or rate is None:
        return None
    return amount_minor(piece.rounded_seconds, rate)


def meta(params: ReportParams) -> ReportMeta:
    return ReportMeta(
        from_=params.dates.first,
        to=params.dates.last,
        time_zone=params.time_zone,
        week_start=params.week_start.value,
        attribution=params.attribution.value,
        rounding=RoundingRead(mode=params.rounding.value, minutes=params.rounding_minutes),
        as_of=format_api_datetime(params.as_of, params.time_zone),
        includes_running=params.include_running,
        group_by=[dimension.value for dimension in params.group_by],
    )


def _sum(
    facts: Iterator[EntryFacts], params: ReportParams, *also: tuple[Dimension, ...]
) -> list[_Node]:
    """One tree of sums per grouping: ``params.group_by``, then each of ``also``, all from
    one pass over the entries (each entry is resolved once, whatever it is summed into)."""
    layouts = (tuple(params.group_by), *also)
    roots = [_Node() for _ in layouts]
    for entry in facts:
        for piece in entry.pieces:
            amount = piece_amount(entry, piece)
            for root, dimensions in zip(roots, layouts, strict=True):
                root.add(entry, piece, amount)
                _add_below(root, entry, piece, amount, dimensions, params.week_start)
    return roots


def _add_below(
    node: _Node,
    entry: EntryFacts,
    piece: Piece,
    amount: int | None,
    dimensions: tuple[Dimension, ...],
    week_start: Weekday,
) -> None:
    # A piece goes to one bucket per level, except under ``tag``: one per tag of the entry,
    # so tag groups may add up to more than their parent (the parent counts it once).
    # A loop, not a call per level, and a node made only for a new key: this runs for
    # every piece of every entry of the period.
    for depth, dimension in enumerate(dimensions):
        if dimension is Dimension.TAG:
            for key in idents(dimension, entry, piece, week_start):
                child = _child(node, key)
                child.add(entry, piece, amount)
                _add_below(child, entry, piece, amount, dimensions[depth + 1 :], week_start)
            return
        node = _child(node, ident(dimension, entry, piece, week_start))
        node.add(entry, piece, amount)


def _child(node: _Node, key: Ident) -> _Node:
    child = node.children.get(key)
    if child is None:
        child = node.children[key] = _Node()
    return child


def _idents(node: _Node) -> Iterator[Ident]:
    for key, child in node.children.items():
        yield key
        yield from _idents(child)


def _groups(
    node: _Node, namer: Namer, depth: int, levels: int, visible: bool
) -> list[GroupNode] | None:
    if depth == levels:
        return None
    return [
        GroupNode(
            key=namer.render(key),
            entries=child.entries,
            seconds=child.seconds,
            billable_seconds=child.billable_seconds,
            rounded_seconds=child.rounded_seconds,
            amounts=child.amounts_read(visible),
            groups=_groups(child, namer, depth + 1, levels, visible),
        )
        for key, child in sorted(node.children.items(), key=lambda item: namer.sort_key(item[0]))
    ]


def namer_of(session: Session, actor: Actor) -> Namer:
    """Names the report's keys: the records of the actor's firm, and the firm itself."""
    return Namer(session, Named(actor.firm.uuid, actor.firm.name), firm_id=actor.firm.id)


def summary(
    session: Session, *, actor: Actor, query: Mapping[str, str], now: datetime
) -> SummaryReport:
    """Totals of the selected time, grouped by up to three dimensions (docs/reports.md).

    ``query`` holds the API's query keys (``from``, ``to``/``period``, ``group_by``,
    ``filter[...]``, ``attribution``, ``rounding``, ``rounding_minutes``,
    ``include_running``, ``as_of``); ``now`` (UTC) is the default ``as_of`` and decides
    named periods. Raises ``Forbidden`` (403) and ``ValidationFailed`` (422).
    """
    selection = select_report(session, actor=actor, query=query, now=now, allowed=SUMMARY_KEYS)
    return summary_of(session, actor=actor, selection=selection)


def summary_of(session: Session, *, actor: Actor, selection: Selection) -> SummaryReport:
    params = selection.params
    (root,) = _sum(selected_facts(session, selection), params)
    return _report(session, actor, params, root, params.group_by)


def summary_with_series(
    session: Session,
    *,
    actor: Actor,
    query: Mapping[str, str],
    now: datetime,
    series_by: Callable[[DateRange], Dimension],
) -> tuple[SummaryReport, SummaryReport]:
    """``summary``'s report of ``query``, and the same time grouped by the one time
    dimension ``series_by`` picks for the range (the web's chart: day or month), summed in
    the same pass over the same entries: the second report's buckets add up to the first's
    totals by construction. Raises as ``summary``."""
    selection = select_report(session, actor=actor, query=query, now=now, allowed=SUMMARY_KEYS)
    params = selection.params
    series = series_by(params.dates)
    root, over_time = _sum(selected_facts(session, selection), params, (series,))
    return (
        _report(session, actor, params, root, params.group_by),
        _report(session, actor, params, over_time, [series]),
    )


def _report(
    session: Session,
    actor: Actor,
    params: ReportParams,
    root: _Node,
    group_by: Sequence[Dimension],
) -> SummaryReport:
    namer = namer_of(session, actor)
    namer.load(_idents(root))
    visible = may_see_amounts(actor)
    report_meta = meta(params)
    report_meta.group_by = [dimension.value for dimension in group_by]
    return SummaryReport(
        meta=report_meta,
        totals=Totals(
            entries=root.entries,
            seconds=root.seconds,
            billable_seconds=root.billable_seconds,
            rounded_seconds=root.rounded_seconds,
            amounts=root.amounts_read(visible),
        ),
        groups=_groups(root, namer, 0, len(group_by), visible) or [],
    )


def weekly(
    session: Session, *, actor: Actor, query: Mapping[str, str], now: datetime
) -> WeeklyReport:
    """The timesheet grid of the firm week holding ``week_of`` (a local date; default
    today): one row per staff member and trackable, seconds per local day, row, day and
    grand totals. Raises ``Forbidden`` (403) and ``ValidationFailed`` (422)."""
    raw = (query.get("week_of") or "").strip()
    try:
        day = date.fromisoformat(raw) if raw else None
    except ValueError:
        raise ValidationFailed.field("week_of", "The week_of field must be a date.") from None
    check_keys(query, WEEKLY_KEYS)
    rest = {key: value for key, value in query.items() if key != "week_of"}
    today = now.astimezone(zone(actor.firm.time_zone)).date()
    first = week_first(day or today, firm_week_start(actor))
    dates = [first + timedelta(days=offset) for offset in range(7)]
    selection = select_report(
        session,
        actor=actor,
        query={**rest, "group_by": "staff,trackable,day"},
        now=now,
        allowed=WEEKLY_KEYS | {"group_by"},
        dates=DateRange(dates[0], dates[-1]),
    )
    return weekly_of(session, actor=actor, selection=selection, dates=dates)


def weekly_of(
    session: Session, *, actor: Actor, selection: Selection, dates: list[date]
) -> WeeklyReport:
    params = selection.params
    (root,) = _sum(selected_facts(session, selection), params)
    namer = namer_of(session, actor)
    namer.load(_idents(root))
    column = {day: index for index, day in enumerate(dates)}
    rows = []
    for staff_key, staff_node in root.children.items():
        for trackable_key, node in staff_node.children.items():
            days = [0] * 7
            for day_key, day_node in node.children.items():
                days[column[day_key[1]]] += day_node.seconds
            rows.append(
                (
                    (namer.sort_key(staff_key), namer.sort_key(trackable_key)),
                    WeeklyRow(
                        staff=namer.render(staff_key),
                        trackable=namer.render(trackable_key),
                        days=days,
                        total=sum(days),
                    ),
                )
            )
    rows.sort(key=lambda item: item[0])
    grid = [row for _, row in rows]
    report_meta = meta(params)
    report_meta.group_by = []
    return WeeklyReport(
        meta=report_meta,
        dates=dates,
        rows=grid,
        day_totals=[sum(row.days[index] for row in grid) for index in range(7)],
        total=root.seconds,
    )

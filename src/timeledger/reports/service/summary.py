"""The summary, weekly and detailed reports, summed in one pass over the selected entries.

Each entry is resolved once and counted once per group it falls in: an entry's pieces (one
under start attribution, one per local day under split) go to their buckets, and a group's
``entries`` counts distinct entries, so totals never count an entry twice.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.billing.service.locks import in_locked_period
from timeledger.dates import format_api_datetime, format_optional, zone
from timeledger.errors import ValidationFailed
from timeledger.kit.money import amount_minor
from timeledger.permissions import may_see_amounts
from timeledger.reports.calendar import DateRange, week_first
from timeledger.reports.params import COMMON_KEYS, ReportParams, check_keys
from timeledger.reports.repository import Named
from timeledger.reports.schemas import (
    Amount,
    DetailedEntry,
    DetailedReport,
    GroupNode,
    ReportMeta,
    RoundingRead,
    SummaryReport,
    Totals,
    WeeklyReport,
    WeeklyRow,
)
from timeledger.reports.service.facts import EntryFacts, Piece
from timeledger.reports.service.keys import Ident, Namer, idents
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
DETAILED_KEYS = COMMON_KEYS | {"cursor", "per_page"}
MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 50


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


def _sum(facts: Iterator[EntryFacts], params: ReportParams) -> _Node:
    root = _Node()
    for entry in facts:
        for piece in entry.pieces:
            amount = piece_amount(entry, piece)
            root.add(entry, piece, amount)
            _add_below(root, entry, piece, amount, params, 0)
    return root


def _add_below(
    node: _Node,
    entry: EntryFacts,
    piece: Piece,
    amount: int | None,
    params: ReportParams,
    depth: int,
) -> None:
    # A piece goes to one bucket per level, except under ``tag``: one per tag of the entry,
    # so tag groups may add up to more than their parent (the parent counts it once).
    if depth == len(params.group_by):
        return
    for key in idents(params.group_by[depth], entry, piece, params.week_start):
        child = node.children.setdefault(key, _Node())
        child.add(entry, piece, amount)
        _add_below(child, entry, piece, amount, params, depth + 1)


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


def _namer(session: Session, actor: Actor) -> Namer:
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
    root = _sum(selected_facts(session, selection), params)
    namer = _namer(session, actor)
    namer.load(_idents(root))
    visible = may_see_amounts(actor)
    return SummaryReport(
        meta=meta(params),
        totals=Totals(
            entries=root.entries,
            seconds=root.seconds,
            billable_seconds=root.billable_seconds,
            rounded_seconds=root.rounded_seconds,
            amounts=root.amounts_read(visible),
        ),
        groups=_groups(root, namer, 0, len(params.group_by), visible) or [],
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
    root = _sum(selected_facts(session, selection), params)
    namer = _namer(session, actor)
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


# Detailed ------------------------------------------------------------------------------


def _fingerprint(query: Mapping[str, str]) -> str:
    kept = sorted((k, v) for k, v in query.items() if k not in {"cursor", "per_page"})
    return hashlib.sha256(json.dumps(kept).encode()).hexdigest()


def _cursor(query: Mapping[str, str], started_at: datetime, entry_id: int) -> str:
    position = [started_at.isoformat(), entry_id]
    check = hashlib.sha256((_fingerprint(query) + json.dumps(position)).encode()).hexdigest()
    raw = json.dumps({"p": position, "c": check[:24]}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_cursor(query: Mapping[str, str]) -> tuple[datetime, int] | None:
    raw = (query.get("cursor") or "").strip()
    if not raw:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        started, entry_id = data["p"]
        position = (datetime.fromisoformat(started), int(entry_id))
    except (ValueError, TypeError, KeyError, binascii.Error):
        position = None
    if position is None or _cursor(query, *position) != raw:
        raise ValidationFailed.field(
            "cursor", "The cursor is invalid: use the next_cursor of the same report."
        )
    return position


def _per_page(query: Mapping[str, str]) -> int:
    raw = (query.get("per_page") or "").strip()
    if not raw:
        return DEFAULT_PER_PAGE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PER_PAGE:
        raise ValidationFailed.field(
            "per_page", f"The per_page field must be an integer from 1 to {MAX_PER_PAGE}."
        )
    return int(raw)


def detailed(
    session: Session, *, actor: Actor, query: Mapping[str, str], now: datetime
) -> DetailedReport:
    """One page of the entries behind a summary (same range and filters), ordered by start
    then id; ``cursor`` continues from ``next_cursor``. ``per_page`` 1-500 (default 50).
    Raises ``Forbidden`` (403) and ``ValidationFailed`` (422, also for a changed cursor)."""
    selection = select_report(session, actor=actor, query=query, now=now, allowed=DETAILED_KEYS)
    per_page = _per_page(query)
    after = _read_cursor(query)
    page: list[EntryFacts] = []
    more = False
    for facts in selected_facts(session, selection, after=after, with_tags=True, detailed=True):
        if len(page) == per_page:
            more = True
            break
        page.append(facts)
    entries = present_entries(session, actor=actor, selection=selection, facts=page)
    last = page[-1].row if page else None
    return DetailedReport(
        meta=meta(selection.params),
        data=entries,
        next_cursor=_cursor(query, last.started_at, last.id) if more and last else None,
        per_page=per_page,
    )


def detailed_rows(
    session: Session, *, actor: Actor, selection: Selection, batch: int = 1000
) -> Iterator[DetailedEntry]:
    """Every selected entry, presented, streamed in batches (for exports)."""
    chunk: list[EntryFacts] = []
    for facts in selected_facts(session, selection, with_tags=True, detailed=True):
        chunk.append(facts)
        if len(chunk) == batch:
            yield from present_entries(session, actor=actor, selection=selection, facts=chunk)
            chunk = []
    yield from present_entries(session, actor=actor, selection=selection, facts=chunk)


def present_entries(
    session: Session, *, actor: Actor, selection: Selection, facts: list[EntryFacts]
) -> list[DetailedEntry]:
    params = selection.params
    namer = _namer(session, actor)
    keys: list[Ident] = []
    for entry in facts:
        keys += [
            ("staff", entry.row.account_id),
            ("client", *entry.client),
            ("trackable", entry.row.trackable_type, entry.row.trackable_id),
        ]
    namer.load(keys)
    visible = may_see_amounts(actor)
    # Locked as issue 11's ``lock_reason`` says: invoiced, or inside the lock period.
    return [
        DetailedEntry(
            uuid=str(entry.row.uuid),
            local_date=entry.pieces[0].day,
            start_date=format_api_datetime(entry.row.started_at, params.time_zone),
            end_date=format_optional(entry.row.ended_at, params.time_zone),
            is_running=entry.row.ended_at is None,
            name=entry.row.name,
            description=entry.row.description,
            staff=namer.render(("staff", entry.row.account_id)),
            trackable=namer.render(("trackable", entry.row.trackable_type, entry.row.trackable_id)),
            client=namer.render(("client", *entry.client)),
            seconds=entry.seconds,
            rounded_seconds=entry.rounded_seconds,
            billable=entry.row.billable,
            hourly_rate_minor=entry.row.hourly_rate_minor if visible else None,
            currency=entry.row.currency if visible else None,
            amount=_entry_amount(entry) if visible else None,
            tags=[{"type": "tag", "uuid": uuid, "name": name} for _, uuid, name in entry.tags],
            is_locked=entry.row.invoiced_at is not None
            or in_locked_period(entry.row.started_at, actor.firm),
        )
        for entry in facts
        if entry.pieces
    ]


def _entry_amount(entry: EntryFacts) -> int | None:
    amounts = [piece_amount(entry, piece) for piece in entry.pieces]
    if not amounts or amounts[0] is None:
        return None
    return sum(amount or 0 for amount in amounts)

"""One report's selection: the checked parameters, the filters resolved to ids of the
caller's firm, and the stream of entries (with their facts) that it selects."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.errors import ValidationFailed
from timeledger.permissions import may_read_reports, reports_default_to_own_time, require
from timeledger.reports import repository
from timeledger.reports.calendar import DEFAULT_WEEK_START, DateRange, Weekday, range_edges
from timeledger.reports.params import Attribution, ReportParams, parse_params
from timeledger.reports.service.facts import EntryFacts, Resolver, batched


@dataclass(frozen=True)
class Selection:
    params: ReportParams
    firm_id: int
    firm_name: str
    staff_ids: tuple[int, ...] | None
    client_ids: frozenset[int] | None
    case_ids: frozenset[int] | None
    tag_ids: frozenset[int] | None = None

    def range_query(self) -> repository.RangeQuery:
        lo, hi = range_edges(self.params.dates, self.params.tz)
        return repository.RangeQuery(
            firm_id=self.firm_id,
            lo=lo,
            hi=hi,
            overlap=self.params.attribution is Attribution.SPLIT,
            include_running=self.params.include_running,
            as_of=self.params.as_of,
            account_ids=self.staff_ids,
            trackable_types=self.params.trackable_types,
            billable=self.params.billable,
        )

    def keeps(self, facts: EntryFacts) -> bool:
        if self.tag_ids is not None:
            carried = {tag[0] for tag in facts.tags}
            if self.params.all_tags and not self.tag_ids <= carried:
                return False
            if not self.tag_ids & carried:
                return False
        if self.case_ids is not None and facts.case_id not in self.case_ids:
            return False
        return self.client_ids is None or not self.client_ids.isdisjoint(facts.roll_up_clients)


def _ids(
    found: Mapping[uuid.UUID, int], wanted: tuple[uuid.UUID, ...], name: str
) -> tuple[int, ...]:
    """The ids of every UUID; one that names nothing in this firm (unknown, or another
    firm's: the same answer) is a 422."""
    missing = [str(value) for value in wanted if value not in found]
    if missing:
        raise ValidationFailed.field(
            f"filter[{name}]", f"The selected filter[{name}] is invalid: {missing[0]} is unknown."
        )
    return tuple(found[value] for value in wanted)


def firm_week_start(actor: Actor) -> Weekday:
    """The firm's first day of the week (issue 11's ``week_start``), Monday by default."""
    try:
        return Weekday(actor.firm.week_start)
    except ValueError:
        return DEFAULT_WEEK_START


def select_report(
    session: Session,
    *,
    actor: Actor,
    query: Mapping[str, str],
    now: datetime,
    allowed: frozenset[str],
    dates: DateRange | None = None,
) -> Selection:
    """Check the caller may report, read the query, and resolve its filters.

    Raises ``Forbidden`` (403) for non-employees, ``ValidationFailed`` (422) for bad input.
    """
    require(may_read_reports(actor))
    firm = actor.firm
    params = parse_params(
        query,
        time_zone=firm.time_zone,
        now=now,
        allowed=allowed,
        dates=dates,
        week_start=firm_week_start(actor),
    )
    staff: tuple[int, ...] | None = None
    if params.staff is not None:
        staff = _ids(repository.account_ids(session, firm.id, params.staff), params.staff, "staff")
    elif reports_default_to_own_time(actor):
        staff = (actor.account.id,)
    clients = cases = None
    if params.clients is not None:
        found = repository.client_ids(session, firm.id, params.clients)
        clients = frozenset(_ids(found, params.clients, "clients"))
    if params.cases is not None:
        cases = frozenset(
            _ids(repository.case_ids(session, firm.id, params.cases), params.cases, "cases")
        )
    tags = None
    if params.tags is not None:
        tags = frozenset(
            _ids(repository.tag_ids(session, firm.id, params.tags), params.tags, "tags")
        )
    return Selection(
        params=params,
        tag_ids=tags,
        firm_id=firm.id,
        firm_name=firm.name,
        staff_ids=staff,
        client_ids=clients,
        case_ids=cases,
    )


def selected_facts(
    session: Session,
    selection: Selection,
    *,
    after: tuple[datetime, int] | None = None,
    with_tags: bool = False,
    detailed: bool = False,
) -> Iterator[EntryFacts]:
    """The selected entries' facts in (start, id) order, streamed in batches; their tags
    when ``with_tags`` or the report groups or filters by tag; each row's UUID, name,
    description and invoice stamp only when ``detailed`` (the detailed report)."""
    resolver = Resolver(session, selection.params, firm_id=selection.firm_id, with_tags=with_tags)
    rows = repository.range_entries(
        session, selection.range_query(), after=after, detailed=detailed
    )
    for batch in batched(rows):
        for facts in resolver.resolve(batch):
            if selection.keeps(facts):
                yield facts

"""Reading time entries: one entry (found for every route that names one), the lists
``/time-entry[/{type}[/{uuid}]]`` and a client's roll-up."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.billing.service import tags
from timeledger.dates import (
    AFTER_LATEST,
    EARLIEST,
    MAX_YEAR,
    MIN_YEAR,
    parse_api_datetime,
    shifted,
    to_utc,
)
from timeledger.errors import NotFound, ValidationFailed
from timeledger.kit.ids import uuid_or_not_found
from timeledger.kit.listing import ListParams, uuids_of_filter
from timeledger.kit.paging import Page, build_page, page_of
from timeledger.models import Account, Firm, TimeEntry, TrackableType
from timeledger.permissions import (
    may_list_every_accounts_entries,
    may_see_amounts,
    may_use_time_entries,
    require,
)
from timeledger.time_entries import repository
from timeledger.time_entries.schemas import TimeEntryRead
from timeledger.time_entries.service.present import present_many, present_one
from timeledger.trackables.repository import Trackable, find_trackable
from timeledger.trackables.service import parse_trackable_type

SORTS = ("created_at", "start_date", "end_date")
DEFAULT_SORT = "-end_date"
# Every time-entry list also takes the tag filters (issue 11).
TAG_FILTERS = ("tags", "tag_match")
ENTRY_FILTERS = ("uuid", "accounts", "circle_uuids", "between", *TAG_FILTERS)
CLIENT_FILTERS = (
    *TAG_FILTERS,
    "trackable_type",
    "account_uuids",
    "start_date_after",
    "start_date_before",
    "end_date_after",
    "end_date_before",
)
TAG_FILTER_DESCRIPTIONS = {
    "tags": "Extension: comma-separated tag UUIDs: entries with any of them (all of them "
    "with filter[tag_match]=all).",
    "tag_match": "Extension: any (default) or all.",
}
ENTRY_FILTER_DESCRIPTIONS = {
    **TAG_FILTER_DESCRIPTIONS,
    "uuid": "Comma-separated time-entry UUIDs.",
    "accounts": "Comma-separated UUIDs of the accounts whose entries to list, or `*` for "
    "every account of the firm (owners and admins; an extension). Absent: only your own "
    "entries.",
    "circle_uuids": "Comma-separated circle UUIDs: entries on those circles or on the "
    "client accounts in them.",
    "between": "Two dates, Y-m-d,Y-m-d: entries that started on those days or between "
    "them (inclusive, in the firm's time zone).",
}
CLIENT_FILTER_DESCRIPTIONS = {
    **TAG_FILTER_DESCRIPTIONS,
    "trackable_type": "Comma-separated trackable types: client, case, task, board_task.",
    "account_uuids": "Comma-separated UUIDs of the accounts whose entries to list, or `*` "
    "for every account of the firm (owners and admins; an extension). Absent: only your "
    "own entries.",
    **{
        f"{field}_{side}": f"A date (Y-m-d, the whole day counts) or a date-time: entries "
        f"whose {field.replace('_', ' ')} is on or {side} it."
        for field in ("start_date", "end_date")
        for side in ("after", "before")
    },
}
NOT_FOUND = "No time entry with that UUID."
_TYPE_NOT_FOUND = (
    "Not Found: `{}` is neither a time entry UUID nor a trackable type "
    "(client, board_task, case, circle, firm or task)."
)


def show_time_entry(
    session: Session, *, actor: Actor, entry_uuid: str | uuid.UUID, now: datetime
) -> TimeEntryRead:
    entry = find_entry(session, actor=actor, entry_uuid=entry_uuid)
    return present_one(session, entry, firm=actor.firm, now=now, actor=actor)


def find_entry(session: Session, *, actor: Actor, entry_uuid: str | uuid.UUID) -> TimeEntry:
    """The live entry of the caller's firm the path names; 404 for anything else,
    a malformed UUID included."""
    require(may_use_time_entries(actor))
    parsed = uuid_or_not_found(entry_uuid, NOT_FOUND)
    entry = repository.live_entry(session, firm_id=actor.firm.id, entry_uuid=parsed)
    if entry is None:
        raise NotFound(NOT_FOUND)
    return entry


def running_entries(
    session: Session, *, accounts: Sequence[tuple[Account, Firm]], now: datetime
) -> dict[int, TimeEntryRead]:
    """The running entry of each of these accounts (with its firm), by account id; an
    account with no timer running has no key. One query for all of them."""
    running = repository.running_entries(
        session,
        [account.id for account, _ in accounts],
        firm_ids={firm.id for _, firm in accounts},
    )
    firms = {firm.id: firm for _, firm in accounts}
    presented = present_many(session, running, firms=firms, now=now)
    return {entry.account_id: read for entry, read in zip(running, presented, strict=True)}


def list_time_entries(
    session: Session,
    *,
    actor: Actor,
    params: ListParams,
    now: datetime,
    trackable_type: str | None = None,
    trackable_uuid: str | None = None,
) -> Page[TimeEntryRead]:
    require(may_use_time_entries(actor))
    conditions = _trackable_scope(session, actor, trackable_type, trackable_uuid)
    conditions += _entry_filters(actor, params.filters)
    statement = repository.firm_entries(actor.firm.id).where(*conditions)
    return _page(session, actor=actor, statement=statement, params=params, now=now)


def list_client_time_entries(
    session: Session, *, actor: Actor, client_uuid: str, params: ListParams, now: datetime
) -> Page[TimeEntryRead]:
    """Entries on the client, on its cases, and on the tasks and board tasks of either."""
    require(may_use_time_entries(actor))
    missing = "No client with that UUID."
    parsed = uuid_or_not_found(client_uuid, missing)
    client = repository.client_account(session, firm_id=actor.firm.id, account_uuid=parsed)
    if client is None:
        raise NotFound(missing)
    statement = repository.client_entries(session, actor.firm.id, client.id).where(
        *_client_filters(actor, params.filters)
    )
    return _page(session, actor=actor, statement=statement, params=params, now=now)


def _page(
    session: Session,
    *,
    actor: Actor,
    statement: Select[TimeEntry],
    params: ListParams,
    now: datetime,
) -> Page[TimeEntryRead]:
    entries, total = page_of(
        session, statement, params=params, order_by=repository.entry_order(params.sort)
    )
    items = present_many(
        session,
        entries,
        firms={actor.firm.id: actor.firm},
        now=now,
        show_amounts=may_see_amounts(actor),
    )
    return build_page(items, total=total, params=params)


def _trackable_scope(
    session: Session, actor: Actor, raw_type: str | None, raw_uuid: str | None
) -> list[ColumnElement[bool]]:
    if raw_type is None:
        return []
    kind = parse_trackable_type(raw_type)
    if kind is None:
        raise NotFound(_TYPE_NOT_FOUND.format(raw_type))
    if raw_uuid is None:
        return [repository.trackable_type_in([kind])]
    missing = f"No {kind.value.replace('_', ' ')} with that UUID in this firm."
    trackable = find_trackable(
        session,
        firm=actor.firm,
        trackable_type=kind,
        trackable_uuid=uuid_or_not_found(raw_uuid, missing),
        include_archived=True,
    )
    if trackable is None:
        raise NotFound(missing)
    return [repository.on_trackables(kind, [trackable.id])]


def _tagged(actor: Actor, filters: dict[str, list[str]]) -> list[ColumnElement[bool]]:
    condition = tags.tag_condition(actor, filters)
    return [] if condition is None else [condition]


def entry_conditions(actor: Actor, filters: dict[str, list[str]]) -> list[ColumnElement[bool]]:
    """The conditions ``GET /api/v1/time-entry`` applies for these filters; 422 on an
    unknown filter."""
    unknown = sorted(set(filters) - set(ENTRY_FILTERS))
    if unknown:
        raise ValidationFailed.field(
            "filter",
            f"Unknown filter(s) {', '.join(unknown)}; allowed: {', '.join(ENTRY_FILTERS)}.",
        )
    return _entry_filters(actor, filters)


def _entry_filters(actor: Actor, filters: dict[str, list[str]]) -> list[ColumnElement[bool]]:
    conditions = [_accounts(actor, filters.get("accounts"), "accounts"), *_tagged(actor, filters)]
    if filters.get("uuid"):
        conditions.append(repository.uuid_in(uuids_of_filter(filters["uuid"], "uuid")))
    if filters.get("circle_uuids"):
        circles = uuids_of_filter(filters["circle_uuids"], "circle_uuids")
        conditions.append(repository.on_circles(actor.firm.id, circles))
    if filters.get("between"):
        first, last = _between(filters["between"], actor.firm.time_zone)
        conditions += [
            repository.started_at_least(first),
            repository.started_before(last, inclusive=False),
        ]
    return conditions


def _client_filters(actor: Actor, filters: dict[str, list[str]]) -> list[ColumnElement[bool]]:
    conditions = [
        _accounts(actor, filters.get("account_uuids"), "account_uuids"),
        *_tagged(actor, filters),
    ]
    if filters.get("trackable_type"):
        conditions.append(repository.trackable_type_in(_kinds(filters["trackable_type"])))
    time_zone = actor.firm.time_zone
    for name, at_least, before in (
        ("start_date", repository.started_at_least, repository.started_before),
        ("end_date", repository.ended_at_least, repository.ended_before),
    ):
        if filters.get(f"{name}_after"):
            bound, _ = _bound(filters[f"{name}_after"], f"{name}_after", time_zone, end=False)
            conditions.append(at_least(bound))
        if filters.get(f"{name}_before"):
            bound, is_day = _bound(filters[f"{name}_before"], f"{name}_before", time_zone, end=True)
            conditions.append(before(bound, inclusive=not is_day))
    return conditions


ALL_ACCOUNTS = "*"


def _accounts(actor: Actor, values: list[str] | None, name: str) -> ColumnElement[bool]:
    """Whose entries: the accounts named, ``*`` for every account of the firm (owners and
    admins; an extension), or else only the caller's own."""
    if not values:
        return repository.account_is(actor.account.id)
    if ALL_ACCOUNTS in values:
        if values != [ALL_ACCOUNTS]:
            raise ValidationFailed.field(
                f"filter[{name}]", f"filter[{name}]=* stands alone: it means every account."
            )
        require(may_list_every_accounts_entries(actor))
        return repository.account_in_firm(actor.firm.id)
    return repository.account_uuid_in(actor.firm.id, uuids_of_filter(values, name))


def _kinds(values: Sequence[str]) -> list[TrackableType]:
    kinds = [parse_trackable_type(value) for value in values]
    if None in kinds:
        raise ValidationFailed.field(
            "filter[trackable_type]",
            "The selected filter[trackable_type] is invalid: use client, board_task, case, "
            "circle, firm or task.",
        )
    return [kind for kind in kinds if kind is not None]


def _between(values: list[str], time_zone: str) -> tuple[datetime, datetime]:
    """``Y-m-d,Y-m-d`` as [first day's midnight, the day after the last day's midnight),
    days in 1900-01-01..9998-12-31. At the calendar's edges a local midnight can fall
    outside the years stored (1900-01-01 east of UTC is 1899 in UTC); the bound then
    stops at the earliest or latest instant stored, which selects the same entries."""
    form = "The filter[between] must be two dates, Y-m-d,Y-m-d, such as 2025-08-01,2025-08-31."
    days = [_local_day(value) for value in values]
    if len(days) != 2 or None in days:
        raise ValidationFailed.field("filter[between]", form)
    first, last = days
    assert first is not None
    assert last is not None
    if not all(MIN_YEAR <= day.year <= MAX_YEAR for day in (first, last)):
        raise ValidationFailed.field(
            "filter[between]",
            "The filter[between] dates must lie between 1900-01-01 and 9998-12-31.",
        )
    if first > last:
        raise ValidationFailed.field(
            "filter[between]", "The filter[between] first date must not be after the second."
        )
    return _edge(first, time_zone, EARLIEST), _edge(
        last + timedelta(days=1), time_zone, AFTER_LATEST
    )


def _edge(day: datetime, time_zone: str, beyond: datetime) -> datetime:
    try:
        return to_utc(day, time_zone)
    except ValueError:
        return beyond


def _local_day(value: str) -> datetime | None:
    if len(value) != 10:
        return None
    try:
        return parse_api_datetime(value)
    except ValueError:
        return None


def _bound(values: list[str], name: str, time_zone: str, *, end: bool) -> tuple[datetime, bool]:
    """A date-time bound, and whether it was a bare date (the whole day counts: an upper
    bound then becomes the next day's midnight, exclusive)."""
    label = f"filter[{name}]"
    try:
        if len(values) != 1:
            raise ValueError(values)
        parsed = parse_api_datetime(values[0])
        is_day = len(values[0]) == 10
        if is_day and end:
            parsed = shifted(parsed, timedelta(days=1))
        return to_utc(parsed, time_zone), is_day
    except ValueError:
        raise ValidationFailed.field(
            label, f"The {label} must be a date (Y-m-d) or a date-time (ISO 8601)."
        ) from None


def recent_trackables(
    session: Session, *, actor: Actor, limit: int = 8
) -> list[tuple[TrackableType, Trackable]]:
    """What the caller last tracked time on, most recent first (the timer's first
    suggestions); archived ones are left out, as they take no new time."""
    require(may_use_time_entries(actor))
    keys = repository.recent_trackable_keys(
        session, firm_id=actor.firm.id, account_id=actor.account.id, limit=limit
    )
    found = repository.trackables_by_key(
        session, firms={actor.firm.id: actor.firm}, firm_ids={actor.firm.id}, keys=keys
    )
    return [
        (kind, found[(kind, ident)])
        for kind, ident in keys
        if (kind, ident) in found and getattr(found[(kind, ident)], "archived_at", None) is None
    ]

"""Every summary against a brute-force reference computed here, minute by minute.

Random minute-aligned entries (finished and running) around the DST changes of
Europe/London and America/New_York, on every kind of trackable (a joint case too), by two
staff; random ranges, groupings of up to three levels, both attributions, every rounding
mode. The reference walks each entry one minute at a time and asks ``zoneinfo`` for that
minute's local date: no edges, no cutting, no shared code with the service.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from math import ceil, floor
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, make_staff, make_world
from tests.factories.time_entries import make_entry
from timeledger.auth.service import Actor, authenticate
from timeledger.cases.service import create_case
from timeledger.models import Account, TimeEntry
from timeledger.reports import service
from timeledger.reports.params import Dimension

# A DST change of each zone, as a UTC instant.
CHANGES = {
    "Europe/London": [datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC)],
    "America/New_York": [
        datetime(2026, 3, 8, 7, tzinfo=UTC),
        datetime(2026, 11, 1, 6, tzinfo=UTC),
    ],
}
DIMENSIONS = [
    "day",
    "week",
    "month",
    "tax_year",
    "staff",
    "client",
    "case",
    "trackable",
    "trackable_type",
    "billable",
]
# Rate snapshots (minor units per hour, currency) an entry may carry; None: no rate.
RATES: list[tuple[int, str] | None] = [None, (15000, "GBP"), (9999, "GBP"), (12345, "USD")]
ROUNDINGS = [("none", None)] + [
    (mode, minutes) for mode in ("up", "down", "nearest") for minutes in (1, 6, 15, 60)
]


@dataclass
class Fixture:
    world: FirmWorld
    actor: Actor
    staff: list[Account]
    # trackable -> (trackable type, expected client key, expected case)
    records: list[tuple[Any, str, dict[str, Any], Any]]


def _fixture(session: Session, zone_name: str) -> Fixture:
    world = make_world(session, now=FROZEN_NOW, name=f"Firm {zone_name}", time_zone=zone_name)
    second = make_staff(session, world.firm, now=FROZEN_NOW, first_name="Blake")
    joint = create_case(
        session,
        firm=world.firm,
        name="Joint",
        participants=[world.client, world.other_client],
        now=FROZEN_NOW,
    )
    # A joint case whose chosen billing client bills all its time (issue 11's rule).
    billed = create_case(
        session,
        firm=world.firm,
        name="Joint billed",
        participants=[world.client, world.other_client],
        now=FROZEN_NOW,
        billing_client_id=world.other_client.id,
    )
    session.flush()

    def client(account: Account) -> dict[str, Any]:
        return {"type": "client", "uuid": str(account.uuid)}

    def without(reason: str) -> dict[str, Any]:
        return {"type": "client", "uuid": None, "without": reason}

    records = [
        (world.client, "client", client(world.client), None),
        (world.other_client, "client", client(world.other_client), None),
        (world.case, "case", client(world.client), world.case),
        (joint, "case", without("several_clients"), joint),
        (world.task, "task", client(world.client), None),
        (world.case_task, "task", client(world.client), world.case),
        (world.board_task, "board_task", client(world.client), world.case),
        (world.circle, "circle", without("circle"), None),
        (world.firm, "firm", without("firm"), None),
        (billed, "case", client(world.other_client), billed),
    ]
    actor = authenticate(session, bearer=world.owner.token, account_header=None, now=FROZEN_NOW)
    return Fixture(world, actor, [world.owner.account, second.account], records)


@pytest.fixture
def fixtures(session: Session) -> dict[str, Fixture]:
    return {name: _fixture(session, name) for name in CHANGES}


entries_strategy = st.lists(
    st.tuples(
        st.integers(0, 9),  # which record
        st.integers(0, 1),  # which staff
        st.integers(-3 * 1440, 3 * 1440),  # start, minutes from the change
        st.one_of(st.none(), st.integers(0, 120), st.integers(0, 40 * 60)),  # minutes, or running
        st.booleans(),  # billable
        st.integers(0, len(RATES) - 1),  # which rate snapshot
    ),
    max_size=8,
)


def _round(seconds: int, mode: str, minutes: int | None) -> int:
    if mode == "none" or minutes is None:
        return seconds
    step = minutes * 60
    ratio = Fraction(seconds, step)
    if mode == "up":
        return ceil(ratio) * step
    if mode == "down":
        return floor(ratio) * step
    return floor(ratio + Fraction(1, 2)) * step


def _time_key(kind: str, day: date) -> dict[str, Any]:
    if kind == "day":
        return {"type": "day", "date": day.isoformat()}
    if kind == "week":
        first = day - timedelta(days=day.weekday())
        return {"type": "week", "start": str(first), "end": str(first + timedelta(days=6))}
    if kind == "month":
        return {"type": "month", "month": f"{day.year:04d}-{day.month:02d}"}
    year = day.year if (day.month, day.day) >= (4, 6) else day.year - 1
    return {"type": "tax_year", "start": f"{year}-04-06", "end": f"{year + 1}-04-05"}


def _canonical(key: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in key.items() if k != "name"}, sort_keys=True)


def _flatten(
    groups: list[dict[str, Any]] | None, path: tuple[str, ...], out: dict[Any, Any]
) -> None:
    for group in groups or []:
        here = (*path, _canonical(group["key"]))
        out[here] = (
            group["entries"],
            group["seconds"],
            group["rounded_seconds"],
            group["billable_seconds"],
            _amounts(group["amounts"]),
        )
        _flatten(group["groups"], here, out)


def _amounts(amounts: list[dict[str, Any]]) -> dict[str, int]:
    return {line["currency"]: line["amount"] for line in amounts}


def _amount(seconds: int, rate: int) -> int:
    """Half up, the way a person would: seconds x rate / 3600 as a fraction."""
    return floor(Fraction(seconds * rate, 3600) + Fraction(1, 2))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Half-way (3 of 6 minutes) rounds up; an aligned hour stays; an entry over the change.
@example(
    zone_name="Europe/London",
    change=0,
    raw_entries=[(0, 0, 0, 3, True, 1), (2, 1, -30, 60, True, 2), (3, 0, -90, 180, False, 3)],
    first_offset=-1,
    length=2,
    group_by=["client", "day"],
    split=False,
    rounding=("nearest", 6),
    include_running=True,
    as_of_offset=0,
)
@given(
    zone_name=st.sampled_from(sorted(CHANGES)),
    change=st.integers(0, 1),
    raw_entries=entries_strategy,
    first_offset=st.integers(-4, 1),
    length=st.integers(0, 8),
    group_by=st.lists(st.sampled_from(DIMENSIONS), max_size=3, unique=True),
    split=st.booleans(),
    rounding=st.sampled_from(ROUNDINGS),
    include_running=st.booleans(),
    as_of_offset=st.integers(-2 * 1440, 4 * 1440),
)
def test_summary_matches_brute_force(
    session: Session,
    fixtures: dict[str, Fixture],
    zone_name: str,
    change: int,
    raw_entries: list[tuple[int, int, int, int | None, bool, int]],
    first_offset: int,
    length: int,
    group_by: list[str],
    split: bool,
    rounding: tuple[str, int | None],
    include_running: bool,
    as_of_offset: int,
) -> None:
    fixture = fixtures[zone_name]
    tz = ZoneInfo(zone_name)
    pivot = CHANGES[zone_name][change]
    first = pivot.astimezone(tz).date() + timedelta(days=first_offset)
    last = first + timedelta(days=length)
    as_of = pivot + timedelta(minutes=as_of_offset)
    mode, minutes = ("none", None) if split else rounding
    query = {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "group_by": ",".join(group_by),
        "attribution": "split" if split else "start",
        "rounding": mode,
        "include_running": "true" if include_running else "false",
        "as_of": as_of.isoformat(),
    }
    if minutes is not None:
        query["rounding_minutes"] = str(minutes)

    nested = session.begin_nested()
    try:
        # The one running entry per staff member the database allows.
        running_seen: set[int] = set()
        made: list[tuple[TimeEntry, Any]] = []
        for which, who, start_minute, duration, billable, rate in raw_entries:
            staff = fixture.staff[who]
            if duration is None and staff.id in running_seen:
                duration = 30
            if duration is None:
                running_seen.add(staff.id)
            record = fixture.records[which]
            entry = make_entry(
                session,
                account=staff,
                on=record[0],
                start=pivot + timedelta(minutes=start_minute),
                minutes=duration,
            )
            snapshot = RATES[rate]
            entry.billable = billable
            entry.hourly_rate_minor, entry.currency = snapshot or (None, None)
            session.flush()
            made.append((entry, record))
        report = service.summary(session, actor=fixture.actor, query=query, now=FROZEN_NOW)
        # The web's one pass (the table and its chart's series) answers the same as two
        # summaries: the query's, and the same query by day.
        paired = service.summary_with_series(
            session,
            actor=fixture.actor,
            query=query,
            now=FROZEN_NOW,
            series_by=lambda _dates: Dimension.DAY,
        )
        by_day = service.summary(
            session, actor=fixture.actor, query={**query, "group_by": "day"}, now=FROZEN_NOW
        )
    finally:
        nested.rollback()

    assert paired == (report, by_day)
    expected: dict[tuple[str, ...], list[Any]] = {}
    total_ids: set[int] = set()
    total = [0, 0, 0]
    total_amounts: dict[str, int] = {}
    for entry, (record, kind, client_key, case) in made:
        if entry.ended_at is None and not include_running:
            continue
        end = entry.ended_at or max(as_of, entry.started_at)
        seconds = int((end - entry.started_at).total_seconds())
        if split:
            pieces: dict[date, int] = {}
            instant = entry.started_at
            while instant < end:
                day = instant.astimezone(tz).date()
                if first <= day <= last:
                    pieces[day] = pieces.get(day, 0) + 60
                instant += timedelta(minutes=1)
            start_day = entry.started_at.astimezone(tz).date()
            if not pieces and first <= start_day <= last and seconds == 0:
                pieces[start_day] = 0
            counted = [(day, s, s) for day, s in pieces.items()]
        else:
            day = entry.started_at.astimezone(tz).date()
            if not first <= day <= last:
                continue
            counted = [(day, seconds, _round(seconds, mode, minutes))]
        for day, s, rounded in counted:
            billable_s = s if entry.billable else 0
            amount: tuple[str, int] | None = None
            if entry.billable and entry.hourly_rate_minor is not None and entry.currency:
                amount = (entry.currency, _amount(rounded, entry.hourly_rate_minor))
                total_amounts[amount[0]] = total_amounts.get(amount[0], 0) + amount[1]
            total_ids.add(entry.id)
            total[0] += s
            total[1] += rounded
            total[2] += billable_s
            path: tuple[str, ...] = ()
            for dimension in group_by:
                if dimension in {"day", "week", "month", "tax_year"}:
                    key = _time_key(dimension, day)
                elif dimension == "staff":
                    key = {"type": "staff", "uuid": str(entry_account(fixture, entry).uuid)}
                elif dimension == "client":
                    key = client_key
                elif dimension == "case":
                    key = {"type": "case", "uuid": None if case is None else str(case.uuid)}
                elif dimension == "trackable":
                    key = {"type": "trackable", "trackable_type": kind, "uuid": str(record.uuid)}
                elif dimension == "billable":
                    key = {"type": "billable", "billable": entry.billable}
                else:
                    key = {"type": "trackable_type", "trackable_type": kind}
                path = (*path, _canonical(key))
                slot = expected.setdefault(path, [set(), 0, 0, 0, {}])
                slot[0].add(entry.id)
                slot[1] += s
                slot[2] += rounded
                slot[3] += billable_s
                if amount is not None:
                    slot[4][amount[0]] = slot[4].get(amount[0], 0) + amount[1]

    body = report.model_dump(mode="json", by_alias=True)
    totals = {**body["totals"], "amounts": _amounts(body["totals"]["amounts"])}
    assert totals == {
        "entries": len(total_ids),
        "seconds": total[0],
        "rounded_seconds": total[1],
        "billable_seconds": total[2],
        "amounts": total_amounts,
    }
    actual: dict[Any, Any] = {}
    _flatten(body["groups"], (), actual)
    assert actual == {
        path: (len(ids), s, r, b, amounts) for path, (ids, s, r, b, amounts) in expected.items()
    }
    # Totals add up at every level.
    assert sum(g["seconds"] for g in body["groups"]) == (
        body["totals"]["seconds"] if group_by else 0
    )


def entry_account(fixture: Fixture, entry: TimeEntry) -> Account:
    return next(staff for staff in fixture.staff if staff.id == entry.account_id)

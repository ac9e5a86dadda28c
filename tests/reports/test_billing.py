"""Reports on issue 11's billing data: the billing client of a case, billable time, amounts
and who sees them, tags, the firm's week start, and the detailed rows and exports."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, make_staff
from tests.factories.time_entries import make_entry
from tests.reports.test_router import get, local
from timeledger.cases.service import create_case
from timeledger.models import AccountRole, Tag, TimeEntry, TimeEntryTag

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def priced(
    session: Session,
    entry: TimeEntry,
    *,
    rate: int | None = 15000,
    currency: str = "GBP",
    billable: bool = True,
) -> TimeEntry:
    entry.billable = billable
    entry.hourly_rate_minor = rate
    entry.currency = currency if rate is not None else None
    session.flush()
    return entry


def tag(session: Session, world: FirmWorld, name: str, *entries: TimeEntry) -> Tag:
    made = Tag(
        firm_id=world.firm.id,
        name=name,
        name_key=name.casefold(),
        created_at=FROZEN_NOW,
        updated_at=FROZEN_NOW,
    )
    session.add(made)
    session.flush()
    for entry in entries:
        session.add(TimeEntryTag(firm_id=world.firm.id, time_entry_id=entry.id, tag_id=made.id))
    session.flush()
    return made


def subset(row: dict[str, Any]) -> dict[str, Any]:
    fields = ("billable", "hourly_rate_minor", "currency", "amount", "is_locked", "tags")
    return {field: row[field] for field in fields}


def groups_by(body: dict[str, Any], field: str) -> dict[Any, dict[str, Any]]:
    return {group["key"].get(field): group for group in body["groups"]}


def test_a_joint_case_bills_its_chosen_billing_client(
    client: TestClient, world: FirmWorld, session: Session
) -> None:
    joint = create_case(
        session,
        firm=world.firm,
        name="Joint",
        participants=[world.client, world.other_client],
        now=FROZEN_NOW,
        billing_client_id=world.other_client.id,
    )
    session.flush()
    make_entry(session, account=world.owner.account, on=joint, start=local(2026, 3, 2, 9))
    body = get(client, world, "summary", **MARCH, group_by="client")
    assert [group["key"]["uuid"] for group in body["groups"]] == [str(world.other_client.uuid)]
    only_other = get(
        client, world, "summary", **MARCH, **{"filter[clients]": str(world.other_client.uuid)}
    )
    assert only_other["totals"]["seconds"] == 1800
    detailed = get(client, world, "detailed", **MARCH)
    assert detailed["data"][0]["client"]["uuid"] == str(world.other_client.uuid)


def test_billable_seconds_group_and_filter(
    client: TestClient, world: FirmWorld, session: Session
) -> None:
    owner = world.owner.account
    start = local(2026, 3, 2, 9)
    priced(session, make_entry(session, account=owner, on=world.client, start=start, minutes=60))
    priced(
        session,
        make_entry(session, account=owner, on=world.firm, start=start, minutes=15),
        billable=False,
    )
    body = get(client, world, "summary", **MARCH, group_by="billable")
    assert body["totals"]["seconds"] == 75 * 60
    assert body["totals"]["billable_seconds"] == 3600
    by_flag = groups_by(body, "billable")
    assert by_flag[True]["seconds"] == by_flag[True]["billable_seconds"] == 3600
    assert by_flag[False]["seconds"] == 900
    assert by_flag[False]["billable_seconds"] == 0
    assert [group["key"]["billable"] for group in body["groups"]] == [True, False]
    only = get(client, world, "summary", **MARCH, **{"filter[billable]": "false"})
    assert only["totals"]["seconds"] == 900
    bad = client.get(
        "/api/v1/reports/summary",
        params={**MARCH, "filter[billable]": "maybe"},
        headers=world.owner.headers(),
    )
    assert bad.status_code == 422
    assert "filter[billable]" in bad.json()["errors"]


def test_amounts_per_currency_add_up_and_use_rounded_time(
    client: TestClient, world: FirmWorld, session: Session
) -> None:
    owner = world.owner.account
    start = local(2026, 3, 2, 9)
    # 7 minutes at 100.00/h: 11.666... rounds half up to 1167 pence; two of them 2334.
    for hour in (9, 10):
        entry = make_entry(
            session, account=owner, on=world.client, start=local(2026, 3, 2, hour), minutes=7
        )
        priced(session, entry, rate=10000)
    priced(
        session,
        make_entry(session, account=owner, on=world.other_client, start=start, minutes=30),
        rate=12000,
        currency="USD",
    )
    # Not billable, or without a rate: time, but no amount.
    priced(session, make_entry(session, account=owner, on=world.firm, start=start), billable=False)
    priced(session, make_entry(session, account=owner, on=world.circle, start=start), rate=None)
    body = get(client, world, "summary", **MARCH, group_by="client")
    assert body["totals"]["amounts"] == [
        {"currency": "GBP", "amount": 2334},
        {"currency": "USD", "amount": 6000},
    ]
    by_client = groups_by(body, "uuid")
    assert by_client[str(world.client.uuid)]["amounts"] == [{"currency": "GBP", "amount": 2334}]
    rounded = get(
        client, world, "summary", **MARCH, rounding="up", rounding_minutes="15", group_by="client"
    )
    # Rounded up to 15 minutes each: 2 x 2500.
    assert rounded["totals"]["amounts"][0] == {"currency": "GBP", "amount": 5000}


def test_members_see_amounts_only_when_the_firm_allows(
    client: TestClient, world: FirmWorld, session: Session
) -> None:
    member = make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.MEMBER)
    priced(
        session,
        make_entry(session, account=member.account, on=world.client, start=local(2026, 3, 2, 9)),
    )

    def ask(path: str) -> dict[str, Any]:
        response = client.get(
            f"/api/v1/reports/{path}",
            params={**MARCH, "group_by": "client"} if path == "summary" else MARCH,
            headers=member.headers(),
        )
        assert response.status_code == 200, response.text
        return response.json()

    hidden = ask("summary")
    assert hidden["totals"]["amounts"] is None
    assert hidden["groups"][0]["amounts"] is None
    row = ask("detailed")["data"][0]
    assert row["amount"] is None
    assert row["hourly_rate_minor"] is None
    assert row["billable"] is True
    world.firm.members_see_amounts = True
    session.flush()
    assert ask("summary")["totals"]["amounts"] == [{"currency": "GBP", "amount": 7500}]
    assert ask("detailed")["data"][0]["amount"] == 7500


def test_tag_groups_count_an_entry_under_each_tag_and_totals_once(
    client: TestClient, world: FirmWorld, session: Session
) -> None:
    owner = world.owner.account
    start = local(2026, 3, 2, 9)
    both = make_entry(session, account=owner, on=world.client, start=start, minutes=60)
    one = make_entry(session, account=owner, on=world.client, start=start, minutes=10)
    make_entry(session, account=owner, on=world.client, start=start, minutes=5)
    research = tag(session, world, "Research", both, one)
    advice = tag(session, world, "Advice", both)
    body = get(client, world, "summary", **MARCH, group_by="tag")
    assert body["totals"] == {**body["totals"], "entries": 3, "seconds": 75 * 60}
    assert [(g["key"]["name"], g["entries"], g["seconds"]) for g in body["groups"]] == [
        ("Advice", 1, 3600),
        ("Research", 2, 4200),
        (None, 1, 300),
    ]
    assert body["groups"][-1]["key"]["without"] == "no_tag"
    filtered = get(
        client, world, "summary", **MARCH, **{"filter[tags]": f"{advice.uuid},{research.uuid}"}
    )
    assert filtered["totals"]["entries"] == 2
    assert filtered["totals"]["seconds"] == 4200
    every = get(
        client,
        world,
        "summary",
        **MARCH,
        **{"filter[tags]": f"{advice.uuid},{research.uuid}", "filter[tag_match]": "all"},
    )
    assert every["totals"]["entries"] == 1
    assert every["totals"]["seconds"] == 3600
    rows = get(client, world, "detailed", **MARCH, **{"filter[tags]": str(advice.uuid)})["data"]
    assert [[t["name"] for t in row["tags"]] for row in rows] == [["Advice", "Research"]]


def test_a_tag_of_another_firm_is_an_unknown_filter(
    client: TestClient, world: FirmWorld, session: Session
) -> None:
    response = client.get(
        "/api/v1/reports/summary",
        params={**MARCH, "filter[tags]": "00000000-0000-4000-8000-000000000000"},
        headers=world.owner.headers(),
    )
    assert response.status_code == 422
    assert "filter[tags]" in response.json()["errors"]


def test_weeks_start_on_the_firms_week_start(
    client: TestClient, world: FirmWorld, session: Session
) -> None:
    world.firm.week_start = "sunday"
    session.flush()
    # Sunday 1 March 2026 and Saturday 7 March: one Sunday-based week.
    for day in (1, 7):
        make_entry(
            session, account=world.owner.account, on=world.client, start=local(2026, 3, day, 9)
        )
    body = get(client, world, "summary", **MARCH, group_by="week")
    assert body["meta"]["week_start"] == "sunday"
    assert [g["key"] for g in body["groups"]] == [
        {"type": "week", "start": "2026-03-01", "end": "2026-03-07"}
    ]
    weekly = get(client, world, "weekly", week_of="2026-03-04")
    assert weekly["dates"][0] == "2026-03-01"
    assert weekly["total"] == 3600
    this_week = get(client, world, "summary", period="this_week")
    assert datetime.fromisoformat(this_week["meta"]["from"]).weekday() == 6


def test_detailed_rows_show_billable_rate_amount_and_lock_state(
    client: TestClient, world: FirmWorld, session: Session
) -> None:
    owner = world.owner.account
    early = priced(
        session, make_entry(session, account=owner, on=world.client, start=local(2026, 3, 2, 9))
    )
    late = priced(
        session,
        make_entry(session, account=owner, on=world.client, start=local(2026, 3, 20, 9)),
        billable=False,
    )
    world.firm.locked_before = local(2026, 3, 10)
    session.flush()
    rows = {row["uuid"]: row for row in get(client, world, "detailed", **MARCH)["data"]}
    assert subset(rows[str(early.uuid)]) == {
        "billable": True,
        "hourly_rate_minor": 15000,
        "currency": "GBP",
        "amount": 7500,
        "is_locked": True,
        "tags": [],
    }
    assert rows[str(late.uuid)]["amount"] is None
    assert rows[str(late.uuid)]["is_locked"] is False
    late.invoiced_at = FROZEN_NOW
    session.flush()
    rows = {row["uuid"]: row for row in get(client, world, "detailed", **MARCH)["data"]}
    assert rows[str(late.uuid)]["is_locked"] is True


def test_exports_carry_the_billing_columns(
    client: TestClient, world: FirmWorld, session: Session
) -> None:
    entry = priced(
        session,
        make_entry(
            session, account=world.owner.account, on=world.client, start=local(2026, 3, 2, 9)
        ),
    )
    tag(session, world, "Research", entry)
    response = client.get(
        "/api/v1/reports/detailed.csv", params=MARCH, headers=world.owner.headers()
    )
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    expected = {
        "Billable": "yes",
        "Currency": "GBP",
        "Hourly rate": "150.00",
        "Amount": "75.00",
        "Tags": "Research",
        "Locked": "no",
    }
    assert {key: rows[0][key] for key in expected} == expected
    summary = client.get(
        "/api/v1/reports/summary.csv",
        params={**MARCH, "group_by": "billable"},
        headers=world.owner.headers(),
    )
    lines = list(csv.DictReader(io.StringIO(summary.content.decode("utf-8-sig"))))
    assert [(line["Billable"], line["Billable seconds"], line["Amount GBP"]) for line in lines] == [
        ("Billable", "1800", "75.00"),
        ("Total", "1800", "75.00"),
    ]

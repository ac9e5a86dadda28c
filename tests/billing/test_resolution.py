"""Which rate an entry gets: the six levels, their dates (local, in the firm's zone), the
snapshot that later rate changes never touch, and the billing-client rule."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.billing.conftest import ENTRIES, RATES
from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, Staff, make_client
from timeledger.billing.service.resolve import (
    billing_client_id,
    case_billing_client,
    case_billing_clients,
)
from timeledger.cases.service import create_case
from timeledger.models import TimeEntry, TrackableType

Rate = Callable[..., dict[str, Any]]
Log = Callable[..., httpx.Response]


def rate_of(response: httpx.Response) -> int | None:
    assert response.status_code == 200, response.text
    hourly = response.json()["hourly_rate"]
    return None if hourly is None else int(hourly["amount"])


class TestPrecedence:
    def test_each_level_wins_over_the_less_specific_ones(
        self, client: TestClient, world: FirmWorld, member: Staff, rate: Rate, log: Log
    ) -> None:
        owner = world.owner
        made = [
            rate(10000),  # firm default
            rate(12000, staff=owner),
            rate(14000, client_uuid=world.client.uuid),
            rate(16000, client_uuid=world.client.uuid, staff=owner),
            rate(18000, case_uuid=world.case.uuid),
            rate(20000, case_uuid=world.case.uuid, staff=owner),
        ]
        assert [r["level"] for r in made] == [
            "firm",
            "staff",
            "client",
            "client_staff",
            "case",
            "case_staff",
        ]
        on_case = {"on": "case", "uuid": world.case.uuid}
        seen = []
        # Archive the most specific rule each time: the next one down takes over. The case
        # has one client participant, so its client's rates apply to time on it.
        for rule in reversed(made):
            seen.append(rate_of(log(**on_case)))
            gone = client.delete(f"{RATES}/{rule['uuid']}", headers=owner.headers())
            assert gone.status_code == 200
        seen.append(rate_of(log(**on_case)))
        assert seen == [20000, 18000, 16000, 14000, 12000, 10000, None]

    def test_staff_specific_rules_apply_to_that_staff_member_only(
        self, session: Session, world: FirmWorld, member: Staff, rate: Rate, log: Log
    ) -> None:
        world.firm.members_see_amounts = True
        session.flush()
        rate(10000)
        rate(20000, case_uuid=world.case.uuid, staff=world.owner)
        rate(9000, staff=member)
        assert rate_of(log(on="case", uuid=world.case.uuid)) == 20000
        assert rate_of(log(member, on="case", uuid=world.case.uuid)) == 9000
        assert rate_of(log(member, on="firm", uuid=world.firm.uuid)) == 9000
        assert rate_of(log(on="firm", uuid=world.firm.uuid)) == 10000

    def test_tasks_and_board_tasks_take_their_client_or_case_rate(
        self, world: FirmWorld, rate: Rate, log: Log
    ) -> None:
        rate(14000, client_uuid=world.client.uuid)
        rate(18000, case_uuid=world.case.uuid)
        assert rate_of(log(on="task", uuid=world.task.uuid)) == 14000
        assert rate_of(log(on="task", uuid=world.case_task.uuid)) == 18000
        assert rate_of(log(on="board_task", uuid=world.board_task.uuid)) == 18000
        assert rate_of(log(on="circle", uuid=world.circle.uuid)) is None


class TestEffectiveDates:
    def test_a_rule_applies_on_its_local_dates_inclusive(
        self, world: FirmWorld, rate: Rate, log: Log
    ) -> None:
        rate(10000)
        rate(15000, "2025-08-05", to="2025-08-06", client_uuid=world.client.uuid)
        assert rate_of(log(start="2025-08-04T23:59:00")) == 10000
        assert rate_of(log(start="2025-08-05T00:00:00")) == 15000
        # 23:30 in London on the 6th is 22:30 UTC: still the 6th.
        assert rate_of(log(start="2025-08-06T23:30:00+01:00")) == 15000
        # 00:30 in London on the 7th is 23:30 UTC on the 6th: the local date decides.
        assert rate_of(log(start="2025-08-06T23:30:00Z")) == 10000

    def test_a_rule_starting_on_the_day_clocks_go_forward(
        self, world: FirmWorld, rate: Rate, log: Log
    ) -> None:
        rate(10000)
        rate(15000, "2025-03-30", client_uuid=world.client.uuid)
        # London's clocks went from 01:00 GMT to 02:00 BST on 2025-03-30.
        assert rate_of(log(start="2025-03-29T23:59:59Z")) == 10000
        assert rate_of(log(start="2025-03-30T00:00:00Z")) == 15000
        assert rate_of(log(start="2025-03-30T02:30:00+01:00")) == 15000

    def test_a_rule_starting_on_the_day_clocks_go_back(
        self, world: FirmWorld, rate: Rate, log: Log
    ) -> None:
        rate(10000)
        rate(15000, "2025-10-26", client_uuid=world.client.uuid)
        # 23:30 UTC on the 25th is already 00:30 BST on the 26th in London.
        assert rate_of(log(start="2025-10-25T23:30:00Z")) == 15000
        assert rate_of(log(start="2025-10-25T22:59:59Z")) == 10000


class TestSnapshot:
    def test_a_rate_change_never_reprices_written_entries(
        self, client: TestClient, world: FirmWorld, rate: Rate, log: Log
    ) -> None:
        rule = rate(15000, client_uuid=world.client.uuid)
        before = log().json()
        changed = client.put(
            f"{RATES}/{rule['uuid']}", json={"hourly_rate": 30000}, headers=world.owner.headers()
        )
        assert changed.json()["hourly_rate"] == 30000
        again = client.get(f"{ENTRIES}/{before['uuid']}", headers=world.owner.headers()).json()
        assert again["hourly_rate"] == {
            "amount": 15000,
            "currency": "GBP",
            "rate_uuid": rule["uuid"],
        }
        assert again["amount"] == {"amount": 15000, "currency": "GBP"}
        assert rate_of(log()) == 30000

    def test_moving_an_entry_or_its_start_re_resolves_it(
        self, client: TestClient, world: FirmWorld, rate: Rate, log: Log
    ) -> None:
        rate(10000)
        rate(15000, "2025-08-01", client_uuid=world.client.uuid)
        rate(18000, case_uuid=world.case.uuid)
        entry = log().json()
        assert entry["hourly_rate"]["amount"] == 15000
        url = f"{ENTRIES}/{entry['uuid']}"
        headers = world.owner.headers()
        moved = client.patch(
            url,
            json={"trackable_type": "case", "trackable_uuid": str(world.case.uuid)},
            headers=headers,
        )
        assert rate_of(moved) == 18000
        back = client.patch(
            url,
            json={"trackable_type": "client", "trackable_uuid": str(world.client.uuid)},
            headers=headers,
        )
        assert rate_of(back) == 15000
        earlier = client.patch(url, json={"start_date": "2025-07-31T10:00:00"}, headers=headers)
        assert rate_of(earlier) == 10000
        renamed = client.patch(url, json={"name": "Renamed"}, headers=headers)
        assert rate_of(renamed) == 10000

    def test_the_amount_of_a_running_entry_grows_with_it(
        self, world: FirmWorld, rate: Rate, log: Log
    ) -> None:
        rate(3600)  # a penny a second
        running = log(start="2025-08-07T13:00:00", minutes=None).json()
        # FROZEN_NOW is 13:41:42 in London.
        assert running["is_active"] is True
        assert running["amount"] == {"amount": 41 * 60 + 42, "currency": "GBP"}

    def test_a_rule_in_another_currency_snapshots_that_currency(
        self, world: FirmWorld, rate: Rate, log: Log
    ) -> None:
        rate(20000, currency="EUR")
        entry = log(minutes=30).json()
        assert entry["hourly_rate"]["currency"] == "EUR"
        assert entry["amount"] == {"amount": 10000, "currency": "EUR"}


class TestBillingClient:
    def joint_case(self, session: Session, world: FirmWorld) -> Any:
        partner = make_client(session, world.firm, now=FROZEN_NOW, first="Sam", last="Jones")
        return create_case(
            session,
            firm=world.firm,
            name="Joint mortgage",
            participants=[world.client, partner],
            now=FROZEN_NOW,
        ), partner

    def test_time_on_a_joint_case_bills_to_no_client_until_one_is_chosen(
        self, session: Session, world: FirmWorld, rate: Rate, log: Log
    ) -> None:
        case, partner = self.joint_case(session, world)
        rate(10000)
        rate(14000, client_uuid=world.client.uuid)
        rate(16000, client_uuid=partner.uuid)
        # Several client participants, no billing client: no client's rate applies, and
        # summed per client the time counts for none of them (never for both).
        first = log(on="case", uuid=case.uuid).json()
        assert first["hourly_rate"]["amount"] == 10000
        entry = session.get(TimeEntry, (world.firm.id, _id(session, first["uuid"])))
        assert entry is not None
        assert billing_client_id(session, entry) is None

        case.billing_client_id = partner.id
        session.flush()
        second = log(on="case", uuid=case.uuid).json()
        assert second["hourly_rate"]["amount"] == 16000
        entry = session.get(TimeEntry, (world.firm.id, _id(session, second["uuid"])))
        assert entry is not None
        assert billing_client_id(session, entry) == partner.id

    def test_every_trackable_resolves_to_at_most_one_client(
        self, session: Session, world: FirmWorld
    ) -> None:
        def bills_to(kind: TrackableType, record_id: int) -> int | None:
            entry = TimeEntry(firm_id=world.firm.id, trackable_type=kind, trackable_id=record_id)
            return billing_client_id(session, entry)

        client_id = world.client.id
        assert bills_to(TrackableType.CLIENT, client_id) == client_id
        assert bills_to(TrackableType.CASE, world.case.id) == client_id  # its only client
        assert bills_to(TrackableType.TASK, world.task.id) == client_id
        assert bills_to(TrackableType.TASK, world.case_task.id) == client_id
        assert bills_to(TrackableType.BOARD_TASK, world.board_task.id) == client_id
        assert bills_to(TrackableType.CIRCLE, world.circle.id) is None
        assert bills_to(TrackableType.FIRM, world.firm.id) is None

    def test_the_batched_rule_agrees_with_the_one_case_rule(
        self, session: Session, world: FirmWorld
    ) -> None:
        joint, partner = self.joint_case(session, world)
        chosen = create_case(
            session,
            firm=world.firm,
            name="Chosen",
            participants=[world.client, partner],
            now=FROZEN_NOW,
            billing_client_id=partner.id,
        )
        empty = create_case(session, firm=world.firm, name="Empty", participants=[], now=FROZEN_NOW)
        session.flush()
        ids = [world.case.id, joint.id, chosen.id, empty.id, 999_999]
        expected = {
            world.case.id: world.client.id,
            joint.id: None,
            chosen.id: partner.id,
            empty.id: None,
            999_999: None,
        }
        firm_id = world.firm.id
        assert case_billing_clients(session, ids, firm_id=firm_id) == expected
        assert {
            case_id: case_billing_client(session, case_id, firm_id=firm_id) for case_id in ids
        } == expected


def _id(session: Session, entry_uuid: str) -> int:
    found = session.scalars(select(TimeEntry.id).where(TimeEntry.uuid == uuid.UUID(entry_uuid)))
    return found.one()


class TestBillingClientOnCases:
    def test_chosen_among_the_client_participants(
        self, client: TestClient, world: FirmWorld, rate: Rate, log: Log
    ) -> None:
        headers = world.owner.headers()
        both = [str(world.client.uuid), str(world.other_client.uuid)]
        outsider = client.post(
            "/api/v1/cases",
            json={"name": "Joint", "participants": [both[0]], "billing_client_uuid": both[1]},
            headers=headers,
        )
        assert outsider.status_code == 422
        assert "billing_client_uuid" in outsider.json()["errors"]
        staff_member = client.post(
            "/api/v1/cases",
            json={
                "name": "Joint",
                "participants": [*both, str(world.owner.account.uuid)],
                "billing_client_uuid": str(world.owner.account.uuid),
            },
            headers=headers,
        )
        assert staff_member.status_code == 422
        made = client.post(
            "/api/v1/cases",
            json={"name": "Joint", "participants": both, "billing_client_uuid": both[1]},
            headers=headers,
        )
        assert made.status_code == 200, made.text
        case = made.json()
        assert case["billing_client_uuid"] == both[1]
        rate(16000, client_uuid=world.other_client.uuid)
        assert rate_of(log(on="case", uuid=case["uuid"])) == 16000

        url = f"/api/v1/cases/{case['uuid']}"
        dropped = client.put(url, json={"participants": [both[0]]}, headers=headers)
        assert dropped.status_code == 422
        assert "billing_client_uuid" in dropped.json()["errors"]
        cleared = client.put(url, json={"billing_client_uuid": None}, headers=headers)
        assert cleared.json()["billing_client_uuid"] is None
        assert rate_of(log(on="case", uuid=case["uuid"])) is None
        moved = client.put(
            url, json={"participants": [both[0]], "billing_client_uuid": both[0]}, headers=headers
        )
        assert moved.json()["billing_client_uuid"] == both[0]

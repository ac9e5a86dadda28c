"""The billing-rates API: who may use it, what it refuses, overlaps, lists, the audit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.billing.conftest import RATES
from tests.factories import FirmWorld, Staff
from timeledger.models import AuditEvent, BillingRate

Rate = Callable[..., dict[str, Any]]


def post(client: TestClient, who: Staff, **body: Any) -> Any:
    return client.post(RATES, json=body, headers=who.headers())


class TestCreate:
    def test_a_client_rate(self, client: TestClient, world: FirmWorld) -> None:
        response = post(
            client,
            world.owner,
            hourly_rate=15000,
            effective_from="2025-01-01",
            client_uuid=str(world.client.uuid),
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert {k: body[k] for k in ("level", "hourly_rate", "currency", "effective_to")} == {
            "level": "client",
            "hourly_rate": 15000,
            "currency": "GBP",
            "effective_to": None,
        }
        assert body["client_uuid"] == str(world.client.uuid)
        assert body["effective_from"] == "2025-01-01"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"hourly_rate": -1}, "hourly_rate"),
            ({"hourly_rate": 150.5}, "hourly_rate"),
            ({"hourly_rate": "15000"}, "hourly_rate"),
            ({"hourly_rate": True}, "hourly_rate"),
            ({"currency": "XYZ"}, "currency"),
            ({"currency": "gbp"}, "currency"),
            ({"currency": 826}, "currency"),
            ({"effective_to": "2024-12-31"}, "effective_to"),
            ({"effective_from": "2025-02-30"}, "effective_from"),
            ({"effective_from": None}, "effective_from"),
        ],
    )
    def test_bad_input_is_422(
        self, client: TestClient, world: FirmWorld, body: dict[str, Any], field: str
    ) -> None:
        response = post(
            client, world.owner, **{"hourly_rate": 100, "effective_from": "2025-01-01", **body}
        )
        assert response.status_code == 422, response.text
        assert field in response.json()["errors"]

    def test_a_whole_number_written_with_a_point_is_an_integer(
        self, client: TestClient, world: FirmWorld
    ) -> None:
        # JSON has one number type: 15000.0 is the integer the schema asks for.
        response = post(client, world.owner, hourly_rate=15000.0, effective_from="2025-01-01")
        assert response.status_code == 200, response.text
        assert response.json()["hourly_rate"] == 15000

    def test_a_client_and_a_case_together_is_422(
        self, client: TestClient, world: FirmWorld
    ) -> None:
        response = post(
            client,
            world.owner,
            hourly_rate=100,
            effective_from="2025-01-01",
            client_uuid=str(world.client.uuid),
            case_uuid=str(world.case.uuid),
        )
        assert response.status_code == 422
        assert "case_uuid" in response.json()["errors"]

    def test_a_client_as_staff_is_422(self, client: TestClient, world: FirmWorld) -> None:
        response = post(
            client,
            world.owner,
            hourly_rate=100,
            effective_from="2025-01-01",
            staff_uuid=str(world.client.uuid),
        )
        assert response.status_code == 422
        assert "staff_uuid" in response.json()["errors"]

    def test_only_owners_and_admins(
        self, client: TestClient, world: FirmWorld, admin: Staff, member: Staff
    ) -> None:
        body = {"hourly_rate": 100, "effective_from": "2025-01-01"}
        assert post(client, admin, **body).status_code == 200
        refused = post(client, member, **{**body, "effective_from": "2026-01-01"})
        assert refused.status_code == 403
        assert client.get(RATES, headers=member.headers()).status_code == 403


class TestOverlap:
    @pytest.mark.parametrize(
        ("start", "end"),
        [
            ("2025-03-01", None),
            ("2024-01-01", "2025-01-01"),
            ("2025-06-30", "2025-07-01"),
            ("2024-01-01", None),
        ],
    )
    def test_overlapping_rules_at_one_level_are_422(
        self, client: TestClient, world: FirmWorld, rate: Rate, start: str, end: str | None
    ) -> None:
        rate(100, "2025-01-01", to="2025-06-30", client_uuid=world.client.uuid)
        response = post(
            client,
            world.owner,
            hourly_rate=200,
            effective_from=start,
            effective_to=end,
            client_uuid=str(world.client.uuid),
        )
        assert response.status_code == 422, response.text
        assert "overlap" in response.json()["errors"]["effective_from"][0]

    def test_adjacent_rules_and_other_levels_are_fine(
        self, client: TestClient, world: FirmWorld, rate: Rate, member: Staff
    ) -> None:
        rate(100, "2025-01-01", to="2025-06-30", client_uuid=world.client.uuid)
        rate(200, "2025-07-01", client_uuid=world.client.uuid)
        rate(300, "2025-01-01", client_uuid=world.other_client.uuid)
        rate(400, "2025-01-01", client_uuid=world.client.uuid, staff=member)
        rate(500, "2025-01-01")

    def test_an_update_that_would_overlap_is_422_and_changes_nothing(
        self, client: TestClient, session: Session, world: FirmWorld, rate: Rate
    ) -> None:
        first = rate(100, "2025-01-01", to="2025-06-30")
        rate(200, "2025-07-01")
        response = client.put(
            f"{RATES}/{first['uuid']}",
            json={"effective_to": None},
            headers=world.owner.headers(),
        )
        assert response.status_code == 422
        again = client.get(f"{RATES}/{first['uuid']}", headers=world.owner.headers()).json()
        assert again["effective_to"] == "2025-06-30"

    def test_an_archived_rule_no_longer_blocks(
        self, client: TestClient, world: FirmWorld, rate: Rate
    ) -> None:
        old = rate(100, "2025-01-01")
        client.delete(f"{RATES}/{old['uuid']}", headers=world.owner.headers())
        rate(200, "2025-01-01")
        changed = client.put(
            f"{RATES}/{old['uuid']}", json={"hourly_rate": 5}, headers=world.owner.headers()
        )
        assert changed.status_code == 422


class TestList:
    def test_filters(self, client: TestClient, world: FirmWorld, rate: Rate, member: Staff) -> None:
        firm = rate(100, "2025-01-01", to="2025-06-30")
        later = rate(150, "2025-07-01")
        on_client = rate(200, client_uuid=world.client.uuid)
        staff = rate(300, staff=member)
        archived = rate(400, case_uuid=world.case.uuid)
        client.delete(f"{RATES}/{archived['uuid']}", headers=world.owner.headers())

        def uuids(**params: str) -> list[str]:
            response = client.get(RATES, params=params, headers=world.owner.headers())
            assert response.status_code == 200, response.text
            return [row["uuid"] for row in response.json()["data"]]

        assert set(uuids()) == {r["uuid"] for r in (firm, later, on_client, staff)}
        assert uuids(**{"filter[level]": "firm"}) == [later["uuid"], firm["uuid"]]
        assert uuids(**{"filter[level]": "firm", "sort": "effective_from"}) == [
            firm["uuid"],
            later["uuid"],
        ]
        assert uuids(**{"filter[client_uuid]": str(world.client.uuid)}) == [on_client["uuid"]]
        assert uuids(**{"filter[staff_uuid]": str(member.account.uuid)}) == [staff["uuid"]]
        assert set(uuids(**{"filter[on]": "2025-03-01"})) == {
            firm["uuid"],
            on_client["uuid"],
            staff["uuid"],
        }
        assert archived["uuid"] in uuids(**{"filter[archived]": "1"})
        assert uuids(**{"filter[case_uuid]": str(world.case.uuid)}) == []
        # An empty filter is as if absent (found by the schemathesis run).
        assert set(uuids(**{"filter[archived]": "", "filter[client_uuid]": ""})) == set(uuids())

    @pytest.mark.parametrize("params", [{"filter[level]": "team"}, {"filter[on]": "yesterday"}])
    def test_bad_filters_are_422(
        self, client: TestClient, world: FirmWorld, params: dict[str, str]
    ) -> None:
        response = client.get(RATES, params=params, headers=world.owner.headers())
        assert response.status_code == 422


class TestAudit:
    def test_every_change_has_before_and_after(
        self, client: TestClient, session: Session, world: FirmWorld, rate: Rate
    ) -> None:
        made = rate(100, "2025-01-01")
        headers = world.owner.headers()
        client.put(f"{RATES}/{made['uuid']}", json={"hourly_rate": 120}, headers=headers)
        client.delete(f"{RATES}/{made['uuid']}", headers=headers)
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == "billing_rate")
            .order_by(AuditEvent.id)
        ).all()
        assert [e.action for e in events] == ["created", "updated", "archived"]
        assert events[0].before is None
        assert events[1].before is not None
        assert events[1].after is not None
        assert (events[1].before["hourly_rate"], events[1].after["hourly_rate"]) == (100, 120)
        assert events[2].after is not None
        assert events[2].after["archived_at"] is not None

    def test_an_archived_rule_cannot_change(
        self, client: TestClient, session: Session, world: FirmWorld, rate: Rate
    ) -> None:
        made = rate(100, "2025-01-01")
        headers = world.owner.headers()
        client.delete(f"{RATES}/{made['uuid']}", headers=headers)
        again = client.delete(f"{RATES}/{made['uuid']}", headers=headers)
        assert again.status_code == 200
        assert session.scalars(select(BillingRate)).one().archived_at is not None

    def test_a_required_field_sent_as_null_is_422(
        self, client: TestClient, world: FirmWorld, rate: Rate
    ) -> None:
        made = rate(100, "2025-01-01")
        response = client.put(
            f"{RATES}/{made['uuid']}", json={"hourly_rate": None}, headers=world.owner.headers()
        )
        assert response.status_code == 422
        assert "hourly_rate" in response.json()["errors"]


class TestFarDates:
    def test_dates_outside_the_writable_years_are_422_never_500(
        self, client: TestClient, world: FirmWorld, rate: Rate
    ) -> None:
        headers = world.owner.headers()
        for day in ("0001-01-01", "9999-12-31"):
            response = post(client, world.owner, hourly_rate=1, effective_from=day)
            assert response.status_code == 422, response.text
            assert "effective_from" in response.json()["errors"]
        rule = rate(100)
        far = client.post(
            f"{RATES}/{rule['uuid']}/reprice",
            json={"from": "2025-01-01", "to": "9998-12-31"},
            headers=headers,
        )
        assert far.status_code == 422
        assert "to" in far.json()["errors"]
        client.put(
            f"/api/v1/firm/{world.firm.uuid}", json={"time_zone": "Asia/Tokyo"}, headers=headers
        )
        early = client.put(
            f"/api/v1/firm/{world.firm.uuid}/lock",
            json={"locked_before": "1900-01-01"},
            headers=headers,
        )
        assert early.status_code == 422
        assert "locked_before" in early.json()["errors"]
        before = client.post(
            f"{RATES}/{rule['uuid']}/reprice", json={"from": "1900-01-01"}, headers=headers
        )
        assert before.status_code == 422
        assert "from" in before.json()["errors"]

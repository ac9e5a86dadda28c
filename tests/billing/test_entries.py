"""Billing on the time-entry resource: billable defaults, amount visibility per role,
invoicing in bulk and the explicit reprice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.billing.conftest import ENTRIES, RATES
from tests.factories import FirmWorld, Staff
from timeledger.models import AuditEvent, TimeEntry, TimeEntryAction, TimeEntryEvent

Rate = Callable[..., dict[str, Any]]
Log = Callable[..., httpx.Response]
FIRM = "/api/v1/firm/{}"


class TestBillable:
    def test_defaults_from_the_firm_setting_per_trackable_type(
        self, client: TestClient, world: FirmWorld, log: Log
    ) -> None:
        assert log().json()["billable"] is True
        assert log(on="firm", uuid=world.firm.uuid).json()["billable"] is False
        changed = client.put(
            FIRM.format(world.firm.uuid),
            json={"billable_default": {"circle": False, "firm": True}},
            headers=world.owner.headers(),
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["billable_default"]["circle"] is False
        assert changed.json()["billable_default"]["client"] is True
        assert log(on="circle", uuid=world.circle.uuid).json()["billable"] is False
        assert log(on="firm", uuid=world.firm.uuid).json()["billable"] is True

    def test_set_on_create_and_changed_by_patch(
        self, client: TestClient, world: FirmWorld, log: Log
    ) -> None:
        entry = log(billable=False).json()
        assert entry["billable"] is False
        url = f"{ENTRIES}/{entry['uuid']}"
        patched = client.patch(url, json={"billable": True}, headers=world.owner.headers())
        assert patched.json()["billable"] is True
        kept = client.patch(url, json={"name": "x"}, headers=world.owner.headers())
        assert kept.json()["billable"] is True
        null = client.patch(url, json={"billable": None}, headers=world.owner.headers())
        assert null.status_code == 422


class TestVisibility:
    @pytest.fixture
    def entry(self, rate: Rate, log: Log, member: Staff) -> dict[str, Any]:
        rate(12000)
        result: dict[str, Any] = log(member, minutes=30).json()
        return result

    def view(self, client: TestClient, who: Staff, entry: dict[str, Any]) -> dict[str, Any]:
        response = client.get(f"{ENTRIES}/{entry['uuid']}", headers=who.headers())
        assert response.status_code == 200
        listed = client.get(
            ENTRIES,
            params={"filter[uuid]": entry["uuid"], "filter[accounts]": entry["account"]["uuid"]},
            headers=who.headers(),
        ).json()["data"]
        assert [row["amount"] for row in listed] == [response.json()["amount"]]
        result: dict[str, Any] = response.json()
        return result

    def test_owners_and_admins_see_rates_and_amounts(
        self, client: TestClient, world: FirmWorld, admin: Staff, entry: dict[str, Any]
    ) -> None:
        for who in (world.owner, admin):
            shown = self.view(client, who, entry)
            assert shown["hourly_rate"]["amount"] == 12000
            assert shown["amount"] == {"amount": 6000, "currency": "GBP"}

    def test_members_see_them_only_when_the_firm_allows(
        self, client: TestClient, world: FirmWorld, member: Staff, entry: dict[str, Any]
    ) -> None:
        hidden = self.view(client, member, entry)
        assert (hidden["hourly_rate"], hidden["amount"]) == (None, None)
        assert hidden["billable"] is True
        allowed = client.put(
            FIRM.format(world.firm.uuid),
            json={"members_see_amounts": True},
            headers=world.owner.headers(),
        )
        assert allowed.json()["members_see_amounts"] is True
        shown = self.view(client, member, entry)
        assert shown["amount"] == {"amount": 6000, "currency": "GBP"}


class TestFirmSettings:
    def test_owners_and_admins_change_them_members_cannot(
        self, client: TestClient, world: FirmWorld, admin: Staff, member: Staff
    ) -> None:
        url = FIRM.format(world.firm.uuid)
        settings = {"currency": "EUR", "week_start": "sunday", "members_see_amounts": True}
        by_admin = client.put(url, json=settings, headers=admin.headers())
        assert by_admin.status_code == 200, by_admin.text
        assert {k: by_admin.json()[k] for k in settings} == settings
        assert (
            client.put(url, json={"currency": "GBP"}, headers=member.headers()).status_code == 403
        )
        # The name and the time zone stay the owner's.
        assert client.put(url, json={"name": "X"}, headers=admin.headers()).status_code == 403

    @pytest.mark.parametrize(
        "body",
        [
            {"currency": "ABC"},
            {"week_start": "funday"},
            {"billable_default": {"project": True}},
            {"billable_default": {"client": "yes"}},
            {"members_see_amounts": "sometimes"},
            {"currency": None},
        ],
    )
    def test_bad_settings_are_422(
        self, client: TestClient, world: FirmWorld, body: dict[str, Any]
    ) -> None:
        response = client.put(
            FIRM.format(world.firm.uuid), json=body, headers=world.owner.headers()
        )
        assert response.status_code == 422, response.text

    def test_a_new_rate_takes_the_firm_currency(
        self, client: TestClient, world: FirmWorld, rate: Rate
    ) -> None:
        client.put(
            FIRM.format(world.firm.uuid), json={"currency": "EUR"}, headers=world.owner.headers()
        )
        assert rate(100)["currency"] == "EUR"


class TestInvoice:
    def test_marks_every_named_entry(
        self, client: TestClient, session: Session, world: FirmWorld, log: Log
    ) -> None:
        uuids = [log(start=f"2025-08-0{day}T10:00:00").json()["uuid"] for day in (4, 5)]
        response = client.post(
            f"{ENTRIES}/invoice",
            json={
                "uuids": uuids,
                "invoice_ref": "INV-2025-08",
                "invoiced_at": "2025-08-07 10:00",
            },
            headers=world.owner.headers(),
        )
        assert response.status_code == 200, response.text
        assert response.json() == {"invoiced": 2, "uuids": uuids}
        shown = client.get(f"{ENTRIES}/{uuids[0]}", headers=world.owner.headers()).json()
        assert shown["invoiced_at"] == "2025-08-07T10:00:00+01:00"
        assert shown["invoice_ref"] == "INV-2025-08"
        actions = session.scalars(select(TimeEntryEvent.action)).all()
        assert actions.count(TimeEntryAction.INVOICED) == 2
        audit = session.scalars(
            select(AuditEvent).where(AuditEvent.subject_type == "invoice")
        ).one()
        assert audit.after is not None
        assert audit.after["entries"] == uuids

    def test_by_filter_marks_what_the_list_shows(
        self, client: TestClient, world: FirmWorld, log: Log
    ) -> None:
        july = log(start="2025-07-30T10:00:00").json()
        august = log(start="2025-08-04T10:00:00").json()
        response = client.post(
            f"{ENTRIES}/invoice",
            json={"filter": {"between": "2025-08-01,2025-08-31"}, "invoice_ref": "A"},
            headers=world.owner.headers(),
        )
        assert response.json()["uuids"] == [august["uuid"]]
        shown = client.get(f"{ENTRIES}/{july['uuid']}", headers=world.owner.headers()).json()
        assert shown["invoiced_at"] is None

    def test_all_or_none(
        self, client: TestClient, session: Session, world: FirmWorld, log: Log
    ) -> None:
        done = log().json()["uuid"]
        fresh = log(start="2025-08-05T10:00:00").json()["uuid"]
        running = log(start="2025-08-07T13:00:00", minutes=None).json()["uuid"]
        headers = world.owner.headers()
        client.post(f"{ENTRIES}/invoice", json={"uuids": [done]}, headers=headers)
        for uuids in (
            [fresh, done],
            [fresh, running],
            [fresh, "3f9c5a1e-0000-4000-8000-000000000000"],
        ):
            response = client.post(f"{ENTRIES}/invoice", json={"uuids": uuids}, headers=headers)
            assert response.status_code == 422, response.text
            assert "uuids" in response.json()["errors"]
        untouched = session.scalars(select(TimeEntry).where(TimeEntry.invoiced_at.is_not(None)))
        assert [str(e.uuid) for e in untouched] == [done]

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({}, "body"),
            ({"uuids": [], "filter": {"between": "2025-08-01,2025-08-31"}}, "body"),
            ({"filter": {"nonsense": "1"}}, "filter"),
            ({"filter": {"between": "2025-08-01"}}, "filter[between]"),
            ({"uuids": ["not-a-uuid"]}, "uuids.0"),
            ({"uuids": [], "invoice_ref": "x" * 65}, "invoice_ref"),
            (
                {"filter": {"between": "2025-08-01,2025-08-31"}, "invoiced_at": "yesterday"},
                "invoiced_at",
            ),
            (
                {"filter": {"between": "2025-08-01,2025-08-31"}, "invoiced_at": "0001-01-01"},
                "invoiced_at",
            ),
            ({"filter": {"between": "2025-08-01,2025-08-31"}}, "uuids"),
        ],
    )
    def test_bad_requests_are_422(
        self, client: TestClient, world: FirmWorld, body: dict[str, Any], field: str
    ) -> None:
        response = client.post(f"{ENTRIES}/invoice", json=body, headers=world.owner.headers())
        assert response.status_code == 422, response.text
        assert field in response.json()["errors"], response.text

    def test_only_owners_and_admins(
        self, client: TestClient, world: FirmWorld, member: Staff, log: Log
    ) -> None:
        entry = log(member).json()["uuid"]
        response = client.post(
            f"{ENTRIES}/invoice", json={"uuids": [entry]}, headers=member.headers()
        )
        assert response.status_code == 403


class TestReprice:
    def test_re_resolves_unlocked_entries_only_and_says_how_many_changed(
        self, client: TestClient, session: Session, world: FirmWorld, rate: Rate, log: Log
    ) -> None:
        rule = rate(10000, "2025-07-01")
        headers = world.owner.headers()
        invoiced = log(start="2025-07-10T10:00:00").json()
        open_one = log(start="2025-07-11T10:00:00").json()
        in_locked = log(start="2025-07-01T10:00:00").json()
        outside = log(start="2025-08-04T10:00:00").json()
        client.post(f"{ENTRIES}/invoice", json={"uuids": [invoiced["uuid"]]}, headers=headers)
        client.put(
            f"/api/v1/firm/{world.firm.uuid}/lock",
            json={"locked_before": "2025-07-05"},
            headers=headers,
        )
        client.put(f"{RATES}/{rule['uuid']}", json={"hourly_rate": 11000}, headers=headers)

        response = client.post(
            f"{RATES}/{rule['uuid']}/reprice",
            json={"from": "2025-07-01", "to": "2025-07-31"},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        assert response.json() == {"checked": 1, "changed": 1, "skipped_locked": 2}

        def amount(entry: dict[str, Any]) -> int:
            shown = client.get(f"{ENTRIES}/{entry['uuid']}", headers=headers).json()
            return int(shown["hourly_rate"]["amount"])

        assert [amount(e) for e in (invoiced, open_one, in_locked, outside)] == [
            10000,
            11000,
            10000,
            10000,
        ]
        again = client.post(
            f"{RATES}/{rule['uuid']}/reprice",
            json={"from": "2025-07-01", "to": "2025-07-31"},
            headers=headers,
        )
        assert again.json()["changed"] == 0
        audits = session.scalars(select(AuditEvent).where(AuditEvent.action == "repriced")).all()
        assert len(audits) == 2
        assert audits[0].after is not None
        assert audits[0].after["changed"] == 1
        repriced = session.scalars(
            select(TimeEntryEvent).where(TimeEntryEvent.action == TimeEntryAction.REPRICED)
        ).one()
        assert repriced.before is not None
        assert repriced.after is not None
        assert (repriced.before["hourly_rate_minor"], repriced.after["hourly_rate_minor"]) == (
            10000,
            11000,
        )

    def test_to_before_from_is_422(self, client: TestClient, world: FirmWorld, rate: Rate) -> None:
        rule = rate(100)
        response = client.post(
            f"{RATES}/{rule['uuid']}/reprice",
            json={"from": "2025-07-01", "to": "2025-06-30"},
            headers=world.owner.headers(),
        )
        assert response.status_code == 422
        assert "to" in response.json()["errors"]

    def test_open_ended_reprices_to_the_end(
        self, client: TestClient, world: FirmWorld, rate: Rate, log: Log
    ) -> None:
        rule = rate(100)
        log(start="2025-08-04T10:00:00")
        client.put(
            f"{RATES}/{rule['uuid']}", json={"hourly_rate": 200}, headers=world.owner.headers()
        )
        response = client.post(
            f"{RATES}/{rule['uuid']}/reprice",
            json={"from": "2025-01-01"},
            headers=world.owner.headers(),
        )
        assert response.json() == {"checked": 1, "changed": 1, "skipped_locked": 0}


class TestHistory:
    def test_members_do_not_see_rates_in_their_entries_history(
        self,
        client: TestClient,
        session: Session,
        world: FirmWorld,
        member: Staff,
        rate: Rate,
        log: Log,
    ) -> None:
        rate(12000)
        entry = log(member).json()
        url = f"{ENTRIES}/{entry['uuid']}/history"
        theirs = client.get(url, headers=member.headers()).json()["data"][0]["after"]
        assert "hourly_rate_minor" not in theirs
        assert theirs["billable"] is True
        owners = client.get(url, headers=world.owner.headers()).json()["data"][0]["after"]
        assert (owners["hourly_rate_minor"], owners["currency"]) == (12000, "GBP")
        world.firm.members_see_amounts = True
        session.flush()
        allowed = client.get(url, headers=member.headers()).json()["data"][0]["after"]
        assert allowed["hourly_rate_minor"] == 12000

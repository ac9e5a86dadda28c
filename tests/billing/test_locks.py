"""Locked time: every write path refuses a locked entry (period or invoiced) with a 422
that says why; owners override explicitly and the audit trail records it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.billing.conftest import ENTRIES
from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, Staff
from tests.factories.time_entries import make_entry
from timeledger.models import AuditEvent, TimeEntry

Log = Callable[..., httpx.Response]
LOCK = "/api/v1/firm/{}/lock"
# 2025-08-01 in London (BST) starts at 2025-07-31 23:00 UTC.
BOUNDARY = datetime(2025, 7, 31, 23, tzinfo=UTC)


def lock(client: TestClient, world: FirmWorld, day: str | None, **extra: Any) -> httpx.Response:
    return client.put(
        LOCK.format(world.firm.uuid),
        json={"locked_before": day, **extra},
        headers=world.owner.headers(),
    )


@pytest.fixture
def locked_entry(client: TestClient, world: FirmWorld, log: Log) -> dict[str, Any]:
    """An entry of 2025-07-30, then the period locked before 2025-08-01."""
    entry = log(start="2025-07-30T10:00:00").json()
    assert lock(client, world, "2025-08-01").status_code == 200
    return entry


@pytest.fixture
def open_entry(log: Log) -> dict[str, Any]:
    result: dict[str, Any] = log(start="2025-08-04T10:00:00").json()
    return result


def refused(response: httpx.Response, reason: str, field: str = "start_date") -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert f"locked ({reason})" in body["message"]
    assert field in body["errors"]


class TestTheBoundary:
    def test_is_set_from_a_local_date_and_kept_as_an_instant(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        response = lock(client, world, "2025-08-01")
        assert response.json() == {"locked_before": "2025-08-01T00:00:00+01:00", "stopped": []}
        session.refresh(world.firm)
        assert world.firm.locked_before == BOUNDARY
        firm = client.get(f"/api/v1/firm/{world.firm.uuid}", headers=world.owner.headers())
        assert firm.json()["locked_before"] == "2025-08-01T00:00:00+01:00"

    def test_does_not_move_when_the_firm_changes_time_zone(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        lock(client, world, "2025-08-01")
        moved = client.put(
            f"/api/v1/firm/{world.firm.uuid}",
            json={"time_zone": "America/New_York"},
            headers=world.owner.headers(),
        )
        assert moved.json()["locked_before"] == "2025-07-31T19:00:00-04:00"
        session.refresh(world.firm)
        assert world.firm.locked_before == BOUNDARY

    def test_the_entry_shows_it_is_locked(
        self, client: TestClient, world: FirmWorld, locked_entry: dict[str, Any], open_entry: Any
    ) -> None:
        headers = world.owner.headers()
        shown = client.get(f"{ENTRIES}/{locked_entry['uuid']}", headers=headers).json()
        assert (shown["is_locked"], shown["locked_reason"]) == (True, "period")
        other = client.get(f"{ENTRIES}/{open_entry['uuid']}", headers=headers).json()
        assert (other["is_locked"], other["locked_reason"]) == (False, None)

    def test_past_a_running_timer_is_refused_unless_it_stops_it(
        self, client: TestClient, session: Session, world: FirmWorld, log: Log
    ) -> None:
        running = log(start="2025-08-07T09:00:00", minutes=None).json()
        refusal = lock(client, world, "2025-08-08")
        assert refusal.status_code == 422
        assert "stop_running" in refusal.json()["errors"]["locked_before"][0]
        session.refresh(world.firm)
        assert world.firm.locked_before is None

        done = lock(client, world, "2025-08-08", stop_running=True)
        assert done.status_code == 200, done.text
        assert done.json()["stopped"] == [running["uuid"]]
        shown = client.get(f"{ENTRIES}/{running['uuid']}", headers=world.owner.headers()).json()
        assert shown["is_active"] is False
        assert shown["end_date"] == "2025-08-07T13:41:42+01:00"
        assert shown["locked_reason"] == "period"

    def test_a_timer_started_this_instant_is_not_stopped_at_zero_length(
        self, client: TestClient, session: Session, world: FirmWorld, log: Log
    ) -> None:
        # FROZEN_NOW is 13:41:42 in London: the timer has no time yet.
        running = log(start="2025-08-07T13:41:42", minutes=None).json()
        refusal = lock(client, world, "2025-08-08", stop_running=True)
        assert refusal.status_code == 422, refusal.text
        assert running["uuid"] in refusal.json()["errors"]["locked_before"][0]
        shown = client.get(f"{ENTRIES}/{running['uuid']}", headers=world.owner.headers()).json()
        assert shown["is_active"] is True
        session.refresh(world.firm)
        assert world.firm.locked_before is None

    def test_admins_move_it_forward_only_owners_move_it_back(
        self, client: TestClient, world: FirmWorld, admin: Staff, member: Staff
    ) -> None:
        url = LOCK.format(world.firm.uuid)
        forward = client.put(url, json={"locked_before": "2025-08-01"}, headers=admin.headers())
        assert forward.status_code == 200
        back = client.put(url, json={"locked_before": "2025-07-01"}, headers=admin.headers())
        assert back.status_code == 403
        off = client.put(url, json={"locked_before": None}, headers=admin.headers())
        assert off.status_code == 403
        by_member = client.put(url, json={"locked_before": "2025-09-01"}, headers=member.headers())
        assert by_member.status_code == 403
        assert lock(client, world, None).json()["locked_before"] is None

    def test_every_change_is_audited(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        lock(client, world, "2025-08-01")
        lock(client, world, "2025-07-01")
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.subject_type == "lock").order_by(AuditEvent.id)
        ).all()
        assert [(e.action, e.before, e.after) for e in events] == [
            (
                "locked",
                {"locked_before": None},
                {"locked_before": "2025-07-31T23:00:00+00:00", "stopped": []},
            ),
            (
                "lock_overridden",
                {"locked_before": "2025-07-31T23:00:00+00:00"},
                {"locked_before": "2025-06-30T23:00:00+00:00", "stopped": []},
            ),
        ]
        assert events[0].account_id == world.owner.account.id


class TestEveryWritePathRefusesLockedTime:
    def test_create(self, client: TestClient, world: FirmWorld, log: Log) -> None:
        lock(client, world, "2025-08-01")
        refused(log(start="2025-07-31T23:59:00"), "period")
        assert log(start="2025-08-01T00:00:00").status_code == 200

    def test_update(
        self, client: TestClient, world: FirmWorld, locked_entry: dict[str, Any]
    ) -> None:
        response = client.put(
            f"{ENTRIES}/{locked_entry['uuid']}",
            json={
                "trackable_type": "client",
                "trackable_uuid": str(world.client.uuid),
                "name": "Changed",
            },
            headers=world.owner.headers(),
        )
        refused(response, "period")

    def test_patch(
        self, client: TestClient, world: FirmWorld, locked_entry: dict[str, Any]
    ) -> None:
        response = client.patch(
            f"{ENTRIES}/{locked_entry['uuid']}",
            json={"billable": False},
            headers=world.owner.headers(),
        )
        refused(response, "period")

    def test_move_out_of_the_period(
        self, client: TestClient, world: FirmWorld, locked_entry: dict[str, Any]
    ) -> None:
        response = client.patch(
            f"{ENTRIES}/{locked_entry['uuid']}",
            json={"start_date": "2025-08-04T10:00:00"},
            headers=world.owner.headers(),
        )
        refused(response, "period")

    def test_move_into_the_period(
        self, client: TestClient, world: FirmWorld, open_entry: dict[str, Any]
    ) -> None:
        lock(client, world, "2025-08-01")
        response = client.patch(
            f"{ENTRIES}/{open_entry['uuid']}",
            json={"start_date": "2025-07-30T10:00:00"},
            headers=world.owner.headers(),
        )
        refused(response, "period")

    def test_delete(
        self, client: TestClient, world: FirmWorld, locked_entry: dict[str, Any]
    ) -> None:
        response = client.delete(f"{ENTRIES}/{locked_entry['uuid']}", headers=world.owner.headers())
        refused(response, "period")

    def test_reopen(
        self, client: TestClient, world: FirmWorld, locked_entry: dict[str, Any]
    ) -> None:
        response = client.patch(
            f"{ENTRIES}/{locked_entry['uuid']}",
            json={"end_date": None},
            headers=world.owner.headers(),
        )
        refused(response, "period")

    def test_stop(self, client: TestClient, session: Session, world: FirmWorld) -> None:
        # A timer can only run into a locked period if it was already invoiced or the lock
        # was overridden; written directly here.
        running = make_entry(
            session, account=world.owner.account, on=world.client, start=FROZEN_NOW, minutes=None
        )
        running.invoiced_at = FROZEN_NOW
        session.flush()
        response = client.post(f"{ENTRIES}/{running.uuid}/stop", headers=world.owner.headers())
        refused(response, "invoiced", field="invoiced_at")

    def test_the_stop_caused_by_a_new_timer(
        self, client: TestClient, session: Session, world: FirmWorld, log: Log
    ) -> None:
        running = make_entry(
            session,
            account=world.owner.account,
            on=world.client,
            start=datetime(2025, 7, 31, 9, tzinfo=UTC),
            minutes=None,
        )
        world.firm.locked_before = BOUNDARY
        session.flush()
        refused(log(start="2025-08-07T13:00:00", minutes=None), "period")
        session.refresh(running)
        assert running.ended_at is None

    def test_invoiced_entries_whatever_their_date(
        self, client: TestClient, session: Session, world: FirmWorld, open_entry: dict[str, Any]
    ) -> None:
        invoiced = client.post(
            f"{ENTRIES}/invoice",
            json={"uuids": [open_entry["uuid"]], "invoice_ref": "INV-7"},
            headers=world.owner.headers(),
        )
        assert invoiced.status_code == 200, invoiced.text
        url = f"{ENTRIES}/{open_entry['uuid']}"
        headers = world.owner.headers()
        refused(client.patch(url, json={"name": "x"}, headers=headers), "invoiced", "invoiced_at")
        refused(client.delete(url, headers=headers), "invoiced", "invoiced_at")
        shown = client.get(url, headers=headers).json()
        assert (shown["locked_reason"], shown["invoice_ref"]) == ("invoiced", "INV-7")

    def test_nothing_changed(
        self, client: TestClient, session: Session, world: FirmWorld, locked_entry: dict[str, Any]
    ) -> None:
        client.patch(
            f"{ENTRIES}/{locked_entry['uuid']}",
            json={"name": "Changed", "start_date": "2025-08-04T10:00:00"},
            headers=world.owner.headers(),
        )
        entry = session.scalars(select(TimeEntry).where(TimeEntry.name == "Changed")).first()
        assert entry is None


class TestOverride:
    def test_an_owner_overrides_and_the_audit_trail_records_it(
        self, client: TestClient, session: Session, world: FirmWorld, locked_entry: dict[str, Any]
    ) -> None:
        response = client.patch(
            f"{ENTRIES}/{locked_entry['uuid']}",
            params={"override_lock": "true"},
            json={"name": "Corrected"},
            headers=world.owner.headers(),
        )
        assert response.status_code == 200, response.text
        assert response.json()["name"] == "Corrected"
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "lock_overridden")
        ).one()
        assert event.subject_type == "time_entry"
        assert str(event.subject_uuid) == locked_entry["uuid"]
        assert event.after is not None
        assert event.after["reason"] == "period"
        assert event.account_id == world.owner.account.id

    def test_an_owner_creates_in_the_period_only_when_overriding(
        self, client: TestClient, session: Session, world: FirmWorld, log: Log
    ) -> None:
        lock(client, world, "2025-08-01")
        made = log(start="2025-07-30T10:00:00", params={"override_lock": "true"})
        assert made.status_code == 200, made.text
        assert made.json()["locked_reason"] == "period"
        deleted = client.delete(
            f"{ENTRIES}/{made.json()['uuid']}",
            params={"override_lock": "1"},
            headers=world.owner.headers(),
        )
        assert deleted.status_code == 200
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.subject_type == "time_entry")
        ).all()
        assert actions == ["lock_overridden", "lock_overridden"]

    def test_admins_cannot_override(
        self, client: TestClient, world: FirmWorld, admin: Staff, locked_entry: dict[str, Any]
    ) -> None:
        response = client.delete(
            f"{ENTRIES}/{locked_entry['uuid']}",
            params={"override_lock": "true"},
            headers=admin.headers(),
        )
        assert response.status_code == 403
        assert response.json() == {"message": "Only owners may override a lock."}

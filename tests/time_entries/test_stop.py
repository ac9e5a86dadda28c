"""POST /api/v1/time-entry/{uuid}/stop (an extension)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.factories import FirmWorld, Staff
from tests.support import FrozenClock
from tests.time_entries.conftest import MakeEntry, MakeStaff, utc
from timeledger.models import TimeEntry

URL = "/api/v1/time-entry/{}/stop"


@pytest.fixture
def running(world: FirmWorld, entry: MakeEntry) -> TimeEntry:
    """The owner's timer on the client since 12:00 UTC (13:00 in London)."""
    return entry(
        account=world.owner.account, on=world.client, start=utc(2025, 8, 7, 12, 0), minutes=None
    )


class TestStop:
    def test_stops_now(
        self, client: TestClient, world: FirmWorld, running: TimeEntry, clock: FrozenClock
    ) -> None:
        clock.set(utc(2025, 8, 7, 12, 45))

        response = client.post(URL.format(running.uuid), headers=world.owner.headers())

        assert response.status_code == 200
        body = response.json()
        assert body["is_active"] is False
        assert body["end_date"] == "2025-08-07T13:45:00+01:00"
        assert body["total_time_in_minutes"] == 45
        again = client.get(f"/api/v1/time-entry/{running.uuid}", headers=world.owner.headers())
        assert again.json()["end_date"] == "2025-08-07T13:45:00+01:00"

    def test_stops_at_the_end_date_sent(
        self, client: TestClient, world: FirmWorld, running: TimeEntry
    ) -> None:
        response = client.post(
            URL.format(running.uuid),
            json={"end_date": "2025-08-07 13:10"},
            headers=world.owner.headers(),
        )

        assert response.status_code == 200
        assert response.json()["end_date"] == "2025-08-07T13:10:00+01:00"
        assert response.json()["total_time_in_minutes"] == 10

    def test_a_new_timer_can_start_after_the_stop(
        self, client: TestClient, world: FirmWorld, running: TimeEntry
    ) -> None:
        client.post(URL.format(running.uuid), headers=world.owner.headers())

        response = client.post(
            "/api/v1/time-entry",
            json={
                "trackable_type": "case",
                "trackable_uuid": str(world.case.uuid),
                "name": "Next",
            },
            headers=world.owner.headers(),
        )

        assert response.status_code == 200
        assert response.json()["is_active"] is True

    def test_a_finished_entry_is_422(
        self, client: TestClient, world: FirmWorld, entry: MakeEntry
    ) -> None:
        done = entry(account=world.owner.account, on=world.client, start=utc(2025, 8, 7, 9))

        response = client.post(URL.format(done.uuid), headers=world.owner.headers())

        assert response.status_code == 422
        assert response.json() == {
            "message": "The time entry is not running.",
            "errors": {"end_date": ["The time entry is not running."]},
        }

    def test_an_end_before_the_start_is_422(
        self, client: TestClient, world: FirmWorld, running: TimeEntry
    ) -> None:
        response = client.post(
            URL.format(running.uuid),
            json={"end_date": "2025-08-07T12:59:00+01:00"},
            headers=world.owner.headers(),
        )

        assert response.status_code == 422
        assert response.json()["errors"] == {
            "end_date": ["The end date must be after the start date."]
        }

    def test_stopping_in_the_second_it_started_is_422(
        self, client: TestClient, world: FirmWorld, running: TimeEntry, clock: FrozenClock
    ) -> None:
        clock.set(utc(2025, 8, 7, 12, 0))

        response = client.post(URL.format(running.uuid), headers=world.owner.headers())

        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["end_date"]


class TestStopPermissions:
    def test_without_a_token_is_401(self, client: TestClient, running: TimeEntry) -> None:
        response = client.post(URL.format(running.uuid))

        assert response.status_code == 401

    def test_a_member_may_not_stop_a_colleagues_timer(
        self, client: TestClient, member: Staff, running: TimeEntry
    ) -> None:
        response = client.post(URL.format(running.uuid), headers=member.headers())

        assert response.status_code == 403
        assert response.json() == {"message": "Members may change only their own time entries."}

    def test_a_member_stops_their_own(
        self, client: TestClient, world: FirmWorld, member: Staff, entry: MakeEntry
    ) -> None:
        mine = entry(account=member.account, on=world.case, start=utc(2025, 8, 7, 12), minutes=None)

        response = client.post(URL.format(mine.uuid), headers=member.headers())

        assert response.status_code == 200
        assert response.json()["is_active"] is False

    def test_without_write_permission_is_403(
        self, client: TestClient, world: FirmWorld, staff: MakeStaff, entry: MakeEntry
    ) -> None:
        reader = staff(write=False)
        mine = entry(account=reader.account, on=world.case, start=utc(2025, 8, 7, 12), minutes=None)

        response = client.post(URL.format(mine.uuid), headers=reader.headers())

        assert response.status_code == 403

    def test_client_and_external_accounts_are_403(
        self, client: TestClient, client_login: Staff, external_login: Staff, running: TimeEntry
    ) -> None:
        for who in (client_login, external_login):
            response = client.post(URL.format(running.uuid), headers=who.headers())
            assert response.status_code == 403
            assert response.json() == {"message": "Only the firm's employees may use time entries."}

    def test_another_firms_entry_is_404(
        self, client: TestClient, world: FirmWorld, other_world: FirmWorld, entry: MakeEntry
    ) -> None:
        theirs = entry(
            account=other_world.owner.account,
            on=other_world.client,
            start=utc(2025, 8, 7, 12),
            minutes=None,
        )

        response = client.post(URL.format(theirs.uuid), headers=world.owner.headers())

        assert response.status_code == 404

    def test_a_deleted_entry_is_404(
        self, client: TestClient, world: FirmWorld, entry: MakeEntry
    ) -> None:
        gone = entry(
            account=world.owner.account,
            on=world.client,
            start=utc(2025, 8, 7, 12),
            minutes=None,
            deleted_at=utc(2025, 8, 7, 12, 30),
        )

        response = client.post(URL.format(gone.uuid), headers=world.owner.headers())

        assert response.status_code == 404


class TestStopBody:
    def test_an_empty_json_body_means_now(
        self, client: TestClient, world: FirmWorld, running: TimeEntry
    ) -> None:
        response = client.post(
            URL.format(running.uuid),
            content=b"",
            headers={**world.owner.headers(), "Content-Type": "application/json"},
        )

        assert response.status_code == 200
        assert response.json()["end_date"] == "2025-08-07T13:41:42+01:00"

    def test_end_date_null_means_now(
        self, client: TestClient, world: FirmWorld, running: TimeEntry
    ) -> None:
        response = client.post(
            URL.format(running.uuid), json={"end_date": None}, headers=world.owner.headers()
        )

        assert response.status_code == 200
        assert response.json()["end_date"] == "2025-08-07T13:41:42+01:00"

    def test_a_malformed_end_date_is_422_and_the_timer_keeps_running(
        self, client: TestClient, world: FirmWorld, running: TimeEntry
    ) -> None:
        response = client.post(
            URL.format(running.uuid), json={"end_date": "soon"}, headers=world.owner.headers()
        )

        assert response.status_code == 422
        assert response.json()["errors"] == {
            "end_date": ["The end date field must be a valid date."]
        }
        again = client.get(f"/api/v1/time-entry/{running.uuid}", headers=world.owner.headers())
        assert again.json()["is_active"] is True

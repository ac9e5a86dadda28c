"""GET /api/v1/time-entry/{uuid}."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import FirmWorld, Staff
from tests.time_entries.conftest import MakeEntry, utc


class TestShowTimeEntry:
    def test_an_employee_reads_a_colleagues_entry(
        self, client: TestClient, world: FirmWorld, member: Staff, entry: MakeEntry
    ) -> None:
        made = entry(account=world.owner.account, on=world.case, start=utc(2025, 8, 7, 9, 0))

        response = client.get(f"/api/v1/time-entry/{made.uuid}", headers=member.headers())

        assert response.status_code == 200
        body = response.json()
        assert body["uuid"] == str(made.uuid)
        assert body["name"] == "Research"
        assert body["trackable_type"] == "Case"
        assert body["trackable"]["uuid"] == str(world.case.uuid)
        assert body["account"]["uuid"] == str(world.owner.account.uuid)
        # 09:00 UTC is 10:00 in London in August.
        assert body["start_date"] == "2025-08-07T10:00:00+01:00"
        assert body["end_date"] == "2025-08-07T10:30:00+01:00"
        assert body["is_active"] is False
        assert body["total_time_in_minutes"] == 30
        assert body["computed_time_elapsed_in_seconds"] == 1800

    def test_a_running_entry_counts_up_to_now(
        self, client: TestClient, world: FirmWorld, entry: MakeEntry
    ) -> None:
        # The frozen clock reads 12:41:42 UTC.
        made = entry(
            account=world.owner.account, on=world.client, start=utc(2025, 8, 7, 12, 0), minutes=None
        )

        body = client.get(f"/api/v1/time-entry/{made.uuid}", headers=world.owner.headers()).json()

        assert body["is_active"] is True
        assert body["end_date"] is None
        assert body["computed_time_elapsed_in_seconds"] == 41 * 60 + 42
        assert body["trackable_type"] == "Client"

    def test_upper_case_uuid_is_found(
        self, client: TestClient, world: FirmWorld, entry: MakeEntry
    ) -> None:
        made = entry(account=world.owner.account, on=world.firm, start=utc(2025, 8, 7, 9, 0))

        response = client.get(
            f"/api/v1/time-entry/{str(made.uuid).upper()}", headers=world.owner.headers()
        )

        assert response.status_code == 200
        assert response.json()["uuid"] == str(made.uuid)

    def test_without_a_token_is_401(
        self, client: TestClient, world: FirmWorld, entry: MakeEntry
    ) -> None:
        made = entry(account=world.owner.account, on=world.firm, start=utc(2025, 8, 7, 9, 0))

        response = client.get(f"/api/v1/time-entry/{made.uuid}")

        assert response.status_code == 401
        assert response.json() == {"message": "Unauthenticated."}

    def test_a_client_account_is_403(
        self, client: TestClient, world: FirmWorld, client_login: Staff, entry: MakeEntry
    ) -> None:
        made = entry(account=world.owner.account, on=world.client, start=utc(2025, 8, 7, 9, 0))

        response = client.get(f"/api/v1/time-entry/{made.uuid}", headers=client_login.headers())

        assert response.status_code == 403
        assert response.json() == {"message": "Only the firm's employees may use time entries."}

    def test_an_external_account_is_403(
        self, client: TestClient, world: FirmWorld, external_login: Staff, entry: MakeEntry
    ) -> None:
        made = entry(account=world.owner.account, on=world.client, start=utc(2025, 8, 7, 9, 0))

        response = client.get(f"/api/v1/time-entry/{made.uuid}", headers=external_login.headers())

        assert response.status_code == 403

    def test_another_firms_entry_is_404(
        self, client: TestClient, world: FirmWorld, other_world: FirmWorld, entry: MakeEntry
    ) -> None:
        theirs = entry(
            account=other_world.owner.account, on=other_world.client, start=utc(2025, 8, 7, 9)
        )

        response = client.get(f"/api/v1/time-entry/{theirs.uuid}", headers=world.owner.headers())

        assert response.status_code == 404
        assert response.json() == {"message": "No time entry with that UUID."}

    def test_a_deleted_entry_is_404(
        self, client: TestClient, world: FirmWorld, entry: MakeEntry
    ) -> None:
        gone = entry(
            account=world.owner.account,
            on=world.client,
            start=utc(2025, 8, 7, 9),
            deleted_at=utc(2025, 8, 7, 11),
        )

        response = client.get(f"/api/v1/time-entry/{gone.uuid}", headers=world.owner.headers())

        assert response.status_code == 404
        assert response.json() == {"message": "No time entry with that UUID."}

    def test_an_unknown_uuid_is_404(self, client: TestClient, world: FirmWorld) -> None:
        response = client.get(
            "/api/v1/time-entry/3cf0da26-7828-4749-994f-dc0a10d8e7a3", headers=world.owner.headers()
        )

        assert response.status_code == 404
        assert response.json() == {"message": "No time entry with that UUID."}

    def test_a_malformed_uuid_is_404_not_422(self, client: TestClient, world: FirmWorld) -> None:
        response = client.get("/api/v1/time-entry/not-a-uuid", headers=world.owner.headers())

        assert response.status_code == 404
        assert "not-a-uuid" in response.json()["message"]

"""POST /api/v1/time-entry: the seed operation, row by row of the interval table."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import FirmWorld, make_world
from tests.support import FrozenClock
from timeledger.models import TrackableType

URL = "/api/v1/time-entry"

RESOURCE_KEYS = {
    "uuid",
    "name",
    "description",
    "trackable_type",
    "trackable",
    "account",
    "start_date",
    "end_date",
    "is_active",
    "total_time_in_minutes",
    "computed_time_elapsed_in_seconds",
    "created_at",
    "updated_at",
}
# Issue 11's extensions, beside every upstream key.
BILLING_KEYS = {
    "billable",
    "hourly_rate",
    "amount",
    "tags",
    "invoiced_at",
    "invoice_ref",
    "is_locked",
    "locked_reason",
}
ACCOUNT_KEYS = {
    "name",
    "role",
    "type",
    "uuid",
    "email",
    "first_name",
    "last_name",
    "photo_url",
    "created_at",
    "updated_at",
    "external_references",
}


def body(world: FirmWorld, **fields: Any) -> dict[str, Any]:
    return {
        "trackable_type": "client",
        "trackable_uuid": str(world.client.uuid),
        "name": "Research",
        **fields,
    }


def post(client: TestClient, world: FirmWorld, **fields: Any) -> Any:
    return client.post(URL, json=body(world, **fields), headers=world.owner.headers())


class TestSeedExample:
    def test_the_seed_request_answers_200_with_every_documented_key(self, client, world):
        response = post(
            client,
            world,
            trackable_type="Client",
            description="Research for the new project.",
            start_date="2025-08-07T12:56:42+01:00",
            end_date="2025-08-07T13:41:42+01:00",
            total_time_in_minutes=200,
        )
        assert response.status_code == 200
        entry = response.json()
        assert set(entry) == RESOURCE_KEYS | BILLING_KEYS
        assert set(entry["trackable"]) == ACCOUNT_KEYS
        assert set(entry["account"]) == ACCOUNT_KEYS
        assert entry["name"] == "Research"
        assert entry["description"] == "Research for the new project."
        assert entry["trackable_type"] == "Client"
        assert entry["trackable"]["uuid"] == str(world.client.uuid)
        assert entry["trackable"]["type"] == "client"
        assert entry["account"]["uuid"] == str(world.owner.account.uuid)
        assert entry["start_date"] == "2025-08-07T12:56:42+01:00"
        assert entry["end_date"] == "2025-08-07T13:41:42+01:00"
        # The dates win over the total: 45 minutes, not 200.
        assert entry["total_time_in_minutes"] == 45
        assert entry["computed_time_elapsed_in_seconds"] == 2700
        assert entry["is_active"] is False
        assert entry["created_at"] == "2025-08-07T13:41:42+01:00"


class TestIntervalTable:
    def test_start_and_end_define_the_interval(self, client, world):
        entry = post(
            client,
            world,
            start_date="2025-08-07T09:00:00+01:00",
            end_date="2025-08-07T10:30:00+01:00",
        ).json()
        assert (entry["start_date"], entry["end_date"]) == (
            "2025-08-07T09:00:00+01:00",
            "2025-08-07T10:30:00+01:00",
        )
        assert entry["total_time_in_minutes"] == 90

    def test_start_and_total_set_the_end(self, client, world):
        entry = post(
            client, world, start_date="2025-08-07T09:00:00+01:00", total_time_in_minutes=25
        ).json()
        assert entry["end_date"] == "2025-08-07T09:25:00+01:00"
        assert entry["computed_time_elapsed_in_seconds"] == 1500
        assert entry["is_active"] is False

    def test_end_and_total_set_the_start(self, client, world):
        entry = post(
            client, world, end_date="2025-08-07T12:00:00+01:00", total_time_in_minutes=30
        ).json()
        assert entry["start_date"] == "2025-08-07T11:30:00+01:00"
        assert entry["total_time_in_minutes"] == 30

    def test_total_only_ends_at_the_time_of_the_request(self, client, world):
        entry = post(client, world, total_time_in_minutes=15).json()
        assert entry["end_date"] == "2025-08-07T13:41:42+01:00"
        assert entry["start_date"] == "2025-08-07T13:26:42+01:00"

    def test_total_may_be_a_numeric_string(self, client, world):
        entry = post(client, world, total_time_in_minutes="30").json()
        assert entry["total_time_in_minutes"] == 30

    def test_start_only_runs_from_the_start(self, client, world, clock: FrozenClock):
        response = post(client, world, start_date="2025-08-07T13:00:00+01:00")
        entry = response.json()
        assert response.status_code == 200
        assert entry["is_active"] is True
        assert entry["end_date"] is None
        assert entry["computed_time_elapsed_in_seconds"] == 41 * 60 + 42
        assert entry["total_time_in_minutes"] == 42  # 41m42s rounds half up

    def test_start_in_the_future_is_refused_for_a_running_entry(self, client, world):
        response = post(client, world, start_date="2025-08-07T15:00:00+01:00")
        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["start_date"]

    def test_a_start_slightly_ahead_of_the_server_clock_is_taken_as_now(self, client, world):
        entry = post(client, world, start_date="2025-08-07T13:42:12+01:00").json()
        assert entry["start_date"] == "2025-08-07T13:41:42+01:00"
        assert entry["is_active"] is True

    def test_none_of_the_three_runs_from_now(self, client, world):
        entry = post(client, world).json()
        assert entry["start_date"] == "2025-08-07T13:41:42+01:00"
        assert entry["end_date"] is None
        assert entry["is_active"] is True
        assert entry["computed_time_elapsed_in_seconds"] == 0

    def test_end_only_is_refused(self, client, world):
        response = post(client, world, end_date="2025-08-07T12:00:00+01:00")
        assert response.status_code == 422
        assert response.json()["errors"] == {
            "end_date": ["The end date needs a start date or a total time in minutes."]
        }

    @pytest.mark.parametrize("end", ["2025-08-07T09:00:00+01:00", "2025-08-07T08:00:00+01:00"])
    def test_end_not_after_start_is_refused(self, client, world, end):
        response = post(client, world, start_date="2025-08-07T09:00:00+01:00", end_date=end)
        assert response.status_code == 422
        assert response.json() == {
            "message": "The end date must be after the start date.",
            "errors": {"end_date": ["The end date must be after the start date."]},
        }

    def test_an_interval_longer_than_366_days_is_refused(self, client, world):
        response = post(client, world, start_date="2024-01-01", end_date="2025-01-02")
        assert response.status_code == 422
        assert "end_date" in response.json()["errors"]

    def test_seconds_round_half_up_to_minutes(self, client, world):
        below = post(
            client, world, start_date="2025-08-07T09:00:00Z", end_date="2025-08-07T09:00:29Z"
        ).json()
        half = post(
            client, world, start_date="2025-08-07T10:00:00Z", end_date="2025-08-07T10:00:30Z"
        ).json()
        assert (below["total_time_in_minutes"], below["computed_time_elapsed_in_seconds"]) == (
            0,
            29,
        )
        assert (half["total_time_in_minutes"], half["computed_time_elapsed_in_seconds"]) == (1, 30)

    def test_the_newest_upstream_example_with_bare_dates(self, client, world):
        entry = post(
            client, world, start_date="2025-12-10", end_date="2026-01-24", total_time_in_minutes=200
        ).json()
        assert entry["start_date"] == "2025-12-10T00:00:00+00:00"
        assert entry["end_date"] == "2026-01-24T00:00:00+00:00"
        assert entry["total_time_in_minutes"] == 45 * 24 * 60


TYPE_SPELLINGS = [
    ("client", "Client"),
    ("Client", "Client"),
    ("CLIENT", "Client"),
    ("board_task", "BoardTask"),
    ("BoardTask", "BoardTask"),
    ("boardTask", "BoardTask"),
    ("case", "Case"),
    ("Case", "Case"),
    ("circle", "Circle"),
    ("Circle", "Circle"),
    ("firm", "Firm"),
    ("Firm", "Firm"),
    ("task", "Task"),
    ("Task", "Task"),
]


class TestTrackables:
    @pytest.mark.parametrize(("sent", "shown"), TYPE_SPELLINGS)
    def test_every_type_in_any_spelling(self, client, world, sent, shown):
        kind = {
            "Client": "client",
            "BoardTask": "board_task",
            "Case": "case",
            "Circle": "circle",
            "Firm": "firm",
            "Task": "task",
        }[shown]
        uuid = world.trackable_uuid(TrackableType(kind))
        response = post(
            client, world, trackable_type=sent, trackable_uuid=uuid, total_time_in_minutes=10
        )
        assert response.status_code == 200, response.json()
        entry = response.json()
        assert entry["trackable_type"] == shown
        assert entry["trackable"]["uuid"] == uuid
        assert {"uuid", "name", "created_at", "updated_at"} <= set(entry["trackable"])

    def test_each_type_shows_its_own_resource(self, client, world):
        def trackable(kind: str, uuid: str) -> dict[str, Any]:
            return post(
                client, world, trackable_type=kind, trackable_uuid=uuid, total_time_in_minutes=5
            ).json()["trackable"]

        assert trackable("case", str(world.case.uuid))["slug"] == "pension-transfer"
        assert trackable("task", str(world.task.uuid))["taskable_type"] == "client"
        assert trackable("circle", str(world.circle.uuid))["name"] == "Thompson household"
        assert trackable("board_task", str(world.board_task.uuid))["name"] == "Call provider"
        firm = trackable("firm", str(world.firm.uuid))
        assert (firm["name"], firm["time_zone"]) == ("Acme Planning", "Europe/London")

    def test_an_unknown_type_is_refused(self, client, world):
        response = post(client, world, trackable_type="plan")
        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["trackable_type"]

    def test_another_firms_record_is_indistinguishable_from_a_missing_one(
        self, client, world, other_world
    ):
        theirs = post(client, world, trackable_uuid=str(other_world.client.uuid))
        missing = post(client, world, trackable_uuid="00000000-0000-4000-8000-000000000000")
        assert theirs.status_code == missing.status_code == 422
        assert (
            theirs.json()
            == missing.json()
            == {
                "message": "The selected trackable uuid is invalid.",
                "errors": {"trackable_uuid": ["The selected trackable uuid is invalid."]},
            }
        )

    def test_another_firm_as_trackable_is_refused(self, client, world, other_world):
        response = post(
            client, world, trackable_type="firm", trackable_uuid=str(other_world.firm.uuid)
        )
        assert response.status_code == 422

    def test_a_uuid_of_another_type_is_refused(self, client, world):
        response = post(client, world, trackable_type="case", trackable_uuid=str(world.client.uuid))
        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["trackable_uuid"]

    def test_an_employee_is_not_a_client(self, client, world):
        response = post(client, world, trackable_uuid=str(world.owner.account.uuid))
        assert response.status_code == 422

    def test_an_archived_record_is_refused(self, client, world, session, clock):
        world.case.archived_at = clock.now()
        session.flush()
        response = post(client, world, trackable_type="case", trackable_uuid=str(world.case.uuid))
        assert response.status_code == 422

    def test_a_malformed_uuid_is_refused(self, client, world):
        response = post(client, world, trackable_uuid="not-a-uuid")
        assert response.status_code == 422
        assert response.json()["errors"] == {
            "trackable_uuid": ["The trackable uuid field must be a valid UUID."]
        }


class TestTimeZones:
    def test_a_summer_date_in_london_shows_plus_one(self, client, world):
        entry = post(
            client, world, start_date="2025-07-01T08:00:00Z", end_date="2025-07-01T09:00:00Z"
        ).json()
        assert entry["start_date"] == "2025-07-01T09:00:00+01:00"

    def test_a_winter_date_in_london_shows_plus_zero(self, client, world):
        entry = post(
            client, world, start_date="2025-01-15T08:00:00Z", end_date="2025-01-15T09:00:00Z"
        ).json()
        assert entry["start_date"] == "2025-01-15T08:00:00+00:00"
        assert entry["end_date"] == "2025-01-15T09:00:00+00:00"

    def test_dates_without_offset_are_read_in_the_firms_zone(self, client, world):
        summer = post(
            client, world, start_date="2025-07-01 09:00:00", end_date="2025-07-01T10:00:00"
        ).json()
        assert summer["start_date"] == "2025-07-01T09:00:00+01:00"
        assert summer["end_date"] == "2025-07-01T10:00:00+01:00"

    def test_a_bare_date_is_midnight_in_the_firms_zone(self, client, world):
        entry = post(client, world, start_date="2025-07-01", total_time_in_minutes=60).json()
        assert entry["start_date"] == "2025-07-01T00:00:00+01:00"

    def test_a_firm_in_another_zone(self, client, session):
        world = make_world(
            session,
            now=client.app.state.clock.now(),
            name="Big Apple Advice",
            time_zone="America/New_York",
        )
        summer = post(
            client, world, start_date="2025-07-01 09:00:00", total_time_in_minutes=60
        ).json()
        winter = post(
            client, world, start_date="2025-01-15T14:00:00Z", total_time_in_minutes=60
        ).json()
        assert summer["start_date"] == "2025-07-01T09:00:00-04:00"
        assert summer["end_date"] == "2025-07-01T10:00:00-04:00"
        assert winter["start_date"] == "2025-01-15T09:00:00-05:00"
        assert summer["created_at"] == "2025-08-07T08:41:42-04:00"

    def test_an_offset_is_converted_to_the_firms_zone(self, client, world):
        entry = post(
            client,
            world,
            start_date="2025-07-01T09:00:00+02:00",
            end_date="2025-07-01T09:30:00+02:00",
        ).json()
        assert entry["start_date"] == "2025-07-01T08:00:00+01:00"

    def test_fractions_of_a_second_are_dropped(self, client, world):
        entry = post(
            client,
            world,
            start_date="2025-07-01T09:00:00.750Z",
            end_date="2025-07-01T09:01:00.250Z",
        ).json()
        assert entry["start_date"] == "2025-07-01T10:00:00+01:00"
        assert entry["computed_time_elapsed_in_seconds"] == 60

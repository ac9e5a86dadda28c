"""Issue 10, classes 4 and 5: every date path is total, and the interval rules hold on
every path (create, update, reopen, stop, and the stop a new timer causes)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, make_world
from tests.time_entries.conftest import MakeEntry, utc
from timeledger.dates import format_api_datetime, parse_api_datetime, to_utc

URL = "/api/v1/time-entry"
ROLLUP = "/api/v1/client/{}/all-time-entries"
LONG_AGO = FROZEN_NOW - timedelta(days=400)


def _post(client: TestClient, world: FirmWorld, **fields: Any) -> Any:
    body = {
        "trackable_type": "client",
        "trackable_uuid": str(world.client.uuid),
        "name": "Research",
        **fields,
    }
    return client.post(URL, json=body, headers=world.owner.headers())


def _errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 422, response.text
    errors: dict[str, list[str]] = response.json()["errors"]
    return errors


class TestDerivedDates:
    def test_an_end_derived_past_9998_is_422_on_the_total(self, client, world) -> None:
        response = _post(client, world, start_date="9998-12-31", total_time_in_minutes=527_040)
        assert list(_errors(response)) == ["total_time_in_minutes"]
        assert "end date this total gives" in _errors(response)["total_time_in_minutes"][0]

    def test_a_start_derived_before_1900_is_422_on_the_total(self, client, world) -> None:
        response = _post(client, world, end_date="1900-01-02", total_time_in_minutes=3000)
        assert list(_errors(response)) == ["total_time_in_minutes"]

    def test_a_change_of_total_alone_that_leaves_the_range_is_422(
        self, client, world, entry: MakeEntry
    ) -> None:
        late = entry(account=world.owner.account, on=world.client, start=utc(9998, 12, 30))
        response = client.patch(
            f"{URL}/{late.uuid}",
            json={"total_time_in_minutes": 527_040},
            headers=world.owner.headers(),
        )
        assert list(_errors(response)) == ["total_time_in_minutes"]

    def test_the_last_day_still_works(self, client, world) -> None:
        response = _post(client, world, start_date="9998-12-31 10:00:00", total_time_in_minutes=60)
        assert response.status_code == 200, response.text
        assert response.json()["end_date"] == "9998-12-31T11:00:00+00:00"


class TestDateFilters:
    @pytest.mark.parametrize(
        ("url", "name", "value"),
        [
            (URL, "between", "9999-12-31,9999-12-31"),
            (URL, "between", "1899-12-31,1900-01-01"),
            (ROLLUP, "start_date_before", "9999-12-31"),
            (ROLLUP, "end_date_before", "9999-12-31"),
            (ROLLUP, "start_date_after", "0001-01-01"),
            (ROLLUP, "end_date_after", "9999-12-31T23:59:59-12:00"),
        ],
    )
    def test_a_filter_date_at_the_edges_is_422_never_500(
        self, client, world, url: str, name: str, value: str
    ) -> None:
        response = client.get(
            url.format(world.client.uuid),
            params={f"filter[{name}]": value},
            headers=world.owner.headers(),
        )
        assert list(_errors(response)) == [f"filter[{name}]"]


class TestOffsets:
    def test_a_historic_offset_with_seconds_is_written_as_valid_rfc_3339(self) -> None:
        # Monrovia kept -00:44:30 until 1972.
        instant = utc(1960, 6, 1, 12)
        shown = format_api_datetime(instant, "Africa/Monrovia")
        assert shown == "1960-06-01T11:15:00-00:45"
        assert to_utc(parse_api_datetime(shown), "Africa/Monrovia") == instant

    def test_what_the_api_writes_it_reads_back(self, client, session: Session) -> None:
        world = make_world(
            session, now=FROZEN_NOW, name="Monrovia Advice", time_zone="Africa/Monrovia"
        )
        created = _post(client, world, start_date="1960-06-01T12:00:00Z", total_time_in_minutes=30)
        assert created.status_code == 200, created.text
        shown = created.json()["start_date"]
        assert shown == "1960-06-01T11:15:00-00:45"
        again = _post(client, world, start_date=shown, total_time_in_minutes=30)
        assert again.status_code == 200, again.text
        assert again.json()["start_date"] == shown


class TestIntervalRulesOnEveryPath:
    def test_create_refuses_a_timer_started_more_than_366_days_ago(self, client, world) -> None:
        start = format_api_datetime(LONG_AGO, "UTC")
        assert list(_errors(_post(client, world, start_date=start))) == ["start_date"]

    def test_create_takes_a_timer_started_365_days_ago(self, client, world) -> None:
        start = format_api_datetime(FROZEN_NOW - timedelta(days=365), "UTC")
        assert _post(client, world, start_date=start).status_code == 200

    def test_update_refuses_moving_a_running_start_that_far_back(
        self, client, world, entry: MakeEntry
    ) -> None:
        running = entry(
            account=world.owner.account, on=world.client, start=FROZEN_NOW, minutes=None
        )
        response = client.patch(
            f"{URL}/{running.uuid}",
            json={"start_date": format_api_datetime(LONG_AGO, "UTC")},
            headers=world.owner.headers(),
        )
        assert list(_errors(response)) == ["start_date"]

    def test_reopen_refuses_an_entry_that_started_more_than_366_days_ago(
        self, client, world, entry: MakeEntry
    ) -> None:
        old = entry(account=world.owner.account, on=world.client, start=LONG_AGO)
        response = client.patch(
            f"{URL}/{old.uuid}", json={"end_date": None}, headers=world.owner.headers()
        )
        assert list(_errors(response)) == ["end_date"]
        assert "start a new time entry" in _errors(response)["end_date"][0]

    def test_stop_of_a_timer_running_too_long_names_it_and_says_how(
        self, client, world, entry: MakeEntry
    ) -> None:
        stale = entry(account=world.owner.account, on=world.client, start=LONG_AGO, minutes=None)
        response = client.post(f"{URL}/{stale.uuid}/stop", headers=world.owner.headers())
        message = _errors(response)["end_date"][0]
        assert str(stale.uuid) in message
        assert "within 366 days of its start" in message
        fixed = client.post(
            f"{URL}/{stale.uuid}/stop",
            json={"end_date": format_api_datetime(LONG_AGO + timedelta(hours=2), "UTC")},
            headers=world.owner.headers(),
        )
        assert fixed.status_code == 200, fixed.text
        assert fixed.json()["total_time_in_minutes"] == 120

    def test_a_new_timer_does_not_silently_close_a_stale_one(
        self, client, world, entry: MakeEntry
    ) -> None:
        stale = entry(account=world.owner.account, on=world.client, start=LONG_AGO, minutes=None)
        response = _post(client, world)
        message = _errors(response)["start_date"][0]
        assert str(stale.uuid) in message
        assert f"/api/v1/time-entry/{stale.uuid}/stop" in message
        shown = client.get(f"{URL}/{stale.uuid}", headers=world.owner.headers()).json()
        assert shown["end_date"] is None  # nothing changed

    def test_a_reopen_does_not_silently_close_a_stale_one(
        self, client, world, entry: MakeEntry
    ) -> None:
        entry(account=world.owner.account, on=world.client, start=LONG_AGO, minutes=None)
        recent = entry(
            account=world.owner.account, on=world.client, start=FROZEN_NOW - timedelta(hours=3)
        )
        response = client.patch(
            f"{URL}/{recent.uuid}", json={"end_date": None}, headers=world.owner.headers()
        )
        assert list(_errors(response)) == ["end_date"]


class TestOtherDateInputs:
    @pytest.mark.parametrize(
        "due", ["9999-12-31 23:00:00", "1899-12-31", "9998-12-31T23:00:00-05:00"]
    )
    def test_a_task_due_outside_the_range_is_422(self, client, world, due: str) -> None:
        response = client.post(
            "/api/v1/task",
            json={
                "name": "Send pack",
                "due_at": due,
                "taskable_type": "client",
                "taskable_uuid": str(world.client.uuid),
            },
            headers=world.owner.headers(),
        )
        assert list(_errors(response)) == ["due_at"]

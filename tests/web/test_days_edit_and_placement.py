"""Issue 13's newcomer try-out: a moved start keeps the entry's length, Save says so, the
day list labels its trackable options alike, and a new week-grid entry is never placed
after now or over the running timer (docs/web.md)."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import FirmWorld
from tests.web.conftest import Browser

# tests.conftest.FROZEN_NOW is 2025-08-07 12:41:42 UTC: 13:41:42 in London.
TODAY = "2025-08-07"


def _entries(client: TestClient, world: FirmWorld, day: str) -> list[dict[str, Any]]:
    answer = client.get(
        "/api/v1/time-entry",
        params={"filter[between]": f"{day},{day}", "per_page": 500},
        headers=world.owner.headers(),
    )
    assert answer.status_code == 200
    return sorted(answer.json()["data"], key=lambda entry: entry["start_date"])


def _cell(signed_in: Browser, world: FirmWorld, day: str, duration: str, name: str = "Letters"):
    fields = {"trackable": f"client:{world.client.uuid}", "name": name, "day": day}
    return signed_in.post("/app/week/cell", {**fields, "duration": duration})


def _start_timer(client: TestClient, world: FirmWorld, start: str) -> None:
    answer = client.post(
        "/api/v1/time-entry",
        json={
            "trackable_type": "client",
            "trackable_uuid": str(world.client.uuid),
            "name": "Running",
            "start_date": start,
        },
        headers=world.owner.headers(),
    )
    assert answer.status_code == 200, answer.text


def _edit(signed_in: Browser, entry: dict[str, Any], start: str, shown: str):
    """Save as the page sends it when only Start was changed: the duration as shown."""
    was = entry["start_date"][11:16]
    return signed_in.post(
        f"/app/entries/{entry['uuid']}",
        {
            "day": entry["start_date"][:10],
            "name": entry["name"],
            "start": start,
            "start_was": was,
            "duration": shown,
            "duration_was": shown,
            "trackable": f"client:{entry['trackable']['uuid']}",
        },
    )


class TestStartOnlyEdit:
    def test_moving_the_start_earlier_keeps_the_duration(self, signed_in, world, client):
        _cell(signed_in, world, "2025-08-06", "1:30")
        (entry,) = _entries(client, world, "2025-08-06")
        page = _edit(signed_in, entry, "08:15", "1:30")
        assert 'role="alert"' not in page.text
        (moved,) = _entries(client, world, "2025-08-06")
        assert moved["start_date"] == "2025-08-06T08:15:00+01:00"
        assert moved["end_date"] == "2025-08-06T09:45:00+01:00"
        assert moved["computed_time_elapsed_in_seconds"] == 90 * 60

    def test_moving_the_start_past_the_old_end_keeps_the_seconds(self, signed_in, world, client):
        _cell(signed_in, world, "2025-08-06", "1:30:25")
        (entry,) = _entries(client, world, "2025-08-06")
        assert entry["end_date"] == "2025-08-06T10:30:25+01:00"
        page = _edit(signed_in, entry, "11:00", "1:30:25")
        assert 'role="alert"' not in page.text
        (moved,) = _entries(client, world, "2025-08-06")
        assert moved["start_date"] == "2025-08-06T11:00:00+01:00"
        assert moved["end_date"] == "2025-08-06T12:30:25+01:00"

    def test_a_typed_duration_still_wins(self, signed_in, world, client):
        _cell(signed_in, world, "2025-08-06", "1:30")
        (entry,) = _entries(client, world, "2025-08-06")
        signed_in.post(
            f"/app/entries/{entry['uuid']}",
            {
                "day": "2025-08-06",
                "name": "Letters",
                "start": "10:00",
                "start_was": "09:00",
                "duration": "0:45",
                "duration_was": "1:30",
            },
        )
        (moved,) = _entries(client, world, "2025-08-06")
        assert (moved["start_date"], moved["end_date"]) == (
            "2025-08-06T10:00:00+01:00",
            "2025-08-06T10:45:00+01:00",
        )


class TestSaveSaysSo:
    def test_save_shows_a_status(self, signed_in, world, client):
        _cell(signed_in, world, "2025-08-06", "1:30")
        (entry,) = _entries(client, world, "2025-08-06")
        page = _edit(signed_in, {**entry, "name": "Letters out"}, "09:00", "1:30").text
        assert '<p role="status" class="ok">Entry saved.</p>' in page
        assert _entries(client, world, "2025-08-06")[0]["name"] == "Letters out"

    def test_a_refused_save_shows_no_status(self, signed_in, world, client):
        _cell(signed_in, world, "2025-08-06", "1:30")
        (entry,) = _entries(client, world, "2025-08-06")
        page = signed_in.post(
            f"/app/entries/{entry['uuid']}",
            {
                "day": "2025-08-06",
                "name": "Letters",
                "start": "09:00",
                "start_was": "09:00",
                "duration": "soon",
                "duration_was": "1:30",
            },
        ).text
        assert "The duration must be like" in page
        assert "Entry saved." not in page


class TestOnLabels:
    def test_the_selected_option_is_labelled_like_the_others(self, signed_in, world, client):
        _cell(signed_in, world, "2025-08-06", "1:30")
        task = {"trackable": f"task:{world.task.uuid}", "name": "Review", "day": "2025-08-05"}
        signed_in.post("/app/week/cell", {**task, "duration": "1:00"})
        page = signed_in.get("/app/days", params={"day": "2025-08-06"}).text
        selected = re.findall(r'<option value="[^"]+" selected>([^<]*)</option>', page)
        assert selected == [f"{world.client.name} (Client)", f"{world.task.name} (Task)"]
        others = re.findall(r'<option value="[^"]+">([^<]*)</option>', page)
        assert others
        assert all(re.search(r" \((Client|Case|Task|Circle|Board task|Firm)\)$", o) for o in others)


class TestPlacementRule:
    def test_today_without_a_timer_never_ends_after_now(self, signed_in, world, client):
        # From 09:00 it would end at 14:00, after now (13:41:42): it ends now instead.
        assert 'role="alert"' not in _cell(signed_in, world, TODAY, "5:00").text
        (entry,) = _entries(client, world, TODAY)
        assert entry["start_date"] == "2025-08-07T08:41:42+01:00"
        assert entry["end_date"] == "2025-08-07T13:41:42+01:00"

    def test_an_entry_that_fits_keeps_the_usual_place(self, signed_in, world, client):
        _start_timer(client, world, "2025-08-07 12:30:00")
        assert 'role="alert"' not in _cell(signed_in, world, TODAY, "1:00").text
        placed = [e for e in _entries(client, world, TODAY) if e["name"] == "Letters"]
        assert placed[0]["start_date"] == "2025-08-07T09:00:00+01:00"
        assert placed[0]["end_date"] == "2025-08-07T10:00:00+01:00"

    def test_with_a_timer_running_it_ends_when_the_timer_started(self, signed_in, world, client):
        _start_timer(client, world, "2025-08-07 09:30:00")
        assert 'role="alert"' not in _cell(signed_in, world, TODAY, "1:00").text
        placed = [e for e in _entries(client, world, TODAY) if e["name"] == "Letters"]
        assert placed[0]["start_date"] == "2025-08-07T08:30:00+01:00"
        assert placed[0]["end_date"] == "2025-08-07T09:30:00+01:00"

    def test_no_room_before_the_timer_is_refused_with_a_message(self, signed_in, world, client):
        _cell(signed_in, world, TODAY, "2:00", name="Earlier")  # 09:00-11:00
        _start_timer(client, world, "2025-08-07 11:00:00")
        page = _cell(signed_in, world, TODAY, "1:00").text
        assert page.count('role="alert"') == 1
        assert "No room for 1:00 before your running timer (started 11:00)" in page
        assert [e["name"] for e in _entries(client, world, TODAY)] == ["Earlier", "Running"]

    def test_no_room_before_now_is_time_logged_ahead(self, signed_in, world, client):
        page = _cell(signed_in, world, TODAY, "14:00").text
        assert 'role="alert"' not in page
        placed = _entries(client, world, TODAY)
        assert placed[0]["start_date"] == "2025-08-07T09:00:00+01:00"
        assert placed[0]["end_date"] == "2025-08-07T23:00:00+01:00"

    def test_past_and_later_days_keep_the_usual_rule(self, signed_in, world, client):
        _start_timer(client, world, "2025-08-07 09:30:00")
        _cell(signed_in, world, "2025-08-06", "1:00")
        _cell(signed_in, world, "2025-08-08", "1:00")
        assert _entries(client, world, "2025-08-06")[0]["start_date"].startswith(
            "2025-08-06T09:00:00"
        )
        assert _entries(client, world, "2025-08-08")[0]["start_date"].startswith(
            "2025-08-08T09:00:00"
        )

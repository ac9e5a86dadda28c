from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import FirmWorld
from tests.web.conftest import Browser


def _client_choice(world: FirmWorld) -> str:
    return f"client:{world.client.uuid}"


def _api_entries(client: TestClient, world: FirmWorld, between: str) -> list[dict[str, Any]]:
    answer = client.get(
        "/api/v1/time-entry",
        params={"filter[between]": between, "per_page": 500},
        headers=world.owner.headers(),
    )
    assert answer.status_code == 200
    return sorted(answer.json()["data"], key=lambda entry: entry["start_date"])


class TestTimer:
    def test_page_has_the_named_controls(self, signed_in: Browser):
        page = signed_in.get("/app/timer").text
        assert '<label for="track">Track time on</label>' in page
        assert '<label for="name">What are you working on?</label>' in page
        assert ">Start timer</button>" in page
        assert "No timer is running." in page

    def test_type_ahead_finds_records_by_name(self, signed_in: Browser, world: FirmWorld):
        found = signed_in.get("/app/trackables", params={"q": "pension"}).text
        assert f'value="case:{world.case.uuid}"' in found
        assert "Pension transfer (Case)" in found
        assert "Gareth" not in found

    def test_recent_trackables_come_first(self, signed_in: Browser, world: FirmWorld, clock):
        signed_in.post(
            "/app/timer/start", {"trackable": f"task:{world.task.uuid}", "name": "Review"}
        )
        page = signed_in.get("/app/timer").text
        first = re.search(r'name="trackable" value="([^"]+)"', page)
        assert first is not None
        assert first[1] == f"task:{world.task.uuid}"

    def test_start_then_stop(self, signed_in: Browser, world: FirmWorld, client, clock):
        started = signed_in.post(
            "/app/timer/start", {"trackable": _client_choice(world), "name": "Research"}
        )
        assert 'role="timer"' in started.text
        assert ">Stop timer</button>" in started.text
        running = _api_entries(client, world, "2025-08-07,2025-08-07")
        assert [e["is_active"] for e in running] == [True]
        clock.advance(minutes=90)
        stopped = signed_in.post("/app/timer/stop", {"entry": running[0]["uuid"]})
        assert "No timer is running." in stopped.text
        assert "Today: 1:30" in stopped.text
        (entry,) = _api_entries(client, world, "2025-08-07,2025-08-07")
        assert (entry["is_active"], entry["total_time_in_minutes"]) == (False, 90)

    def test_starting_says_which_timer_it_stops(self, signed_in: Browser, world: FirmWorld, clock):
        signed_in.post("/app/timer/start", {"trackable": _client_choice(world), "name": "Call"})
        page = signed_in.get("/app/timer").text
        assert "Starting a timer stops “Call” (Gareth Thompson)" in page

    def test_refused_start_shows_the_api_message_and_writes_nothing(
        self, signed_in: Browser, world: FirmWorld, client
    ):
        page = signed_in.post("/app/timer/start", {"trackable": _client_choice(world), "name": ""})
        assert 'role="alert"' in page.text
        assert "name field is required" in page.text
        assert _api_entries(client, world, "2025-08-07,2025-08-07") == []


class TestDays:
    def _entry(self, signed_in: Browser, world: FirmWorld, client) -> dict[str, Any]:
        signed_in.post(
            "/app/week/cell",
            {
                "trackable": _client_choice(world),
                "name": "Letters",
                "day": "2025-08-06",
                "duration": "1:30",
            },
        )
        (entry,) = _api_entries(client, world, "2025-08-06,2025-08-06")
        return entry

    def test_day_totals(self, signed_in: Browser, world: FirmWorld, client):
        self._entry(signed_in, world, client)
        page = signed_in.get("/app/days").text
        assert 'Wednesday 6 August 2025 <span class="total">Total 1:30</span>' in page
        assert 'Thursday 7 August 2025 <span class="total">Total 0:00</span>' in page

    def test_inline_edit_takes_decimal_hours(self, signed_in: Browser, world: FirmWorld, client):
        entry = self._entry(signed_in, world, client)
        signed_in.post(
            f"/app/entries/{entry['uuid']}",
            {"day": "2025-08-06", "name": "Letters out", "start": "10:15", "duration": "1.25"},
        )
        (changed,) = _api_entries(client, world, "2025-08-06,2025-08-06")
        assert changed["name"] == "Letters out"
        assert changed["start_date"] == "2025-08-06T10:15:00+01:00"
        assert changed["end_date"] == "2025-08-06T11:30:00+01:00"

    def test_bad_duration_is_refused_with_a_message(
        self, signed_in: Browser, world: FirmWorld, client
    ):
        entry = self._entry(signed_in, world, client)
        page = signed_in.post(
            f"/app/entries/{entry['uuid']}",
            {"day": "2025-08-06", "name": "Letters", "start": "10:15", "duration": "soon"},
        )
        assert "The duration must be like 1:30, 1.5 (hours) or 0:00:25 (h:mm:ss)" in page.text
        (same,) = _api_entries(client, world, "2025-08-06,2025-08-06")
        assert same == entry

    def test_continue_starts_a_timer_with_the_same_fields(
        self, signed_in: Browser, world: FirmWorld, client
    ):
        entry = self._entry(signed_in, world, client)
        page = signed_in.post(f"/app/entries/{entry['uuid']}/continue")
        assert "Timer started." in page.text
        (running,) = _api_entries(client, world, "2025-08-07,2025-08-07")
        assert running["is_active"]
        assert running["name"] == "Letters"
        assert running["trackable"]["uuid"] == str(world.client.uuid)

    def test_delete(self, signed_in: Browser, world: FirmWorld, client):
        entry = self._entry(signed_in, world, client)
        page = signed_in.post(f"/app/entries/{entry['uuid']}/delete")
        assert "Entry deleted." in page.text
        assert _api_entries(client, world, "2025-08-06,2025-08-06") == []


class TestWeek:
    def test_grid_totals_equal_the_api(self, signed_in: Browser, world: FirmWorld, client):
        cells = [
            (_client_choice(world), "Letters", "2025-08-04", "1:30"),
            (_client_choice(world), "Letters", "2025-08-05", "0.75"),
            (f"case:{world.case.uuid}", "Transfer", "2025-08-05", "2h"),
            (f"case:{world.case.uuid}", "Transfer", "2025-08-10", "45m"),
        ]
        for trackable, name, day, duration in cells:
            answer = signed_in.post(
                "/app/week/cell",
                {"trackable": trackable, "name": name, "day": day, "duration": duration},
            )
            assert 'role="alert"' not in answer.text
        page = signed_in.get("/app/week", params={"day": "2025-08-07"}).text
        assert "<caption>Week of Monday 4 August 2025</caption>" in page
        api = _api_entries(client, world, "2025-08-04,2025-08-10")
        api_total = sum(e["computed_time_elapsed_in_seconds"] for e in api)
        assert api_total == (90 + 45 + 120 + 45) * 60
        assert f'id="week-total">{api_total // 3600}:{api_total // 60 % 60:02d}</td>' in page
        assert '<td class="total">2:45</td>' in page  # Tuesday: 0:45 + 2:00

    def test_week_starts_on_the_firms_week_start_and_totals_equal_the_weekly_report(
        self, signed_in: Browser, world: FirmWorld, client, session
    ):
        world.firm.week_start = "sunday"
        session.flush()
        cells = [
            (_client_choice(world), "Letters", "2025-08-03", "1:30"),  # Sunday: first day
            (_client_choice(world), "Letters", "2025-08-09", "0.75"),  # Saturday: last day
            (f"case:{world.case.uuid}", "Transfer", "2025-08-05", "2h"),
            (f"case:{world.case.uuid}", "Transfer", "2025-08-10", "45m"),  # next week
        ]
        for trackable, name, day, duration in cells:
            answer = signed_in.post(
                "/app/week/cell",
                {"trackable": trackable, "name": name, "day": day, "duration": duration},
            )
            assert 'role="alert"' not in answer.text
        page = signed_in.get("/app/week", params={"day": "2025-08-07"}).text
        assert "<caption>Week of Sunday 3 August 2025</caption>" in page
        headers = re.findall(r'<th scope="col">(\w{3}) \d+ \w{3}</th>', page)
        assert headers == ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        weekly = client.get(
            "/api/v1/reports/weekly",
            params={"week_of": "2025-08-07"},
            headers=world.owner.headers(),
        ).json()
        assert weekly["dates"][0] == "2025-08-03"
        assert weekly["total"] == (90 + 45 + 120) * 60
        total = weekly["total"]
        assert f'id="week-total">{total // 3600}:{total // 60 % 60:02d}</td>' in page
        day_totals = re.findall(r'<td class="total">(\d+:\d\d)</td>', page.split("<tfoot>")[1])
        api_days = [f"{s // 3600}:{s // 60 % 60:02d}" for s in weekly["day_totals"]]
        assert day_totals[:7] == api_days
        # The day after the week: Sunday 10 August starts the next one.
        following = signed_in.get("/app/week", params={"day": "2025-08-10"}).text
        assert "<caption>Week of Sunday 10 August 2025</caption>" in following
        assert 'id="week-total">0:45</td>' in following

    def test_new_grid_entry_follows_the_days_last_entry(
        self, signed_in: Browser, world: FirmWorld, client
    ):
        for name in ("First", "Second"):
            signed_in.post(
                "/app/week/cell",
                {
                    "trackable": _client_choice(world),
                    "name": name,
                    "day": "2025-08-04",
                    "duration": "1:00",
                },
            )
        first, second = _api_entries(client, world, "2025-08-04,2025-08-04")
        assert first["start_date"] == "2025-08-04T09:00:00+01:00"
        assert second["start_date"] == first["end_date"] == "2025-08-04T10:00:00+01:00"

    def test_cell_changes_and_clears_its_entry(self, signed_in: Browser, world: FirmWorld, client):
        fields = {"trackable": _client_choice(world), "name": "Letters", "day": "2025-08-04"}
        signed_in.post("/app/week/cell", {**fields, "duration": "1:00"})
        signed_in.post("/app/week/cell", {**fields, "duration": "2:15"})
        (entry,) = _api_entries(client, world, "2025-08-04,2025-08-04")
        assert entry["total_time_in_minutes"] == 135
        signed_in.post("/app/week/cell", {**fields, "duration": ""})
        assert _api_entries(client, world, "2025-08-04,2025-08-04") == []

    def test_cell_with_several_entries_links_to_the_day_list(
        self, signed_in: Browser, world: FirmWorld, client
    ):
        for start in ("09:00:00", "14:00:00"):
            answer = client.post(
                "/api/v1/time-entry",
                json={
                    "trackable_type": "client",
                    "trackable_uuid": str(world.client.uuid),
                    "name": "Calls",
                    "start_date": f"2025-08-05 {start}",
                    "total_time_in_minutes": 30,
                },
                headers=world.owner.headers(),
            )
            assert answer.status_code == 200
        page = signed_in.get("/app/week", params={"day": "2025-08-05"}).text
        assert '<a href="/app/days?day=2025-08-05">1:00 (2 entries)</a>' in page
        refused = signed_in.post(
            "/app/week/cell",
            {
                "trackable": _client_choice(world),
                "name": "Calls",
                "day": "2025-08-05",
                "duration": "3:00",
            },
        )
        assert "This cell holds several entries" in refused.text

    def test_bad_duration(self, signed_in: Browser, world: FirmWorld):
        page = signed_in.post(
            "/app/week/cell",
            {
                "trackable": _client_choice(world),
                "name": "X",
                "day": "2025-08-04",
                "duration": "25:00",
            },
        )
        assert "The duration must be like 1:30, 1.5 (hours) or 0:00:25 (h:mm:ss)" in page.text


class TestIsolation:
    def test_another_firms_entry_cannot_be_edited_continued_or_deleted(
        self, signed_in: Browser, other_world: FirmWorld, client
    ):
        answer = client.post(
            "/api/v1/time-entry",
            json={
                "trackable_type": "client",
                "trackable_uuid": str(other_world.client.uuid),
                "name": "Theirs",
                "start_date": "2025-08-05 09:00:00",
                "total_time_in_minutes": 30,
            },
            headers=other_world.owner.headers(),
        )
        theirs = answer.json()["uuid"]
        for path, data in [
            (f"/app/entries/{theirs}", {"day": "2025-08-05", "name": "Mine", "start": "09:00"}),
            (f"/app/entries/{theirs}/continue", {}),
            (f"/app/entries/{theirs}/delete", {}),
        ]:
            page = signed_in.post(path, data, headers={"HX-Request": ""})
            assert page.status_code == 404
            assert f"There is no time entry with UUID {theirs} in this firm" in page.text
        after = client.get(f"/api/v1/time-entry/{theirs}", headers=other_world.owner.headers())
        assert after.json()["name"] == "Theirs"
        assert signed_in.get("/app/trackables", params={"q": "Rival"}).text.count("radio") == 0


class TestMoveInline:
    def test_entry_moves_to_another_trackable(self, signed_in: Browser, world: FirmWorld, client):
        signed_in.post(
            "/app/week/cell",
            {
                "trackable": f"task:{world.task.uuid}",
                "name": "Review",
                "day": "2025-08-06",
                "duration": "1:00",
            },
        )
        signed_in.post(
            "/app/week/cell",
            {
                "trackable": _client_choice(world),
                "name": "Letters",
                "day": "2025-08-06",
                "duration": "0:30",
            },
        )
        page = signed_in.get("/app/days").text
        assert f'<option value="task:{world.task.uuid}">Annual review (Task)</option>' in page
        letters = next(
            e
            for e in _api_entries(client, world, "2025-08-06,2025-08-06")
            if e["name"] == "Letters"
        )
        signed_in.post(
            f"/app/entries/{letters['uuid']}",
            {
                "day": "2025-08-06",
                "name": "Letters",
                "start": "10:00",
                "duration": "0:30",
                "trackable": f"task:{world.task.uuid}",
            },
        )
        moved = next(
            e
            for e in _api_entries(client, world, "2025-08-06,2025-08-06")
            if e["name"] == "Letters"
        )
        assert (moved["trackable_type"], moved["trackable"]["uuid"]) == (
            "Task",
            str(world.task.uuid),
        )


class TestDayListBadges:
    def test_locked_and_invoiced_entries_say_so_in_words(
        self, signed_in: Browser, world: FirmWorld, client: TestClient, session
    ):
        from datetime import UTC, datetime

        from tests.factories.time_entries import make_entry

        owner = world.owner.account
        invoiced = make_entry(
            session, account=owner, on=world.client, start=datetime(2025, 8, 6, 9, tzinfo=UTC)
        )
        make_entry(
            session,
            account=owner,
            on=world.client,
            start=datetime(2025, 8, 4, 9, tzinfo=UTC),
            name="Old call",
        )
        headers = world.owner.headers()
        answer = client.post(
            "/api/v1/time-entry/invoice",
            json={"uuids": [str(invoiced.uuid)], "invoice_ref": "INV-7"},
            headers=headers,
        )
        assert answer.status_code == 200, answer.text
        lock = client.put(
            f"/api/v1/firm/{world.firm.uuid}/lock",
            json={"locked_before": "2025-08-05"},
            headers=headers,
        )
        assert lock.status_code == 200, lock.text
        page = signed_in.get("/app/days", params={"day": "2025-08-06"}).text
        wednesday = page.split('id="day-2025-08-06"', 1)[1].split("</section>", 1)[0]
        assert "invoiced INV-7" in wednesday
        assert 'title="Invoiced">locked</span>' in wednesday
        monday = page.split('id="day-2025-08-04"', 1)[1].split("</section>", 1)[0]
        assert 'title="Before the firm lock date">locked</span>' in monday
        assert "invoiced" not in monday
        tuesday = page.split('id="day-2025-08-05"', 1)[1].split("</section>", 1)[0]
        assert "locked</span>" not in tuesday


class TestTimerBillableAndTags:
    def test_start_with_billable_choice_and_tags_as_the_api_shows_them(
        self, signed_in: Browser, world: FirmWorld, client: TestClient
    ):
        made = client.post("/api/v1/tags", json={"name": "Advice"}, headers=world.owner.headers())
        assert made.status_code in (200, 201), made.text
        tag = made.json()["uuid"]
        page = signed_in.get("/app/timer").text
        assert '<label for="billable">Billable</label>' in page
        assert f'<input type="checkbox" name="tags" value="{tag}"> Advice</label>' in page
        answer = signed_in.post(
            "/app/timer/start",
            {"trackable": _client_choice(world), "name": "Call", "billable": "0", "tags": tag},
        )
        assert 'role="alert"' not in answer.text
        (entry,) = _api_entries(client, world, "2025-08-07,2025-08-07")
        assert entry["billable"] is False
        assert [t["uuid"] for t in entry["tags"]] == [tag]

    def test_without_a_choice_the_firm_default_applies(
        self, signed_in: Browser, world: FirmWorld, client: TestClient
    ):
        signed_in.post("/app/timer/start", {"trackable": _client_choice(world), "name": "Call"})
        (entry,) = _api_entries(client, world, "2025-08-07,2025-08-07")
        api = client.post(
            "/api/v1/time-entry",
            json={
                "trackable_type": "client",
                "trackable_uuid": str(world.client.uuid),
                "name": "Same default",
                "start_date": "2025-08-06 09:00",
                "end_date": "2025-08-06 10:00",
            },
            headers=world.owner.headers(),
        )
        assert api.status_code == 200, api.text
        assert entry["billable"] == api.json()["billable"]

    def test_an_unknown_tag_is_refused_and_nothing_starts(
        self, signed_in: Browser, world: FirmWorld, client: TestClient
    ):
        answer = signed_in.post(
            "/app/timer/start",
            {
                "trackable": _client_choice(world),
                "name": "Call",
                "tags": "00000000-0000-4000-8000-000000000000",
            },
        )
        assert 'role="alert"' in answer.text
        assert _api_entries(client, world, "2025-08-07,2025-08-07") == []

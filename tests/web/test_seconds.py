"""Durations under a minute, everywhere a duration is shown or typed: a 25-second entry
reads 0:00:25 (never 0:00) in the week grid, the timer page's Today list and the day
list, and 0:00:25 typed in a week cell or the day list is saved as 25 seconds."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import FirmWorld
from tests.factories.time_entries import make_entry
from tests.web.conftest import Browser
from tests.web.test_timesheet_pages import _api_entries, _client_choice

TODAY = "2025-08-07"


def _seconds(entry: dict[str, object]) -> int:
    start = datetime.fromisoformat(str(entry["start_date"]))
    return int((datetime.fromisoformat(str(entry["end_date"])) - start).total_seconds())


def test_a_25_second_entry_reads_0_00_25_on_every_page(
    signed_in: Browser, session: Session, world: FirmWorld
):
    start = datetime(2025, 8, 7, 8, 0, tzinfo=UTC)
    entry = make_entry(
        session, account=world.owner.account, on=world.client, start=start, name="Quick call"
    )
    entry.ended_at = start + timedelta(seconds=25)
    session.flush()
    for path in ("/app/timer", "/app/days", "/app/week"):
        page = signed_in.get(path).text
        assert "0:00:25" in page, path
    week = signed_in.get("/app/week").text
    assert re.search(r'id="week-total">0:00:25<', week)


def test_0_00_25_typed_in_a_week_cell_is_saved(
    signed_in: Browser, world: FirmWorld, client: TestClient
):
    fields = {"trackable": _client_choice(world), "name": "Letters", "day": TODAY}
    page = signed_in.post("/app/week/cell", {**fields, "duration": "0:00:25"})
    assert 'role="alert"' not in page.text
    (entry,) = _api_entries(client, world, f"{TODAY},{TODAY}")
    assert _seconds(entry) == 25
    signed_in.post("/app/week/cell", {**fields, "duration": "1:00:05"})
    (entry,) = _api_entries(client, world, f"{TODAY},{TODAY}")
    assert _seconds(entry) == 3605
    assert 'value="1:00:05"' in signed_in.get("/app/week").text


def test_0_00_25_typed_in_the_day_list_is_saved(
    signed_in: Browser, world: FirmWorld, client: TestClient
):
    fields = {"trackable": _client_choice(world), "name": "Letters", "day": TODAY}
    signed_in.post("/app/week/cell", {**fields, "duration": "1:00"})
    (entry,) = _api_entries(client, world, f"{TODAY},{TODAY}")
    form = {"day": TODAY, "name": "Letters", "start": "09:00", "start_was": "09:00"}
    page = signed_in.post(f"/app/entries/{entry['uuid']}", {**form, "duration": "0:00:25"})
    assert 'role="alert"' not in page.text
    (changed,) = _api_entries(client, world, f"{TODAY},{TODAY}")
    assert _seconds(changed) == 25
    assert changed["start_date"] == entry["start_date"]
    # With a new start typed in the same edit, the length counts from the new start.
    form = {**form, "start": "10:00", "duration_was": "0:00:25"}
    signed_in.post(f"/app/entries/{entry['uuid']}", {**form, "duration": "0:01:05"})
    (moved,) = _api_entries(client, world, f"{TODAY},{TODAY}")
    assert moved["start_date"] == f"{TODAY}T10:00:00+01:00"
    assert _seconds(moved) == 65


def test_a_refused_duration_always_says_why(signed_in: Browser, world: FirmWorld):
    fields = {"trackable": _client_choice(world), "name": "Letters", "day": TODAY}
    for typed in ("0:00:61", "soon", "25:00:00"):
        page = signed_in.post("/app/week/cell", {**fields, "duration": typed})
        assert "The duration must be like" in page.text, typed


def test_a_refused_new_row_is_named_by_its_client_and_name(signed_in: Browser, world: FirmWorld):
    fields = {"trackable": _client_choice(world), "name": "Letters", "day": TODAY}
    page = signed_in.post("/app/week/cell", {**fields, "duration": "soon"}).text
    assert "Gareth Thompson, Letters, Thu 7 Aug: The duration must be like" in page

"""Service messages on pages, in the app's words (issue 13): instants in the firm's zone
as the app shows times, the other rate named in words, an archived record said so, API
field names as the form's labels. The API's own messages stay as they are."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld
from tests.factories.time_entries import make_entry
from tests.web.conftest import Browser
from timeledger.web.messages import FORM_WORDS, for_people


def _lock(client: TestClient, world: FirmWorld, day: str) -> None:
    answer = client.put(
        f"/api/v1/firm/{world.firm.uuid}/lock",
        json={"locked_before": day},
        headers=world.owner.headers(),
    )
    assert answer.status_code == 200, answer.text


class TestInstants:
    def test_running_timers_refusal_on_the_lock_page(
        self, signed_in: Browser, world: FirmWorld, session: Session
    ):
        make_entry(
            session,
            account=world.owner.account,
            on=world.client,
            start=datetime(2025, 8, 6, 9, 5, 7, tzinfo=UTC),
            minutes=None,
        )
        session.flush()
        page = signed_in.post("/app/lock", {"locked_before": "2025-08-07"}).text
        # 09:05:07 UTC is 10:05 in London (BST, +01:00), as the app shows times.
        assert "(the first at 2025-08-06 10:05 +01:00)" in page
        assert "2025-08-06T" not in page

    def test_a_locked_entry_refused_in_the_day_list(
        self, signed_in: Browser, world: FirmWorld, session: Session, client: TestClient
    ):
        entry = make_entry(
            session,
            account=world.owner.account,
            on=world.client,
            start=datetime(2025, 8, 4, 9, tzinfo=UTC),
            minutes=60,
        )
        session.flush()
        _lock(client, world, "2025-08-05")
        page = signed_in.post(
            f"/app/entries/{entry.uuid}",
            {"day": "2025-08-04", "name": "Renamed", "start": "10:00", "start_was": "10:00"},
        ).text
        assert "time before 2025-08-05 00:00 +01:00 is locked and cannot be changed." in page
        assert "T00:00:00" not in page

    def test_the_api_keeps_its_rfc_3339_message(
        self, world: FirmWorld, session: Session, client: TestClient
    ):
        entry = make_entry(
            session,
            account=world.owner.account,
            on=world.client,
            start=datetime(2025, 8, 4, 9, tzinfo=UTC),
            minutes=60,
        )
        session.flush()
        _lock(client, world, "2025-08-05")
        answer = client.patch(
            f"/api/v1/time-entry/{entry.uuid}",
            json={"name": "Renamed"},
            headers=world.owner.headers(),
        )
        assert answer.status_code == 422
        assert "time before 2025-08-05T00:00:00+01:00 is locked" in answer.json()["message"]

    @pytest.mark.parametrize(
        ("text", "shown"),
        [
            ("at 2026-12-01T11:43:02+00:00;", "at 2026-12-01 11:43 +00:00;"),
            ("at 2026-12-01T11:43:02Z.", "at 2026-12-01 11:43 +00:00."),
            ("at 2026-07-01T11:43:02.123456+00:00", "at 2026-07-01 12:43 +01:00"),
            ("from 2026-07-01 to open-ended", "from 2026-07-01 to open-ended"),
        ],
    )
    def test_every_instant_in_the_firm_zone(self, text: str, shown: str):
        assert for_people(text, "Europe/London") == shown


class TestRateOverlap:
    def test_the_other_rate_is_named_in_words(
        self, signed_in: Browser, world: FirmWorld, client: TestClient
    ):
        case = {"applies_to": f"case:{world.case.uuid}", "hourly_rate": "120"}
        signed_in.post(
            "/app/rates",
            {**case, "effective_from": "2025-01-01", "staff": str(world.owner.account.uuid)},
        )
        page = signed_in.post(
            "/app/rates",
            {**case, "effective_from": "2025-06-01", "staff": str(world.owner.account.uuid)},
        ).text
        named = (
            f"({world.owner.account.name}&#39;s rate for {world.case.name}, 120.00 GBP an hour,"
            " from 2025-01-01 to open); end that one first."
        )
        assert named in page
        # The refused form keeps what was typed.
        form = page.split('id="add-rate"', 1)[1]
        assert f'<option value="{world.owner.account.uuid}" selected>' in form
        assert f'<option value="case:{world.case.uuid}" selected>' in form
        assert 'placeholder="150.00" value="120"' in form
        assert 'name="effective_from" type="date" required value="2025-06-01"' in form
        [rate] = client.get("/api/v1/billing-rates", headers=world.owner.headers()).json()["data"]
        assert rate["uuid"] not in page.split('role="alert"')[1].split("</p>")[0]

    def test_the_api_still_names_it_by_uuid(self, world: FirmWorld, client: TestClient):
        body = {"hourly_rate": 100, "currency": "GBP", "effective_from": "2025-01-01"}
        first = client.post("/api/v1/billing-rates", json=body, headers=world.owner.headers())
        again = client.post(
            "/api/v1/billing-rates",
            json={**body, "effective_from": "2025-02-01"},
            headers=world.owner.headers(),
        )
        assert again.status_code == 422
        assert first.json()["uuid"] in again.json()["message"]


class TestArchivedRecord:
    def test_an_archived_case_on_the_timer(
        self, signed_in: Browser, world: FirmWorld, session: Session
    ):
        world.case.archived_at = FROZEN_NOW
        session.flush()
        page = signed_in.post(
            "/app/timer/start", {"trackable": f"case:{world.case.uuid}", "name": "Letters"}
        ).text
        assert f"This case is archived (Case “{world.case.name}”)" in page
        assert "trackable uuid" not in page

    def test_an_archived_case_in_the_week_grid(
        self, signed_in: Browser, world: FirmWorld, session: Session
    ):
        world.case.archived_at = FROZEN_NOW
        session.flush()
        page = signed_in.post(
            "/app/week/cell",
            {
                "trackable": f"case:{world.case.uuid}",
                "name": "Letters",
                "day": "2025-08-05",
                "duration": "1:00",
            },
        ).text
        assert "This case is archived" in page
        assert "trackable uuid" not in page

    def test_a_record_of_no_firm(self, signed_in: Browser):
        value = "client:00000000-0000-4000-8000-000000000000"
        page = signed_in.post("/app/timer/start", {"trackable": value, "name": "Letters"}).text
        assert "Choose what to track time on from the list" in page
        assert "trackable uuid" not in page


class TestFieldNames:
    def test_rounding_step_in_the_form_words(self, signed_in: Browser):
        page = signed_in.get(
            "/app/reports",
            params={"period": "this_week", "rounding": "up", "rounding_minutes": "7"},
        ).text
        assert "Rounding step must be one of" in page
        assert "rounding_minutes field" not in page

    def test_a_list_of_accepted_values_keeps_the_apis_values(self, signed_in: Browser):
        page = signed_in.get(
            "/app/reports/export/summary.csv", params={"period": "this_week", "group_by": "zz"}
        ).text
        assert "trackable, trackable_type, billable" in page
        assert "“Track time on”" not in page

    @pytest.mark.parametrize("name", sorted(FORM_WORDS))
    def test_no_api_field_name_is_left(self, name: str):
        said = for_people(f"The {name} field is required. The selected {name} is invalid.", "UTC")
        assert name not in said


class TestWeekRowKind:
    @pytest.mark.parametrize(
        ("kind", "label"),
        [("client", "Client"), ("case", "Case"), ("task", "Task"), ("board_task", "Board task")],
    )
    def test_the_row_header_names_the_kind(
        self, signed_in: Browser, world: FirmWorld, kind: str, label: str
    ):
        from timeledger.models import TrackableType

        record = world.trackable_uuid(TrackableType(kind))
        fields = {"trackable": f"{kind}:{record}", "name": "Letters", "day": "2025-08-05"}
        page = signed_in.post("/app/week/cell", {**fields, "duration": "1:00"}).text
        assert f'<span class="kind">({label})</span><br><small>Letters</small></th>' in page


WINDOWS_CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


class TestSignInsPage:
    def test_a_readable_browser_and_the_full_string_beside_it(self, web: Browser, world: FirmWorld):
        answer = web.post(
            "/app/sign-in/submit",
            {"email": world.owner.user.email, "password": "secret-pass"},
            headers={"User-Agent": WINDOWS_CHROME},
        )
        assert answer.headers["HX-Redirect"] == "/app/timer"
        page = web.get("/app/sessions").text
        assert "<summary>Chrome 131 on Windows 10</summary>" in page
        assert f"<code>{WINDOWS_CHROME}</code>" in page
        # Signed in and Expires: the firm's zone with its offset, as the app shows times.
        assert '<time datetime="2025-08-07T13:41:42+01:00">2025-08-07 13:41 +01:00</time>' in page

    @pytest.mark.parametrize(
        ("agent", "words"),
        [
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                "Mobile Safari 17 on iOS 17.5",
            ),
            (
                "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox 133 on Ubuntu",
            ),
            ("", "Unknown browser"),
            ("curl/8.5.0", "curl 8"),
        ],
    )
    def test_browser_words(self, agent: str, words: str):
        from timeledger.web.browsers import browser_words

        assert browser_words(agent) == words

"""Firm admin pages (issue 13): settings, lock date, rates and tags, each checked against
the API's answer to the same question, its refusals and CSRF."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, make_staff
from tests.factories.time_entries import make_entry
from tests.web.conftest import Browser
from timeledger.models import AccountRole

SETTINGS = {"currency": "GBP", "week_start": "monday", "name": "Acme Planning"}


def _firm(client: TestClient, world: FirmWorld) -> dict[str, Any]:
    answer = client.get(f"/api/v1/firm/{world.firm.uuid}", headers=world.owner.headers())
    assert answer.status_code == 200
    return dict(answer.json())


def _signed_in_as(web: Browser, world: FirmWorld, session: Session, role: AccountRole) -> Browser:
    staff = make_staff(session, world.firm, now=FROZEN_NOW, role=role)
    session.flush()
    assert web.sign_in(staff).headers["HX-Redirect"] == "/app/timer"
    return web


@pytest.fixture
def web_admin(client: TestClient, world: FirmWorld, session: Session) -> Browser:
    """An admin signed in in a browser of their own (beside the owner's)."""
    return _signed_in_as(Browser(client.__class__(client.app)), world, session, AccountRole.ADMIN)


class TestFirmSettings:
    def test_owner_sees_every_setting_labelled(self, signed_in: Browser):
        page = signed_in.get("/app/settings")
        assert page.status_code == 200
        for label in ('for="firm_name">Firm name', 'for="time_zone">Time zone', "Weeks start on"):
            assert label in page.text
        assert '<option value="monday" selected>Monday</option>' in page.text
        assert '<option value="GBP" selected>GBP' in page.text
        assert "<legend>New time is billable by default on</legend>" in page.text
        assert 'href="/app/settings" aria-current="page">Settings</a>' in page.text

    def test_saving_changes_what_the_api_shows(self, signed_in: Browser, world, client):
        form: dict[str, Any] = {
            **SETTINGS,
            "time_zone": "Europe/Paris",
            "currency": "EUR",
            "week_start": "sunday",
            "billable": ["client", "case", "firm"],  # the ticked boxes
            "members_see_amounts": "on",
        }
        page = signed_in.post("/app/settings", form)
        assert '<p role="status" class="ok">Settings saved.</p>' in page.text
        firm = _firm(client, world)
        assert firm["time_zone"] == "Europe/Paris"
        assert (firm["currency"], firm["week_start"]) == ("EUR", "sunday")
        assert firm["members_see_amounts"] is True
        assert firm["billable_default"] == {
            "client": True,
            "case": True,
            "task": False,
            "board_task": False,
            "circle": False,
            "firm": True,
        }

    def test_a_bad_time_zone_shows_the_api_message_and_changes_nothing(
        self, signed_in: Browser, world, client
    ):
        page = signed_in.post(
            "/app/settings", {**SETTINGS, "time_zone": "Mars/Olympus", "week_start": "friday"}
        )
        assert "The time zone must be an IANA zone name, such as Europe/London." in page.text
        assert 'role="alert"' in page.text
        firm = _firm(client, world)
        assert (firm["time_zone"], firm["week_start"]) == ("Europe/London", "monday")

    def test_an_unknown_currency_is_the_api_message(self, signed_in: Browser, world, client):
        page = signed_in.post("/app/settings", {**SETTINGS, "currency": "XYZ"})
        assert "The currency must be an ISO 4217 code, such as GBP." in page.text
        assert _firm(client, world)["currency"] == "GBP"

    def test_admin_changes_billing_settings_but_not_name_or_zone(
        self, web: Browser, world: FirmWorld, session: Session, client
    ):
        _signed_in_as(web, world, session, AccountRole.ADMIN)
        page = web.get("/app/settings").text
        assert 'id="time_zone"' not in page
        assert "Only an owner changes these." in page
        answer = web.post(
            "/app/settings",
            {**SETTINGS, "name": "Taken Over", "time_zone": "Asia/Tokyo", "week_start": "sunday"},
        )
        assert "Settings saved." in answer.text
        firm = _firm(client, world)
        assert (firm["name"], firm["time_zone"]) == ("Acme Planning", "Europe/London")
        assert firm["week_start"] == "sunday"

    def test_member_is_refused(self, web: Browser, world: FirmWorld, session: Session, client):
        _signed_in_as(web, world, session, AccountRole.MEMBER)
        page = web.get("/app/settings")
        assert page.status_code == 403
        assert "Only owners and admins may manage billing." in page.text
        assert 'href="/app/settings"' not in web.get("/app/timer").text
        refused = web.post("/app/settings", {**SETTINGS, "week_start": "sunday"})
        assert refused.status_code == 403
        assert _firm(client, world)["week_start"] == "monday"

    def test_post_without_csrf_token_is_refused(self, signed_in: Browser, world, client):
        answer = signed_in.client.post(
            "/app/settings", data={**SETTINGS, "week_start": "sunday"}, headers={"HX-Request": "1"}
        )
        assert answer.status_code == 403
        assert _firm(client, world)["week_start"] == "monday"


class TestLock:
    def test_an_empty_date_is_required_not_invalid(self, signed_in: Browser, world, client):
        page = signed_in.post("/app/lock", {"locked_before": ""}).text
        assert "The lock date is required: choose a day." in page
        assert "invalid" not in page
        assert _firm(client, world)["locked_before"] is None

    def test_set_the_lock_date(self, signed_in: Browser, world, client):
        assert "No lock date" in signed_in.get("/app/lock").text
        page = signed_in.post("/app/lock", {"locked_before": "2025-08-05"}).text
        assert "Time before Tuesday 5 August 2025 is locked." in page
        assert 'datetime="2025-08-05T00:00:00+01:00"' in page
        assert _firm(client, world)["locked_before"] == "2025-08-05T00:00:00+01:00"

    def test_running_timer_is_refused_unless_stop_running(
        self, signed_in: Browser, world, client, session: Session
    ):
        running = make_entry(
            session,
            account=world.owner.account,
            on=world.client,
            start=datetime(2025, 8, 6, 9, tzinfo=UTC),
            minutes=None,
        )
        session.flush()
        refused = signed_in.post("/app/lock", {"locked_before": "2025-08-07"}).text
        assert "1 running time entry started before the new boundary" in refused
        # The page names its checkbox, not the API's JSON field.
        assert "send stop_running" not in refused
        assert "tick “Stop running timers that started before it, now”" in refused
        assert _firm(client, world)["locked_before"] is None
        page = signed_in.post(
            "/app/lock", {"locked_before": "2025-08-07", "stop_running": "on"}
        ).text
        assert "Time before Thursday 7 August 2025 is locked. Stopped 1 running timer." in page
        entry = client.get(f"/api/v1/time-entry/{running.uuid}", headers=world.owner.headers())
        assert entry.json()["end_date"] is not None

    def test_admin_may_not_move_it_earlier_owner_may_remove_it(
        self, signed_in: Browser, web_admin: Browser, world, client
    ):
        signed_in.post("/app/lock", {"locked_before": "2025-08-05"})
        page = web_admin.get("/app/lock").text
        assert "Remove lock" not in page
        refused = web_admin.post("/app/lock", {"locked_before": "2025-08-01"}).text
        assert "Only owners may override a lock." in refused
        assert _firm(client, world)["locked_before"] == "2025-08-05T00:00:00+01:00"
        assert "Remove lock" in signed_in.get("/app/lock").text
        removed = signed_in.post("/app/lock/remove").text
        assert "The lock is removed." in removed
        assert _firm(client, world)["locked_before"] is None

    def test_a_missing_date_is_refused(self, signed_in: Browser, world, client):
        page = signed_in.post("/app/lock", {"locked_before": ""}).text
        assert 'role="alert"' in page
        assert _firm(client, world)["locked_before"] is None

    def test_member_is_refused(self, web: Browser, world: FirmWorld, session: Session, client):
        _signed_in_as(web, world, session, AccountRole.MEMBER)
        assert web.get("/app/lock").status_code == 403
        assert web.post("/app/lock", {"locked_before": "2025-08-05"}).status_code == 403
        assert _firm(client, world)["locked_before"] is None

    def test_post_without_csrf_token_is_refused(self, signed_in: Browser, world, client):
        answer = signed_in.client.post("/app/lock", data={"locked_before": "2025-08-05"})
        assert answer.status_code == 403
        assert _firm(client, world)["locked_before"] is None

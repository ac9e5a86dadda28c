"""What a newcomer's try-out found in the pages' inputs: query parameters the pages
cannot show, a refused week cell that did not say which, an entry under 30 s that could
not be saved unchanged, and a Days pager that offered the future."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import FirmWorld
from tests.factories.time_entries import make_entry
from tests.web.conftest import Browser

DAY_PAGES = ("/app/days", "/app/week")
# What each page shows for today (FROZEN_NOW, Thursday 7 August 2025).
TODAY_ON = {"/app/days": "Thursday 7 August 2025", "/app/week": "Week of Monday 4 August 2025"}


def _alert(page: str) -> str:
    found = re.search(r'<p role="alert" class="error">(.*?)</p>', page, re.S)
    assert found, page
    return found[1]


class TestDayParameter:
    @pytest.mark.parametrize("path", DAY_PAGES)
    @pytest.mark.parametrize(
        ("value", "says"),
        [
            ("garbage", "is not a date"),
            ("2025-02-30", "is not a date"),
            ("2025-W32-1", "is not a date"),
            ("20250807", "is not a date"),
            ("9998-12-31", "between 1901-01-01 and 9997-12-31"),
            ("0001-01-01", "between 1901-01-01 and 9997-12-31"),
        ],
    )
    def test_a_day_the_page_cannot_show_is_a_400_page_saying_so(
        self, signed_in: Browser, path: str, value: str, says: str
    ):
        page = signed_in.get(path, params={"day": value})
        assert page.status_code == 400
        assert page.headers["content-type"].startswith("text/html")
        message = _alert(page.text)
        assert says in message
        assert "Showing today." in message
        assert TODAY_ON[path] in page.text

    @pytest.mark.parametrize("path", DAY_PAGES)
    def test_the_edges_of_the_range_are_shown(self, signed_in: Browser, path: str):
        for day in ("1901-01-01", "9997-12-31"):
            page = signed_in.get(path, params={"day": day})
            assert page.status_code == 200, day
            assert 'role="alert"' not in page.text

    @pytest.mark.parametrize(
        "params",
        [
            {"period": "someday"},
            {"group_by": "mood"},
            {"from": "garbage"},
            {"from": "2025-08-10", "to": "2025-08-01"},
            {"to": "2025-13-01"},
        ],
    )
    def test_reports_parameters_answer_an_html_page(self, signed_in: Browser, params):
        for path in ("/app/reports", "/app/reports/export/summary.csv"):
            page = signed_in.get(path, params=params)
            assert 400 <= page.status_code < 500, (path, page.status_code)
            assert page.headers["content-type"].startswith("text/html"), path
            assert _alert(page.text)


class TestDaysPager:
    def test_today_offers_no_later_days(self, signed_in: Browser):
        page = signed_in.get("/app/days").text
        assert "Later days" not in page
        assert '<a href="/app/days?day=2025-07-31">Earlier days</a>' in page

    def test_later_days_stop_at_today(self, signed_in: Browser):
        page = signed_in.get("/app/days", params={"day": "2025-08-03"}).text
        assert '<a href="/app/days?day=2025-08-07">Later days</a>' in page
        page = signed_in.get("/app/days", params={"day": "2025-07-20"}).text
        assert '<a href="/app/days?day=2025-07-27">Later days</a>' in page


class TestWeekCellError:
    def test_refused_cell_is_named_marked_and_focused(self, signed_in: Browser, world: FirmWorld):
        cell = {"trackable": f"client:{world.client.uuid}", "name": "Letters", "day": "2025-08-05"}
        signed_in.post("/app/week/cell", {**cell, "duration": "1:00"})
        page = signed_in.post("/app/week/cell", {**cell, "duration": "25:00"})
        assert page.status_code == 200  # htmx swaps only 2xx answers
        assert _alert(page.text).startswith(
            "<strong>Error:</strong> Gareth Thompson, Letters, Tue 5 Aug: The duration must be"
        )
        marked = re.findall(r"<input name=\"duration\"[^>]*aria-invalid=\"true\"[^>]*>", page.text)
        assert len(marked) == 1
        assert 'aria-label="Gareth Thompson, Letters, Tue 5 Aug"' in marked[0]
        assert 'value="25:00"' in marked[0]  # what was typed, to correct
        assert "autofocus" in marked[0]
        assert 'aria-describedby="cell-error"' in marked[0]
        assert '<span id="cell-error" class="cell-error">The duration must be' in page.text

    def test_new_row_error_names_the_row_and_day(self, signed_in: Browser, world: FirmWorld):
        page = signed_in.post(
            "/app/week/cell",
            {
                "trackable": f"client:{world.client.uuid}",
                "name": "Brand new",
                "day": "2025-08-06",
                "duration": "soon",
            },
        )
        assert "Brand new, Wed 6 Aug: The duration must be" in _alert(page.text)
        assert 'aria-invalid="true"' not in page.text  # no such cell on the grid yet


class TestShortEntry:
    def test_entry_under_30_seconds_shows_its_seconds_and_saves_unchanged(
        self, signed_in: Browser, world: FirmWorld, session: Session, client: TestClient
    ):
        start = datetime(2025, 8, 7, 9, 0, 10, tzinfo=UTC)
        entry = make_entry(session, account=world.owner.account, on=world.client, start=start)
        entry.ended_at = start + timedelta(seconds=25)
        session.flush()
        page = signed_in.get("/app/days").text
        assert 'name="duration" value="0:00:25"' in page
        saved = signed_in.post(
            f"/app/entries/{entry.uuid}",
            {
                "day": "2025-08-07",
                "name": "Renamed",
                "start": "10:00",
                "start_was": "10:00",
                "duration": "0:00:25",
                "duration_was": "0:00:25",
            },
        )
        assert 'role="alert"' not in saved.text
        api = client.get(f"/api/v1/time-entry/{entry.uuid}", headers=world.owner.headers())
        body = api.json()
        assert body["name"] == "Renamed"
        assert body["computed_time_elapsed_in_seconds"] == 25
        assert body["start_date"] == "2025-08-07T10:00:10+01:00"  # its seconds kept


class TestParametersFastApiRefuses:
    """A page parameter the framework itself refuses (a bool that is not one, a text over
    its length) answers an HTML page naming the fault, never the API's JSON body."""

    @pytest.mark.parametrize(
        ("url", "says"),
        [
            ("/app/cases?archived=garbage", "must be true or false"),
            ("/app/cases?name=" + "x" * 256, "255"),
        ],
    )
    def test_refused_page_parameter_is_an_html_page(self, signed_in: Browser, url: str, says: str):
        page = signed_in.get(url)
        assert page.status_code == 400
        assert page.headers["content-type"].startswith("text/html")
        assert says in _alert(page.text)

    def test_the_api_keeps_its_json_422(self, client: TestClient, world: FirmWorld):
        answer = client.get(
            "/api/v1/time-entry",
            params={"per_page": "many"},
            headers={"Authorization": f"Bearer {world.owner.token}"},
        )
        assert answer.status_code == 422
        assert answer.headers["content-type"].startswith("application/json")
        assert "per_page" in answer.json()["errors"]


class TestReportDates:
    @pytest.mark.parametrize(
        "params",
        [{"period": "this_week", "from": "2025-08-01"}, {"to": "2025-08-01"}],
    )
    def test_one_date_says_period_and_dates_are_exclusive(self, signed_in: Browser, params):
        page = signed_in.get("/app/reports", params=params)
        assert page.status_code == 422
        message = _alert(page.text)
        assert "Custom dates need both From and To" in message
        assert "A period and custom dates are exclusive" in message

    def test_a_date_that_is_not_one_is_named_first(self, signed_in: Browser):
        page = signed_in.get("/app/reports", params={"from": "garbage"})
        assert "Custom dates need both" not in _alert(page.text)

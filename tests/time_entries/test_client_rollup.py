"""GET /api/v1/client/{client_uuid}/all-time-entries."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import FirmWorld, Staff
from tests.time_entries.conftest import MakeEntry, utc
from timeledger.board_tasks.service import create_board_task
from timeledger.cases.service import create_case
from timeledger.models import TimeEntry
from timeledger.tasks.service import create_task

URL = "/api/v1/client/{}/all-time-entries"


def names(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["data"]]


def get(client: TestClient, world: FirmWorld, who: Staff, **params: Any) -> httpx.Response:
    response: httpx.Response = client.get(
        URL.format(world.client.uuid), params=params, headers=who.headers()
    )
    return response


@pytest.fixture
def spread(
    session: Session, world: FirmWorld, member: Staff, entry: MakeEntry
) -> dict[str, TimeEntry]:
    """Entries on everything around the world's client (Gareth), and some that are not."""
    owner = world.owner.account
    now = utc(2025, 8, 7)
    # A case Gareth is not part of, with its own task and board task.
    elsewhere = create_case(
        session, firm=world.firm, name="Other case", participants=[world.other_client], now=now
    )
    elsewhere_task = create_task(session, firm=world.firm, name="Other task", on=elsewhere, now=now)
    elsewhere_board = create_board_task(
        session, firm=world.firm, case=elsewhere, name="Other card", now=now
    )
    priya_task = create_task(
        session, firm=world.firm, name="Priya task", on=world.other_client, now=now
    )
    made = {}
    for hour, (name, on) in enumerate(
        [
            ("client", world.client),
            ("case", world.case),
            ("client task", world.task),
            ("case task", world.case_task),
            ("board task", world.board_task),
            ("other client", world.other_client),
            ("other case", elsewhere),
            ("other case task", elsewhere_task),
            ("other board task", elsewhere_board),
            ("other client task", priya_task),
            ("circle", world.circle),
            ("firm", world.firm),
        ],
        start=1,
    ):
        made[name] = entry(account=owner, on=on, start=utc(2025, 8, 1, hour), name=name)
    made["members"] = entry(
        account=member.account, on=world.case, start=utc(2025, 8, 2, 9), name="members"
    )
    return made


class TestRollUp:
    def test_the_client_its_cases_and_their_tasks_and_board_tasks(
        self, client: TestClient, world: FirmWorld, spread: dict[str, TimeEntry]
    ) -> None:
        response = get(client, world, world.owner)

        assert names(response) == ["board task", "case task", "client task", "case", "client"]
        assert response.json()["meta"]["total"] == 5

    def test_other_accounts_entries_when_asked(
        self, client: TestClient, world: FirmWorld, member: Staff, spread: dict[str, TimeEntry]
    ) -> None:
        response = get(
            client, world, world.owner, **{"filter[account_uuids]": str(member.account.uuid)}
        )
        own = get(client, world, member)

        assert names(response) == ["members"]
        assert names(own) == ["members"]

    def test_trackable_type(
        self, client: TestClient, world: FirmWorld, spread: dict[str, TimeEntry]
    ) -> None:
        response = get(client, world, world.owner, **{"filter[trackable_type]": "case,Task"})

        assert names(response) == ["case task", "client task", "case"]

    def test_an_unknown_trackable_type_is_422(self, client: TestClient, world: FirmWorld) -> None:
        response = get(client, world, world.owner, **{"filter[trackable_type]": "case,planet"})

        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["filter[trackable_type]"]

    def test_deleted_entries_are_left_out(
        self, client: TestClient, world: FirmWorld, entry: MakeEntry
    ) -> None:
        entry(
            account=world.owner.account,
            on=world.client,
            start=utc(2025, 8, 1),
            deleted_at=utc(2025, 8, 2),
        )

        assert names(get(client, world, world.owner)) == []


class TestDateFilters:
    @pytest.fixture
    def three(self, world: FirmWorld, entry: MakeEntry) -> None:
        owner = world.owner.account
        # 1, 2 and 3 August, 10:00-10:30 in London; and a timer since 4 August.
        for day in (1, 2, 3):
            entry(account=owner, on=world.client, start=utc(2025, 8, day, 9), name=f"aug {day}")
        entry(account=owner, on=world.case, start=utc(2025, 8, 4, 9), minutes=None, name="timer")

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"filter[start_date_after]": "2025-08-02"}, ["timer", "aug 3", "aug 2"]),
            ({"filter[start_date_before]": "2025-08-02"}, ["aug 2", "aug 1"]),
            (
                {
                    "filter[start_date_after]": "2025-08-02",
                    "filter[start_date_before]": "2025-08-02",
                },
                ["aug 2"],
            ),
            ({"filter[start_date_after]": "2025-08-02T10:00:01+01:00"}, ["timer", "aug 3"]),
            ({"filter[start_date_before]": "2025-08-02T10:00:00+01:00"}, ["aug 2", "aug 1"]),
            ({"filter[end_date_after]": "2025-08-02T10:30:00+01:00"}, ["aug 3", "aug 2"]),
            ({"filter[end_date_before]": "2025-08-01"}, ["aug 1"]),
            ({"filter[end_date_after]": "2025-08-01"}, ["aug 3", "aug 2", "aug 1"]),
        ],
    )
    def test_bounds_are_inclusive_and_a_date_is_a_whole_day(
        self,
        client: TestClient,
        world: FirmWorld,
        three: None,
        params: dict[str, str],
        expected: list[str],
    ) -> None:
        assert names(get(client, world, world.owner, **params)) == expected

    @pytest.mark.parametrize("value", ["last week", "2025-08-01,2025-08-02", "2025-13-01"])
    def test_a_malformed_bound_is_422(
        self, client: TestClient, world: FirmWorld, value: str
    ) -> None:
        response = get(client, world, world.owner, **{"filter[end_date_before]": value})

        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["filter[end_date_before]"]


class TestSortAndPaging:
    def test_sorts_and_pages_like_the_other_lists(
        self, client: TestClient, world: FirmWorld, spread: dict[str, TimeEntry]
    ) -> None:
        first = get(client, world, world.owner, sort="start_date", per_page=2)
        last = get(client, world, world.owner, sort="start_date", per_page=2, page=3)

        assert names(first) == ["client", "case"]
        assert names(last) == ["board task"]
        assert last.json()["meta"]["last_page"] == 3
        assert last.json()["links"]["next"] is None

    def test_an_unknown_filter_or_sort_is_400(self, client: TestClient, world: FirmWorld) -> None:
        bad_filter = get(client, world, world.owner, **{"filter[accounts]": "x"})
        bad_sort = get(client, world, world.owner, sort="name")

        assert bad_filter.status_code == 400
        assert "trackable_type, account_uuids" in bad_filter.json()["message"]
        assert bad_sort.status_code == 400

    def test_per_page_501_is_422(self, client: TestClient, world: FirmWorld) -> None:
        assert get(client, world, world.owner, per_page=501).status_code == 422


class TestClientLookup:
    @pytest.mark.parametrize("which", ["unknown", "malformed", "employee", "other firm"])
    def test_not_a_client_of_this_firm_is_404(
        self, client: TestClient, world: FirmWorld, other_world: FirmWorld, which: str
    ) -> None:
        target = {
            "unknown": "3cf0da26-7828-4749-994f-dc0a10d8e7a3",
            "malformed": "gareth",
            "employee": str(world.owner.account.uuid),
            "other firm": str(other_world.client.uuid),
        }[which]

        response = client.get(URL.format(target), headers=world.owner.headers())

        assert response.status_code == 404
        assert response.json() == {"message": "No client with that UUID."}

    def test_an_archived_client_keeps_its_history(
        self, client: TestClient, session: Session, world: FirmWorld, spread: dict[str, TimeEntry]
    ) -> None:
        world.client.archived_at = utc(2025, 8, 7)
        session.flush()

        assert len(names(get(client, world, world.owner))) == 5

    def test_without_a_token_is_401(self, client: TestClient, world: FirmWorld) -> None:
        response = client.get(URL.format(world.client.uuid))

        assert response.status_code == 401

    def test_client_and_external_accounts_are_403(
        self, client: TestClient, world: FirmWorld, client_login: Staff, external_login: Staff
    ) -> None:
        for who in (client_login, external_login):
            assert get(client, world, who).status_code == 403

"""GET /api/v1/time-entry, /time-entry/{trackable_type}, /time-entry/{type}/{uuid}."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, event
from sqlalchemy.orm import Session

from tests.factories import FirmWorld, Staff
from tests.time_entries.conftest import MakeEntry, MakeStaff, utc
from timeledger.models import TimeEntry, TrackableType

URL = "/api/v1/time-entry"


def names(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["data"]]


def get(client: TestClient, who: Staff, url: str = URL, **params: Any) -> httpx.Response:
    response: httpx.Response = client.get(url, params=params, headers=who.headers())
    return response


@pytest.fixture
def day(world: FirmWorld, member: Staff, entry: MakeEntry) -> dict[str, TimeEntry]:
    """The owner's day: three finished entries and a timer; the member has one entry."""
    owner = world.owner.account
    return {
        "early": entry(account=owner, on=world.client, start=utc(2025, 8, 7, 8), name="early"),
        "mid": entry(account=owner, on=world.case, start=utc(2025, 8, 7, 9), name="mid"),
        "late": entry(account=owner, on=world.circle, start=utc(2025, 8, 7, 10), name="late"),
        "timer": entry(
            account=owner, on=world.task, start=utc(2025, 8, 7, 12), minutes=None, name="timer"
        ),
        "members": entry(
            account=member.account, on=world.client, start=utc(2025, 8, 7, 11), name="members"
        ),
    }


class TestDefaults:
    def test_own_entries_running_first_then_latest_end_first(
        self, client: TestClient, world: FirmWorld, day: dict[str, TimeEntry]
    ) -> None:
        response = get(client, world.owner)

        assert names(response) == ["timer", "late", "mid", "early"]
        body = response.json()
        assert body["data"][0]["is_active"] is True
        assert body["meta"]["total"] == 4
        assert body["meta"]["per_page"] == 15
        assert body["meta"]["current_page"] == 1
        assert body["meta"]["last_page"] == 1
        assert body["meta"]["from"] == 1
        assert body["meta"]["to"] == 4
        assert body["meta"]["path"] == "http://127.0.0.1:8000/api/v1/time-entry"
        assert body["links"] == {
            "first": "http://127.0.0.1:8000/api/v1/time-entry?page=1",
            "last": "http://127.0.0.1:8000/api/v1/time-entry?page=1",
            "prev": None,
            "next": None,
        }

    def test_a_member_sees_only_their_own_by_default(
        self, client: TestClient, member: Staff, day: dict[str, TimeEntry]
    ) -> None:
        assert names(get(client, member)) == ["members"]

    def test_empty(self, client: TestClient, world: FirmWorld) -> None:
        body = get(client, world.owner).json()

        assert body["data"] == []
        assert body["meta"]["total"] == 0
        assert body["meta"]["from"] is None
        assert body["meta"]["to"] is None
        assert body["meta"]["last_page"] == 1
        assert body["links"]["next"] is None

    def test_deleted_and_other_firms_entries_never_show(
        self,
        client: TestClient,
        world: FirmWorld,
        other_world: FirmWorld,
        entry: MakeEntry,
    ) -> None:
        entry(account=world.owner.account, on=world.client, start=utc(2025, 8, 7, 8), name="kept")
        entry(
            account=world.owner.account,
            on=world.client,
            start=utc(2025, 8, 7, 9),
            name="deleted",
            deleted_at=utc(2025, 8, 7, 10),
        )
        entry(
            account=other_world.owner.account,
            on=other_world.client,
            start=utc(2025, 8, 7, 9),
            name="rival",
        )
        accounts = f"{world.owner.account.uuid},{other_world.owner.account.uuid}"

        assert names(get(client, world.owner)) == ["kept"]
        assert names(get(client, world.owner, **{"filter[accounts]": accounts})) == ["kept"]


class TestFilters:
    def test_accounts(
        self, client: TestClient, world: FirmWorld, member: Staff, day: dict[str, TimeEntry]
    ) -> None:
        theirs = get(client, world.owner, **{"filter[accounts]": str(member.account.uuid)})
        both = get(
            client,
            member,
            **{"filter[accounts]": f"{member.account.uuid},{world.owner.account.uuid}"},
        )

        assert names(theirs) == ["members"]
        assert names(both) == ["timer", "members", "late", "mid", "early"]

    def test_an_empty_accounts_filter_means_your_own(
        self, client: TestClient, member: Staff, day: dict[str, TimeEntry]
    ) -> None:
        assert names(get(client, member, **{"filter[accounts]": ""})) == ["members"]

    def test_uuid(self, client: TestClient, world: FirmWorld, day: dict[str, TimeEntry]) -> None:
        wanted = f"{day['early'].uuid},{day['late'].uuid}"

        assert names(get(client, world.owner, **{"filter[uuid]": wanted})) == ["late", "early"]
        malformed = get(client, world.owner, **{"filter[uuid]": f"{wanted},not-a-uuid"})
        assert malformed.status_code == 422
        assert "'not-a-uuid' is not a UUID" in malformed.json()["errors"]["filter[uuid]"][0]

    def test_uuid_still_only_your_own_without_accounts(
        self, client: TestClient, world: FirmWorld, day: dict[str, TimeEntry]
    ) -> None:
        response = get(client, world.owner, **{"filter[uuid]": str(day["members"].uuid)})

        assert names(response) == []

    def test_circle_uuids_take_the_circle_and_its_clients(
        self,
        client: TestClient,
        world: FirmWorld,
        other_world: FirmWorld,
        entry: MakeEntry,
    ) -> None:
        owner = world.owner.account
        entry(account=owner, on=world.circle, start=utc(2025, 8, 7, 8), name="circle")
        entry(account=owner, on=world.client, start=utc(2025, 8, 7, 9), name="member client")
        entry(account=owner, on=world.other_client, start=utc(2025, 8, 7, 10), name="other member")
        entry(account=owner, on=world.case, start=utc(2025, 8, 7, 11), name="case")
        entry(account=owner, on=world.firm, start=utc(2025, 8, 7, 7), name="firm")

        response = get(client, world.owner, **{"filter[circle_uuids]": str(world.circle.uuid)})
        foreign = get(client, world.owner, **{"filter[circle_uuids]": str(other_world.circle.uuid)})

        assert names(response) == ["other member", "member client", "circle"]
        assert names(foreign) == []

    def test_between_is_inclusive_days_in_the_firms_time_zone(
        self, client: TestClient, world: FirmWorld, entry: MakeEntry
    ) -> None:
        owner = world.owner.account
        # London is UTC+1 in August.
        entry(account=owner, on=world.client, start=utc(2025, 7, 31, 22, 30), name="before")
        entry(account=owner, on=world.client, start=utc(2025, 7, 31, 23, 30), name="first")
        entry(account=owner, on=world.client, start=utc(2025, 8, 2, 22, 30), name="last")
        entry(account=owner, on=world.client, start=utc(2025, 8, 2, 23, 30), name="after")

        response = get(client, world.owner, **{"filter[between]": "2025-08-01,2025-08-02"})
        one_day = get(client, world.owner, **{"filter[between]": "2025-08-01,2025-08-01"})

        assert names(response) == ["last", "first"]
        assert names(one_day) == ["first"]

    @pytest.mark.parametrize("time_zone", ["Europe/London", "Asia/Tokyo", "America/Los_Angeles"])
    def test_between_accepts_the_calendars_edges_in_any_time_zone(
        self,
        client: TestClient,
        world: FirmWorld,
        entry: MakeEntry,
        session: Session,
        time_zone: str,
    ) -> None:
        # East of UTC 1900-01-01's midnight is 1899 in UTC; 9998-12-31's day ends in 9999.
        world.firm.time_zone = time_zone
        session.flush()
        entry(account=world.owner.account, on=world.client, start=utc(2025, 8, 1, 9), name="a")

        everything = get(client, world.owner, **{"filter[between]": "1900-01-01,9998-12-31"})
        first_day = get(client, world.owner, **{"filter[between]": "1900-01-01,1900-01-01"})
        last_day = get(client, world.owner, **{"filter[between]": "9998-12-31,9998-12-31"})

        assert names(everything) == ["a"]
        assert names(first_day) == names(last_day) == []

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            (
                "2025-08-02,2025-08-01",
                "The filter[between] first date must not be after the second.",
            ),
            (
                "1899-12-31,2025-08-01",
                "The filter[between] dates must lie between 1900-01-01 and 9998-12-31.",
            ),
            (
                "2025-08-01,9999-01-01",
                "The filter[between] dates must lie between 1900-01-01 and 9998-12-31.",
            ),
            (
                "2025-08-01",
                "The filter[between] must be two dates, Y-m-d,Y-m-d, such as "
                "2025-08-01,2025-08-31.",
            ),
        ],
    )
    def test_a_refused_between_says_which_rule(
        self, client: TestClient, world: FirmWorld, value: str, message: str
    ) -> None:
        response = get(client, world.owner, **{"filter[between]": value})

        assert response.status_code == 422
        assert response.json()["errors"] == {"filter[between]": [message]}

    @pytest.mark.parametrize(
        "value", ["2025-08-01", "2025-08-02,2025-08-01", "2025-08-01,tomorrow", "a,b,c"]
    )
    def test_a_malformed_between_is_422(
        self, client: TestClient, world: FirmWorld, value: str
    ) -> None:
        response = get(client, world.owner, **{"filter[between]": value})

        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["filter[between]"]

    def test_an_unknown_filter_is_400_naming_the_allowed_ones(
        self, client: TestClient, world: FirmWorld
    ) -> None:
        response = get(client, world.owner, **{"filter[name]": "x"})

        assert response.status_code == 400
        assert response.json() == {
            "message": "Requested filter(s) `name` are not allowed. Allowed filter(s) are "
            "`uuid, accounts, circle_uuids, between, tags, tag_match`."
        }


class TestSort:
    @pytest.mark.parametrize(
        ("sort", "expected"),
        [
            ("-end_date", ["timer", "late", "mid", "early"]),
            ("end_date", ["early", "mid", "late", "timer"]),
            ("start_date", ["early", "mid", "late", "timer"]),
            ("-start_date", ["timer", "late", "mid", "early"]),
            ("created_at", ["early", "mid", "late", "timer"]),
            ("-created_at", ["timer", "late", "mid", "early"]),
        ],
    )
    def test_each_field_both_ways(
        self,
        client: TestClient,
        world: FirmWorld,
        day: dict[str, TimeEntry],
        sort: str,
        expected: list[str],
    ) -> None:
        assert names(get(client, world.owner, sort=sort)) == expected

    def test_created_at_is_its_own_order(
        self, client: TestClient, world: FirmWorld, entry: MakeEntry
    ) -> None:
        owner = world.owner.account
        entry(
            account=owner,
            on=world.client,
            start=utc(2025, 8, 1),
            created_at=utc(2025, 8, 7),
            name="a",
        )
        entry(
            account=owner,
            on=world.client,
            start=utc(2025, 8, 5),
            created_at=utc(2025, 8, 6),
            name="b",
        )

        assert names(get(client, world.owner, sort="created_at")) == ["b", "a"]
        assert names(get(client, world.owner, sort="start_date")) == ["a", "b"]

    def test_ties_are_broken_by_creation_order(
        self, client: TestClient, world: FirmWorld, entry: MakeEntry
    ) -> None:
        for name in ("first", "second", "third"):
            entry(account=world.owner.account, on=world.client, start=utc(2025, 8, 7, 9), name=name)

        assert names(get(client, world.owner, sort="end_date")) == ["first", "second", "third"]
        assert names(get(client, world.owner)) == ["third", "second", "first"]

    def test_an_unknown_sort_is_400(self, client: TestClient, world: FirmWorld) -> None:
        response = get(client, world.owner, sort="-name")

        assert response.status_code == 400
        assert "created_at, start_date, end_date" in response.json()["message"]


class TestPaging:
    @pytest.fixture
    def twenty(self, world: FirmWorld, entry: MakeEntry) -> None:
        for n in range(20):
            entry(
                account=world.owner.account,
                on=world.client,
                start=utc(2025, 8, 1) + timedelta(hours=n),
                name=f"e{n:02}",
            )

    def test_the_last_page(self, client: TestClient, world: FirmWorld, twenty: None) -> None:
        response = get(client, world.owner, per_page=15, page=2)

        assert names(response) == ["e04", "e03", "e02", "e01", "e00"]
        body = response.json()
        assert body["meta"]["from"] == 16
        assert body["meta"]["to"] == 20
        assert body["meta"]["last_page"] == 2
        assert body["links"]["next"] is None
        assert body["links"]["prev"] == "http://127.0.0.1:8000/api/v1/time-entry?per_page=15&page=1"

    def test_links_keep_the_filters_and_sort(
        self, client: TestClient, world: FirmWorld, twenty: None
    ) -> None:
        body = get(client, world.owner, per_page=5, sort="start_date").json()

        assert body["links"]["next"] == (
            "http://127.0.0.1:8000/api/v1/time-entry?per_page=5&sort=start_date&page=2"
        )
        assert body["meta"]["last_page"] == 4

    def test_past_the_last_page_is_empty(
        self, client: TestClient, world: FirmWorld, twenty: None
    ) -> None:
        body = get(client, world.owner, page=3).json()

        assert body["data"] == []
        assert body["meta"]["total"] == 20
        assert body["meta"]["from"] is None

    def test_per_page_500_is_allowed_501_is_422(
        self, client: TestClient, world: FirmWorld, twenty: None
    ) -> None:
        allowed = get(client, world.owner, per_page=500)
        refused = get(client, world.owner, per_page=501)

        assert len(names(allowed)) == 20
        assert allowed.json()["meta"]["per_page"] == 500
        assert refused.status_code == 422
        assert refused.json() == {
            "message": "The per page field must not be greater than 500.",
            "errors": {"per_page": ["The per page field must not be greater than 500."]},
        }

    @pytest.mark.parametrize("params", [{"per_page": 0}, {"page": 0}, {"per_page": "ten"}])
    def test_bad_paging_is_422(
        self, client: TestClient, world: FirmWorld, params: dict[str, Any]
    ) -> None:
        assert get(client, world.owner, **params).status_code == 422


class TestStablePaging:
    @pytest.mark.parametrize("sort", ["-end_date", "start_date", "-created_at"])
    def test_walking_every_page_of_1000_entries_yields_each_once(
        self, client: TestClient, session: Session, world: FirmWorld, sort: str
    ) -> None:
        owner = world.owner.account
        # Ten distinct instants only, a tenth of them running: ties everywhere.
        entries = [
            TimeEntry(
                firm_id=world.firm.id,
                account_id=owner.id,
                trackable_type=TrackableType.CLIENT,
                trackable_id=world.client.id,
                name=f"e{n}",
                started_at=utc(2025, 8, 1) + timedelta(hours=n % 10),
                ended_at=None if n == 500 else utc(2025, 8, 2) + timedelta(hours=n % 10),
                created_at=utc(2025, 8, 3) + timedelta(hours=n % 10),
                updated_at=utc(2025, 8, 3),
            )
            for n in range(1000)
        ]
        session.add_all(entries)
        session.flush()

        seen: list[str] = []
        page = 1
        while True:
            body = get(client, world.owner, per_page=37, page=page, sort=sort).json()
            seen += [item["uuid"] for item in body["data"]]
            if body["links"]["next"] is None:
                break
            page += 1

        assert page == 28
        assert len(seen) == 1000
        assert set(seen) == {str(e.uuid) for e in entries}


class TestOneTrackable:
    def test_by_type(self, client: TestClient, world: FirmWorld, day: dict[str, TimeEntry]) -> None:
        assert names(get(client, world.owner, f"{URL}/case")) == ["mid"]
        assert names(get(client, world.owner, f"{URL}/Client")) == ["early"]

    def test_by_type_and_uuid(self, client: TestClient, world: FirmWorld, entry: MakeEntry) -> None:
        owner = world.owner.account
        entry(account=owner, on=world.client, start=utc(2025, 8, 7, 8), name="gareth")
        entry(account=owner, on=world.other_client, start=utc(2025, 8, 7, 9), name="priya")

        response = get(client, world.owner, f"{URL}/client/{world.client.uuid}")

        assert names(response) == ["gareth"]

    def test_filters_apply_on_these_routes_too(
        self, client: TestClient, world: FirmWorld, member: Staff, day: dict[str, TimeEntry]
    ) -> None:
        url = f"{URL}/client/{world.client.uuid}"

        assert names(get(client, world.owner, url)) == ["early"]
        assert names(
            get(client, world.owner, url, **{"filter[accounts]": str(member.account.uuid)})
        ) == ["members"]

    def test_an_archived_trackable_is_still_listed(
        self, client: TestClient, session: Session, world: FirmWorld, day: dict[str, TimeEntry]
    ) -> None:
        world.case.archived_at = utc(2025, 8, 7, 12)
        session.flush()

        assert names(get(client, world.owner, f"{URL}/case/{world.case.uuid}")) == ["mid"]

    @pytest.mark.parametrize(
        "path",
        [
            "planet",
            "planet/3cf0da26-7828-4749-994f-dc0a10d8e7a3",
            "client/3cf0da26-7828-4749-994f-dc0a10d8e7a3",
            "client/not-a-uuid",
        ],
    )
    def test_an_unknown_trackable_is_404(
        self, client: TestClient, world: FirmWorld, path: str
    ) -> None:
        response = get(client, world.owner, f"{URL}/{path}")

        assert response.status_code == 404
        assert set(response.json()) == {"message"}

    def test_another_firms_trackable_is_404(
        self, client: TestClient, world: FirmWorld, other_world: FirmWorld
    ) -> None:
        response = get(client, world.owner, f"{URL}/case/{other_world.case.uuid}")

        assert response.status_code == 404
        assert response.json() == {"message": "No case with that UUID in this firm."}

    def test_the_firm_itself(self, client: TestClient, world: FirmWorld, entry: MakeEntry) -> None:
        entry(account=world.owner.account, on=world.firm, start=utc(2025, 8, 7, 8), name="admin")

        response = get(client, world.owner, f"{URL}/firm/{world.firm.uuid}")

        assert names(response) == ["admin"]
        assert response.json()["data"][0]["trackable"]["uuid"] == str(world.firm.uuid)


class TestListPermissions:
    @pytest.mark.parametrize("path", ["", "/client", "/case/3cf0da26-7828-4749-994f-dc0a10d8e7a3"])
    def test_without_a_token_is_401(self, client: TestClient, path: str) -> None:
        response = client.get(f"{URL}{path}")

        assert response.status_code == 401
        assert response.json() == {"message": "Unauthenticated."}

    def test_client_and_external_accounts_are_403(
        self, client: TestClient, client_login: Staff, external_login: Staff
    ) -> None:
        for who in (client_login, external_login):
            response = get(client, who)
            assert response.status_code == 403
            assert response.json() == {"message": "Only the firm's employees may use time entries."}

    def test_a_reader_without_write_permission_may_list(
        self, client: TestClient, world: FirmWorld, staff: MakeStaff, day: dict[str, TimeEntry]
    ) -> None:
        reader = staff(write=False, delete=False)

        response = get(client, reader, **{"filter[accounts]": str(world.owner.account.uuid)})

        assert names(response) == ["timer", "late", "mid", "early"]


@pytest.fixture
def statements(connection: Connection) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        if args[2].lstrip().upper().startswith("SELECT"):
            seen.append(args[2])

    event.listen(connection, "before_cursor_execute", record)
    yield seen
    event.remove(connection, "before_cursor_execute", record)


class TestQueries:
    def test_a_page_costs_the_same_however_many_entries_it_has(
        self,
        client: TestClient,
        world: FirmWorld,
        entry: MakeEntry,
        statements: list[str],
    ) -> None:
        owner = world.owner.account
        trackables = [
            world.client,
            world.case,
            world.circle,
            world.task,
            world.board_task,
            world.firm,
        ]
        for n in range(30):
            entry(account=owner, on=trackables[n % 6], start=utc(2025, 8, 1) + timedelta(hours=n))

        # Warm the token -> actor cache (bounded long enough for a slow machine) so both
        # counts are of an already authenticated caller.
        client.app.state.actor_cache.ttl_seconds = 600  # type: ignore[attr-defined]
        get(client, world.owner, per_page=1)
        statements.clear()
        get(client, world.owner, per_page=6)
        small = len(statements)
        statements.clear()
        get(client, world.owner, per_page=30)
        large = len(statements)

        assert small == large
        # Token with login (from the warm cache: no query), page, count, then one per
        # trackable type with a table: client (accounts), case, circle, task, board task.
        # The caller's own account is already loaded by authentication, so the page's
        # accounts cost nothing. Then the page's tags (one query); rate rules only when an
        # entry has one (none here).
        assert large == 8

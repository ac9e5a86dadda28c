"""PUT and PATCH /api/v1/time-entry/{uuid}."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import FirmWorld, Staff
from tests.time_entries.conftest import MakeEntry, MakeStaff, utc
from timeledger.models import AccountRole, TimeEntry

URL = "/api/v1/time-entry/{}"


@pytest.fixture
def finished(world: FirmWorld, entry: MakeEntry) -> TimeEntry:
    """The owner's 10:00-10:30 (London) entry on the client."""
    return entry(account=world.owner.account, on=world.client, start=utc(2025, 8, 7, 9, 0))


def put(
    client: TestClient, world: FirmWorld, made: TimeEntry, who: Staff, **fields: Any
) -> httpx.Response:
    body = {"trackable_type": "client", "trackable_uuid": str(world.client.uuid), **fields}
    response: httpx.Response = client.put(URL.format(made.uuid), json=body, headers=who.headers())
    return response


def stored(session: Session, made: TimeEntry) -> dict[str, Any]:
    """The entry's row as the database holds it now, but for its updated_at."""
    session.expire_all()
    row = session.get(TimeEntry, (made.firm_id, made.id))
    assert row is not None
    return {
        column.key: getattr(row, column.key)
        for column in TimeEntry.__table__.columns
        if column.key != "updated_at"
    }


def patch(client: TestClient, made: TimeEntry, who: Staff, body: dict[str, Any]) -> httpx.Response:
    response: httpx.Response = client.patch(URL.format(made.uuid), json=body, headers=who.headers())
    return response


class TestPut:
    def test_changes_the_sent_fields_and_keeps_the_rest(
        self, client: TestClient, world: FirmWorld, finished: TimeEntry, clock: Any
    ) -> None:
        clock.advance(minutes=5)

        response = put(client, world, finished, world.owner, name="Review", description="Notes")

        assert response.status_code == 200
        body = response.json()
        assert body["uuid"] == str(finished.uuid)
        assert body["name"] == "Review"
        assert body["description"] == "Notes"
        assert body["start_date"] == "2025-08-07T10:00:00+01:00"
        assert body["end_date"] == "2025-08-07T10:30:00+01:00"
        assert body["total_time_in_minutes"] == 30
        assert body["updated_at"] == "2025-08-07T13:46:42+01:00"
        again = client.get(URL.format(finished.uuid), headers=world.owner.headers()).json()
        assert again == body

    def test_description_null_clears_it(
        self, client: TestClient, world: FirmWorld, finished: TimeEntry
    ) -> None:
        put(client, world, finished, world.owner, description="Notes")

        body = put(client, world, finished, world.owner, description=None).json()

        assert body["description"] is None

    @pytest.mark.parametrize("missing", ["trackable_type", "trackable_uuid"])
    def test_the_trackable_is_required(
        self, client: TestClient, world: FirmWorld, finished: TimeEntry, missing: str
    ) -> None:
        body = {"trackable_type": "client", "trackable_uuid": str(world.client.uuid), "name": "x"}
        del body[missing]

        response = client.put(URL.format(finished.uuid), json=body, headers=world.owner.headers())

        assert response.status_code == 422
        label = missing.replace("_", " ")
        assert response.json()["errors"] == {missing: [f"The {label} field is required."]}

    def test_moves_the_entry_to_another_trackable(
        self, client: TestClient, world: FirmWorld, finished: TimeEntry
    ) -> None:
        response = client.put(
            URL.format(finished.uuid),
            json={"trackable_type": "BoardTask", "trackable_uuid": str(world.board_task.uuid)},
            headers=world.owner.headers(),
        )

        assert response.status_code == 200
        body = response.json()
        assert body["trackable_type"] == "BoardTask"
        assert body["trackable"]["uuid"] == str(world.board_task.uuid)
        assert body["trackable"]["name"] == "Call provider"

    def test_another_firms_trackable_is_422(
        self,
        client: TestClient,
        world: FirmWorld,
        other_world: FirmWorld,
        finished: TimeEntry,
    ) -> None:
        response = client.put(
            URL.format(finished.uuid),
            json={"trackable_type": "client", "trackable_uuid": str(other_world.client.uuid)},
            headers=world.owner.headers(),
        )

        assert response.status_code == 422
        assert response.json() == {
            "message": "The selected trackable uuid is invalid.",
            "errors": {"trackable_uuid": ["The selected trackable uuid is invalid."]},
        }

    def test_staying_on_an_archived_trackable_is_allowed_moving_to_one_is_not(
        self, client: TestClient, session: Session, world: FirmWorld, finished: TimeEntry
    ) -> None:
        world.client.archived_at = utc(2025, 8, 7, 10)
        world.other_client.archived_at = utc(2025, 8, 7, 10)
        session.flush()

        stay = put(client, world, finished, world.owner, name="Still here")
        move = client.put(
            URL.format(finished.uuid),
            json={"trackable_type": "client", "trackable_uuid": str(world.other_client.uuid)},
            headers=world.owner.headers(),
        )

        assert stay.status_code == 200
        assert stay.json()["name"] == "Still here"
        assert move.status_code == 422
        assert list(move.json()["errors"]) == ["trackable_uuid"]

    def test_a_new_end_date_recomputes_the_minutes(
        self, client: TestClient, world: FirmWorld, finished: TimeEntry
    ) -> None:
        body = put(
            client, world, finished, world.owner, end_date="2025-08-07T11:15:00+01:00"
        ).json()

        assert body["start_date"] == "2025-08-07T10:00:00+01:00"
        assert body["end_date"] == "2025-08-07T11:15:00+01:00"
        assert body["total_time_in_minutes"] == 75
        assert body["computed_time_elapsed_in_seconds"] == 75 * 60

    def test_a_total_alone_keeps_the_start_and_moves_the_end(
        self, client: TestClient, world: FirmWorld, finished: TimeEntry
    ) -> None:
        body = put(client, world, finished, world.owner, total_time_in_minutes=90).json()

        assert body["start_date"] == "2025-08-07T10:00:00+01:00"
        assert body["end_date"] == "2025-08-07T11:30:00+01:00"
        assert body["total_time_in_minutes"] == 90

    def test_a_new_start_keeps_the_end(
        self, client: TestClient, world: FirmWorld, finished: TimeEntry
    ) -> None:
        # Without an offset, the firm's time zone (London) applies.
        body = put(client, world, finished, world.owner, start_date="2025-08-07 09:45:00").json()

        assert body["start_date"] == "2025-08-07T09:45:00+01:00"
        assert body["end_date"] == "2025-08-07T10:30:00+01:00"
        assert body["total_time_in_minutes"] == 45

    def test_an_end_and_a_total_give_the_start(
        self, client: TestClient, world: FirmWorld, finished: TimeEntry
    ) -> None:
        body = put(
            client,
            world,
            finished,
            world.owner,
            end_date="2025-08-07T12:00:00+01:00",
            total_time_in_minutes=20,
        ).json()

        assert body["start_date"] == "2025-08-07T11:40:00+01:00"
        assert body["end_date"] == "2025-08-07T12:00:00+01:00"

    def test_a_start_after_the_kept_end_is_422(
        self, client: TestClient, world: FirmWorld, finished: TimeEntry
    ) -> None:
        response = put(client, world, finished, world.owner, start_date="2025-08-07T11:00:00+01:00")

        assert response.status_code == 422
        assert response.json()["errors"] == {
            "end_date": ["The end date must be after the start date."]
        }

    def test_an_invalid_date_is_422(
        self, client: TestClient, world: FirmWorld, finished: TimeEntry
    ) -> None:
        response = put(client, world, finished, world.owner, end_date="yesterday")

        assert response.status_code == 422
        assert response.json()["errors"] == {
            "end_date": ["The end date field must be a valid date."]
        }


class TestReopen:
    def test_end_date_null_makes_a_finished_entry_run_again(
        self, client: TestClient, world: FirmWorld, finished: TimeEntry
    ) -> None:
        response = put(client, world, finished, world.owner, end_date=None)

        assert response.status_code == 200
        body = response.json()
        assert body["is_active"] is True
        assert body["end_date"] is None
        assert body["start_date"] == "2025-08-07T10:00:00+01:00"
        # From 09:00 UTC to the frozen 12:41:42 UTC.
        assert body["computed_time_elapsed_in_seconds"] == 3 * 3600 + 41 * 60 + 42

    def test_reopening_stops_an_earlier_running_entry_where_this_one_starts(
        self, client: TestClient, world: FirmWorld, finished: TimeEntry, entry: MakeEntry
    ) -> None:
        running = entry(
            account=world.owner.account, on=world.case, start=utc(2025, 8, 7, 8, 0), minutes=None
        )

        response = put(client, world, finished, world.owner, end_date=None)

        assert response.status_code == 200
        other = client.get(URL.format(running.uuid), headers=world.owner.headers()).json()
        assert other["is_active"] is False
        assert other["end_date"] == "2025-08-07T10:00:00+01:00"

    def test_reopening_under_a_later_running_entry_is_422_and_changes_nothing(
        self,
        client: TestClient,
        world: FirmWorld,
        finished: TimeEntry,
        entry: MakeEntry,
        session: Session,
    ) -> None:
        running = entry(
            account=world.owner.account, on=world.case, start=utc(2025, 8, 7, 11, 0), minutes=None
        )
        rows_before = (stored(session, finished), stored(session, running))

        response = put(client, world, finished, world.owner, end_date=None)

        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["end_date"]
        assert "12:00:00+01:00" in response.json()["message"]
        other = client.get(URL.format(running.uuid), headers=world.owner.headers()).json()
        assert other["is_active"] is True
        mine = client.get(URL.format(finished.uuid), headers=world.owner.headers()).json()
        assert mine["end_date"] == "2025-08-07T10:30:00+01:00"
        assert (stored(session, finished), stored(session, running)) == rows_before

    def test_another_accounts_running_entry_is_not_touched(
        self,
        client: TestClient,
        world: FirmWorld,
        member: Staff,
        finished: TimeEntry,
        entry: MakeEntry,
        session: Session,
    ) -> None:
        theirs = entry(
            account=member.account, on=world.case, start=utc(2025, 8, 7, 11, 0), minutes=None
        )
        theirs_before = stored(session, theirs)

        response = put(client, world, finished, world.owner, end_date=None)

        assert response.status_code == 200
        other = client.get(URL.format(theirs.uuid), headers=world.owner.headers()).json()
        assert other["is_active"] is True
        assert stored(session, theirs) == theirs_before

    def test_end_date_null_with_a_total_is_422(
        self, client: TestClient, world: FirmWorld, finished: TimeEntry
    ) -> None:
        response = put(client, world, finished, world.owner, end_date=None, total_time_in_minutes=5)

        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["total_time_in_minutes"]

    def test_a_running_entry_may_not_start_in_the_future(
        self, client: TestClient, world: FirmWorld, entry: MakeEntry
    ) -> None:
        running = entry(
            account=world.owner.account, on=world.case, start=utc(2025, 8, 7, 12, 0), minutes=None
        )

        response = put(client, world, running, world.owner, start_date="2025-08-07T15:00:00+01:00")

        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["start_date"]

    def test_a_new_end_date_stops_a_running_entry(
        self, client: TestClient, world: FirmWorld, entry: MakeEntry
    ) -> None:
        running = entry(
            account=world.owner.account, on=world.client, start=utc(2025, 8, 7, 12, 0), minutes=None
        )

        body = put(client, world, running, world.owner, end_date="2025-08-07T13:20:00+01:00").json()

        assert body["is_active"] is False
        assert body["total_time_in_minutes"] == 20


class TestPatch:
    def test_an_empty_body_changes_nothing(
        self, client: TestClient, world: FirmWorld, finished: TimeEntry, session: Session
    ) -> None:
        before = client.get(URL.format(finished.uuid), headers=world.owner.headers()).json()
        row_before = stored(session, finished)

        response = patch(client, finished, world.owner, {})

        assert response.status_code == 200
        assert {k: v for k, v in response.json().items() if k != "updated_at"} == {
            k: v for k, v in before.items() if k != "updated_at"
        }
        assert stored(session, finished) == row_before

    def test_changes_only_what_is_sent(
        self, client: TestClient, world: FirmWorld, finished: TimeEntry
    ) -> None:
        body = patch(client, finished, world.owner, {"name": "Call", "total_time_in_minutes": 5})

        assert body.status_code == 200
        assert body.json()["name"] == "Call"
        assert body.json()["trackable_type"] == "Client"
        assert body.json()["end_date"] == "2025-08-07T10:05:00+01:00"

    def test_end_date_null_reopens(
        self, client: TestClient, world: FirmWorld, finished: TimeEntry
    ) -> None:
        body = patch(client, finished, world.owner, {"end_date": None}).json()

        assert body["is_active"] is True

    @pytest.mark.parametrize(
        ("sent", "missing"),
        [("trackable_type", "trackable_uuid"), ("trackable_uuid", "trackable_type")],
    )
    def test_the_trackable_fields_come_together(
        self, client: TestClient, world: FirmWorld, finished: TimeEntry, sent: str, missing: str
    ) -> None:
        value = "case" if sent == "trackable_type" else str(world.case.uuid)

        response = patch(client, finished, world.owner, {sent: value})

        assert response.status_code == 422
        assert list(response.json()["errors"]) == [missing]

    def test_name_may_not_be_null_or_empty(
        self, client: TestClient, world: FirmWorld, finished: TimeEntry
    ) -> None:
        null = patch(client, finished, world.owner, {"name": None})
        empty = patch(client, finished, world.owner, {"name": ""})

        assert null.status_code == 422
        assert null.json()["errors"] == {"name": ["The name field may not be null."]}
        assert empty.status_code == 422
        assert empty.json()["errors"] == {"name": ["The name field is required."]}

    def test_moves_to_a_case(
        self, client: TestClient, world: FirmWorld, finished: TimeEntry
    ) -> None:
        response = patch(
            client,
            finished,
            world.owner,
            {"trackable_type": "case", "trackable_uuid": str(world.case.uuid)},
        )

        assert response.status_code == 200
        assert response.json()["trackable_type"] == "Case"


class TestPermissions:
    @pytest.mark.parametrize("method", ["put", "patch"])
    def test_without_a_token_is_401(
        self, client: TestClient, world: FirmWorld, finished: TimeEntry, method: str
    ) -> None:
        response = client.request(method.upper(), URL.format(finished.uuid), json={"name": "x"})

        assert response.status_code == 401
        assert response.json() == {"message": "Unauthenticated."}

    def test_a_member_changes_their_own_entry(
        self, client: TestClient, world: FirmWorld, member: Staff, entry: MakeEntry
    ) -> None:
        mine = entry(account=member.account, on=world.client, start=utc(2025, 8, 7, 9))

        response = patch(client, mine, member, {"name": "Mine"})

        assert response.status_code == 200
        assert response.json()["name"] == "Mine"

    def test_a_member_may_not_change_a_colleagues_entry(
        self, client: TestClient, world: FirmWorld, member: Staff, finished: TimeEntry
    ) -> None:
        response = put(client, world, finished, member, name="Mine now")

        assert response.status_code == 403
        assert response.json() == {"message": "Members may change only their own time entries."}
        again = client.get(URL.format(finished.uuid), headers=member.headers()).json()
        assert again["name"] == "Research"

    @pytest.mark.parametrize("role", [AccountRole.ADMIN, AccountRole.OWNER])
    def test_owners_and_admins_change_any_entry(
        self,
        client: TestClient,
        world: FirmWorld,
        staff: MakeStaff,
        member: Staff,
        entry: MakeEntry,
        role: AccountRole,
    ) -> None:
        theirs = entry(account=member.account, on=world.client, start=utc(2025, 8, 7, 9))
        manager = staff(role=role)

        response = patch(client, theirs, manager, {"name": "Corrected"})

        assert response.status_code == 200
        assert response.json()["name"] == "Corrected"
        assert response.json()["account"]["uuid"] == str(member.account.uuid)

    def test_without_write_permission_is_403(
        self, client: TestClient, world: FirmWorld, staff: MakeStaff, entry: MakeEntry
    ) -> None:
        reader = staff(role=AccountRole.OWNER, write=False)
        mine = entry(account=reader.account, on=world.client, start=utc(2025, 8, 7, 9))

        response = patch(client, mine, reader, {"name": "x"})

        assert response.status_code == 403
        assert response.json() == {"message": "Your login has no write permission."}

    def test_client_and_external_accounts_are_403(
        self,
        client: TestClient,
        world: FirmWorld,
        client_login: Staff,
        external_login: Staff,
        finished: TimeEntry,
    ) -> None:
        for who in (client_login, external_login):
            response = put(client, world, finished, who, name="x")
            assert response.status_code == 403

    def test_another_firms_entry_is_404(
        self, client: TestClient, world: FirmWorld, other_world: FirmWorld, entry: MakeEntry
    ) -> None:
        theirs = entry(
            account=other_world.owner.account, on=other_world.client, start=utc(2025, 8, 7, 9)
        )

        response = put(client, world, theirs, world.owner, name="x")

        assert response.status_code == 404
        assert response.json() == {"message": "No time entry with that UUID."}

    def test_a_deleted_entry_is_404(
        self, client: TestClient, world: FirmWorld, entry: MakeEntry
    ) -> None:
        gone = entry(
            account=world.owner.account,
            on=world.client,
            start=utc(2025, 8, 7, 9),
            deleted_at=utc(2025, 8, 7, 10),
        )

        response = patch(client, gone, world.owner, {"name": "x"})

        assert response.status_code == 404

    def test_a_malformed_uuid_is_404(self, client: TestClient, world: FirmWorld) -> None:
        response = client.patch(
            URL.format("12345"), json={"name": "x"}, headers=world.owner.headers()
        )

        assert response.status_code == 404
        assert response.json() == {"message": "No time entry with that UUID."}

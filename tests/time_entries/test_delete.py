"""DELETE /api/v1/time-entry/{uuid}: 200 with the deleted entry; the row is kept."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import FirmWorld, Staff
from tests.time_entries.conftest import MakeEntry, MakeStaff, utc
from timeledger.models import AccountRole, TimeEntry

URL = "/api/v1/time-entry/{}"


@pytest.fixture
def mine(world: FirmWorld, entry: MakeEntry) -> TimeEntry:
    return entry(account=world.owner.account, on=world.client, start=utc(2025, 8, 7, 9))


class TestDelete:
    def test_answers_the_deleted_entry_and_hides_it(
        self, client: TestClient, session: Session, world: FirmWorld, mine: TimeEntry
    ) -> None:
        before = client.get(URL.format(mine.uuid), headers=world.owner.headers()).json()

        response = client.delete(URL.format(mine.uuid), headers=world.owner.headers())

        assert response.status_code == 200
        body = response.json()
        assert {k: v for k, v in body.items() if k != "updated_at"} == {
            k: v for k, v in before.items() if k != "updated_at"
        }
        assert client.get(URL.format(mine.uuid), headers=world.owner.headers()).status_code == 404
        listed = client.get("/api/v1/time-entry", headers=world.owner.headers()).json()
        assert listed["data"] == []
        session.expire_all()
        kept = session.scalars(select(TimeEntry).where(TimeEntry.uuid == mine.uuid)).one()
        assert kept.deleted_at == utc(2025, 8, 7, 12, 41, 42)

    def test_deleting_twice_is_404(
        self, client: TestClient, world: FirmWorld, mine: TimeEntry
    ) -> None:
        client.delete(URL.format(mine.uuid), headers=world.owner.headers())

        response = client.delete(URL.format(mine.uuid), headers=world.owner.headers())

        assert response.status_code == 404
        assert response.json() == {"message": "No time entry with that UUID."}

    def test_deleting_a_running_entry_frees_the_timer(
        self, client: TestClient, world: FirmWorld, entry: MakeEntry
    ) -> None:
        running = entry(
            account=world.owner.account, on=world.client, start=utc(2025, 8, 7, 12), minutes=None
        )
        client.delete(URL.format(running.uuid), headers=world.owner.headers())

        response = client.post(
            "/api/v1/time-entry",
            json={
                "trackable_type": "firm",
                "trackable_uuid": str(world.firm.uuid),
                "name": "Admin",
            },
            headers=world.owner.headers(),
        )

        assert response.status_code == 200
        assert response.json()["start_date"] == "2025-08-07T13:41:42+01:00"


class TestDeletePermissions:
    def test_without_a_token_is_401(self, client: TestClient, mine: TimeEntry) -> None:
        response = client.delete(URL.format(mine.uuid))

        assert response.status_code == 401
        assert response.json() == {"message": "Unauthenticated."}

    def test_without_delete_permission_is_403(
        self, client: TestClient, world: FirmWorld, staff: MakeStaff, entry: MakeEntry
    ) -> None:
        writer = staff(role=AccountRole.OWNER, write=True, delete=False)
        own = entry(account=writer.account, on=world.client, start=utc(2025, 8, 7, 9))

        response = client.delete(URL.format(own.uuid), headers=writer.headers())

        assert response.status_code == 403
        assert response.json() == {"message": "Your login has no delete permission."}
        assert client.get(URL.format(own.uuid), headers=writer.headers()).status_code == 200

    def test_delete_permission_alone_is_enough(
        self, client: TestClient, world: FirmWorld, staff: MakeStaff, entry: MakeEntry
    ) -> None:
        deleter = staff(role=AccountRole.MEMBER, write=False, delete=True)
        own = entry(account=deleter.account, on=world.client, start=utc(2025, 8, 7, 9))

        response = client.delete(URL.format(own.uuid), headers=deleter.headers())

        assert response.status_code == 200

    def test_a_member_may_not_delete_a_colleagues_entry(
        self, client: TestClient, member: Staff, mine: TimeEntry
    ) -> None:
        response = client.delete(URL.format(mine.uuid), headers=member.headers())

        assert response.status_code == 403
        assert response.json() == {"message": "Members may delete only their own time entries."}

    def test_an_admin_deletes_a_members_entry(
        self,
        client: TestClient,
        world: FirmWorld,
        staff: MakeStaff,
        member: Staff,
        entry: MakeEntry,
    ) -> None:
        theirs = entry(account=member.account, on=world.client, start=utc(2025, 8, 7, 9))
        admin = staff(role=AccountRole.ADMIN)

        response = client.delete(URL.format(theirs.uuid), headers=admin.headers())

        assert response.status_code == 200
        assert response.json()["account"]["uuid"] == str(member.account.uuid)

    def test_client_and_external_accounts_are_403(
        self, client: TestClient, client_login: Staff, external_login: Staff, mine: TimeEntry
    ) -> None:
        for who in (client_login, external_login):
            assert client.delete(URL.format(mine.uuid), headers=who.headers()).status_code == 403

    def test_another_firms_entry_is_404(
        self, client: TestClient, world: FirmWorld, other_world: FirmWorld, entry: MakeEntry
    ) -> None:
        theirs = entry(
            account=other_world.owner.account, on=other_world.client, start=utc(2025, 8, 7, 9)
        )

        response = client.delete(URL.format(theirs.uuid), headers=world.owner.headers())

        assert response.status_code == 404
        assert (
            client.get(URL.format(theirs.uuid), headers=other_world.owner.headers()).status_code
            == 200
        )

    def test_a_malformed_uuid_is_404(self, client: TestClient, world: FirmWorld) -> None:
        response = client.delete(URL.format("nope"), headers=world.owner.headers())

        assert response.status_code == 404

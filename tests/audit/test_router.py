"""GET /api/v1/time-entry/{uuid}/history: who changed what, when, through which token."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from tests.factories import FirmWorld, Staff, make_staff
from timeledger.models import AccountRole, AccountType, TimeEntry, TimeEntryEvent

URL = "/api/v1/time-entry"


def create(client: Any, world: FirmWorld, staff: Staff | None = None, **fields: Any) -> Any:
    body = {
        "trackable_type": "client",
        "trackable_uuid": str(world.client.uuid),
        "name": "Call",
        **fields,
    }
    response = client.post(URL, json=body, headers=(staff or world.owner).headers())
    assert response.status_code == 200, response.json()
    return response.json()


def history(client: Any, uuid: str, staff: Staff) -> Any:
    return client.get(f"{URL}/{uuid}/history", headers=staff.headers())


class TestHistory:
    def test_a_created_entry_has_one_event_naming_who_and_which_token(self, client, world):
        entry = create(client, world, start_date="2025-08-07T09:00:00Z", total_time_in_minutes=30)
        response = history(client, entry["uuid"], world.owner)
        assert response.status_code == 200
        [event] = response.json()["data"]
        assert event["action"] == "created"
        assert event["account"]["uuid"] == str(world.owner.account.uuid)
        assert event["token"]["name"] == "test"
        assert event["before"] is None
        assert event["after"]["name"] == "Call"
        assert event["after"]["start_date"] == "2025-08-07T09:00:00+00:00"
        assert event["after"]["end_date"] == "2025-08-07T09:30:00+00:00"
        assert event["created_at"] == "2025-08-07T13:41:42+01:00"

    def test_a_timer_stopped_by_the_next_one_records_before_and_after(self, client, world, clock):
        first = create(client, world, start_date="2025-08-07T12:00:00Z")
        clock.advance(minutes=5)
        create(client, world)
        events = history(client, first["uuid"], world.owner).json()["data"]
        assert [event["action"] for event in events] == ["created", "stopped"]
        assert events[1]["before"]["end_date"] is None
        assert events[1]["after"]["end_date"] == "2025-08-07T12:46:42+00:00"
        assert events[1]["created_at"] == "2025-08-07T13:46:42+01:00"

    def test_a_refused_write_leaves_no_event(self, client, world, session):
        client.post(
            URL,
            json={
                "trackable_type": "client",
                "trackable_uuid": str(world.client.uuid),
                "name": "x",
                "end_date": "2025-08-07",
            },
            headers=world.owner.headers(),
        )
        create(client, world, total_time_in_minutes=5)
        entries = session.scalar(select(func.count()).select_from(TimeEntry))
        events = session.scalar(select(func.count()).select_from(TimeEntryEvent))
        assert entries == events == 1


class TestWhoMayRead:
    @pytest.mark.parametrize("role", [AccountRole.OWNER, AccountRole.ADMIN])
    def test_owners_and_admins_read_any_entry(self, client, session, world, clock, role):
        entry = create(client, world, total_time_in_minutes=5)
        manager = make_staff(session, world.firm, now=clock.now(), role=role)
        assert history(client, entry["uuid"], manager).status_code == 200

    def test_a_member_reads_their_own_entry_only(self, client, session, world, clock):
        member = make_staff(session, world.firm, now=clock.now(), role=AccountRole.MEMBER)
        own = create(client, world, member, total_time_in_minutes=5)
        theirs = create(client, world, total_time_in_minutes=5)
        assert history(client, own["uuid"], member).status_code == 200
        refused = history(client, theirs["uuid"], member)
        assert refused.status_code == 403
        assert refused.json() == {"message": "This action is unauthorized."}

    def test_a_client_account_is_refused(self, client, session, world, clock):
        entry = create(client, world, total_time_in_minutes=5)
        caller = make_staff(
            session,
            world.firm,
            now=clock.now(),
            role=AccountRole.INDIVIDUAL,
            account_type=AccountType.CLIENT,
        )
        assert history(client, entry["uuid"], caller).status_code == 403

    def test_another_firms_entry_is_not_found(self, client, world, other_world):
        entry = create(client, world, total_time_in_minutes=5)
        response = history(client, entry["uuid"], other_world.owner)
        assert response.status_code == 404
        assert response.json() == {"message": "No time entry with that UUID."}

    @pytest.mark.parametrize("uuid", ["not-a-uuid", "00000000-0000-4000-8000-000000000000"])
    def test_unknown_or_malformed_uuids_are_not_found(self, client, world, uuid):
        assert history(client, uuid, world.owner).status_code == 404

    def test_without_a_token_is_401(self, client, world):
        entry = create(client, world, total_time_in_minutes=5)
        assert client.get(f"{URL}/{entry['uuid']}/history").status_code == 401

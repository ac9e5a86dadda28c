"""Changes, stops and deletes leave their record in the entry's history (the audit trail)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import FirmWorld, Staff
from tests.time_entries.conftest import MakeEntry, utc
from timeledger.models import TimeEntry, TimeEntryEvent

URL = "/api/v1/time-entry/{}"


def actions(client: TestClient, entry_uuid: Any, who: Staff) -> list[dict[str, Any]]:
    response = client.get(f"{URL.format(entry_uuid)}/history", headers=who.headers())
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["data"]
    return events


def test_an_update_records_before_and_after(
    client: TestClient, world: FirmWorld, entry: MakeEntry
) -> None:
    made = entry(account=world.owner.account, on=world.client, start=utc(2025, 8, 7, 9))

    client.patch(URL.format(made.uuid), json={"name": "Review"}, headers=world.owner.headers())

    [event] = actions(client, made.uuid, world.owner)
    assert event["action"] == "updated"
    assert event["before"]["name"] == "Research"
    assert event["after"]["name"] == "Review"
    assert event["account"]["uuid"] == str(world.owner.account.uuid)


def test_a_refused_update_records_nothing(
    client: TestClient, world: FirmWorld, entry: MakeEntry, session: Session
) -> None:
    made = entry(account=world.owner.account, on=world.client, start=utc(2025, 8, 7, 9))
    ended_before = made.ended_at

    response = client.patch(
        URL.format(made.uuid), json={"end_date": "2020-01-01"}, headers=world.owner.headers()
    )

    assert response.status_code == 422
    assert actions(client, made.uuid, world.owner) == []
    events = select(func.count()).select_from(TimeEntryEvent)
    assert session.scalar(events.where(TimeEntryEvent.time_entry_id == made.id)) == 0
    session.expire_all()
    assert session.get(TimeEntry, (made.firm_id, made.id)).ended_at == ended_before  # type: ignore[union-attr]


def test_stop_and_delete_are_recorded(
    client: TestClient, world: FirmWorld, entry: MakeEntry
) -> None:
    made = entry(
        account=world.owner.account, on=world.client, start=utc(2025, 8, 7, 12), minutes=None
    )

    client.post(f"{URL.format(made.uuid)}/stop", headers=world.owner.headers())
    client.delete(URL.format(made.uuid), headers=world.owner.headers())

    events = actions(client, made.uuid, world.owner)
    assert [event["action"] for event in events] == ["stopped", "deleted"]
    assert events[0]["after"]["end_date"] == "2025-08-07T12:41:42+00:00"
    assert events[1]["after"]["deleted_at"] == "2025-08-07T12:41:42+00:00"


def test_reopening_records_the_other_timer_it_stops(
    client: TestClient, world: FirmWorld, entry: MakeEntry
) -> None:
    running = entry(
        account=world.owner.account, on=world.case, start=utc(2025, 8, 7, 8), minutes=None
    )
    finished = entry(account=world.owner.account, on=world.client, start=utc(2025, 8, 7, 9))

    client.patch(URL.format(finished.uuid), json={"end_date": None}, headers=world.owner.headers())

    [stopped] = actions(client, running.uuid, world.owner)
    assert stopped["action"] == "stopped"
    assert stopped["after"]["end_date"] == "2025-08-07T09:00:00+00:00"
    [updated] = actions(client, finished.uuid, world.owner)
    assert updated["after"]["end_date"] is None

"""The outbox: every time-entry change writes its event and one delivery per matching
subscription in its own transaction; a rolled-back change writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld
from tests.support import FrozenClock
from tests.webhooks.helpers import ENTRIES, count, log_time, payloads, subscribe
from timeledger.auth.service import authenticate
from timeledger.db import unit_of_work
from timeledger.models import WebhookDelivery, WebhookEvent
from timeledger.time_entries import service as time_entries
from timeledger.time_entries.schemas import TimeEntryCreate

URL = "http://127.0.0.1:8119/hook"


class TestOutbox:
    def test_no_subscription_writes_nothing(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        log_time(client, world)
        assert count(session, WebhookEvent) == 0
        assert count(session, WebhookDelivery) == 0

    def test_one_event_and_one_delivery_per_matching_subscription(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        for events in (["*"], ["time-entry.*"], ["time-entry.created"], ["time-entry.deleted"]):
            subscribe(client, world, URL, events)
        log_time(client, world)
        assert count(session, WebhookEvent) == 1
        # Three of the four subscriptions want time-entry.created.
        assert count(session, WebhookDelivery) == 3

    def test_another_firms_subscription_gets_nothing(
        self, client: TestClient, world: FirmWorld, other_world: FirmWorld, session: Session
    ) -> None:
        subscribe(client, other_world, URL)
        log_time(client, world)
        assert count(session, WebhookDelivery) == 0

    def test_rolled_back_write_records_nothing(
        self,
        client: TestClient,
        world: FirmWorld,
        session_factory: sessionmaker[Session],
        session: Session,
    ) -> None:
        subscribe(client, world, URL)
        data = TimeEntryCreate.model_validate(
            {
                "trackable_type": "client",
                "trackable_uuid": str(world.client.uuid),
                "name": "Rolled back",
                "total_time_in_minutes": 5,
            }
        )
        inside: list[int] = []

        def write_then_fail() -> None:
            with unit_of_work(session_factory) as unit:
                actor = authenticate(
                    unit, bearer=world.owner.token, account_header=None, now=FROZEN_NOW
                )
                time_entries.create_time_entry(
                    unit, actor=actor, data=data, now=FROZEN_NOW, clock_skew=timedelta(0)
                )
                inside.append(count(unit, WebhookDelivery))
                raise RuntimeError("the request failed after the write")

        with pytest.raises(RuntimeError):
            write_then_fail()
        assert inside == [1]  # written, inside the transaction
        assert count(session, WebhookEvent) == 0
        assert count(session, WebhookDelivery) == 0

    def test_payload_of_each_change(
        self, client: TestClient, world: FirmWorld, session: Session, clock: FrozenClock
    ) -> None:
        subscribe(client, world, URL)
        headers = world.owner.headers()
        created = log_time(client, world)
        response = client.patch(
            f"{ENTRIES}/{created['uuid']}", json={"name": "Renamed"}, headers=headers
        )
        assert response.status_code == 200, response.text
        changed = response.json()
        timer = client.post(
            ENTRIES,
            json={
                "trackable_type": "client",
                "trackable_uuid": str(world.client.uuid),
                "name": "T1",
            },
            headers=headers,
        ).json()
        clock.advance(minutes=10)
        # A second timer stops the first: time-entry.stopped for it, then started.
        second = client.post(
            ENTRIES,
            json={"trackable_type": "case", "trackable_uuid": str(world.case.uuid), "name": "T2"},
            headers=headers,
        )
        assert second.status_code == 200, second.text
        assert client.delete(f"{ENTRIES}/{created['uuid']}", headers=headers).status_code == 200

        events = payloads(session)
        assert [e["type"] for e in events] == [
            "time-entry.created",
            "time-entry.updated",
            "time-entry.started",
            "time-entry.stopped",
            "time-entry.started",
            "time-entry.deleted",
        ]
        first = events[0]
        assert first["data"] == created
        assert first["previous"] is None
        assert first["firm"] == {"uuid": str(world.firm.uuid)}
        assert first["actor"]["account_uuid"] == str(world.owner.account.uuid)
        assert events[1]["data"] == changed
        assert events[1]["previous"]["name"] == "Research"
        assert events[3]["data"]["uuid"] == timer["uuid"]
        assert events[3]["previous"]["end_date"] is None
        assert events[3]["data"]["end_date"] is not None
        assert len({e["id"] for e in events}) == len(events)


class TestRecordEvents:
    def test_case_account_circle_and_task_events(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        subscribe(client, world, URL, ["case.*", "account.*", "circle.*", "task.*"])
        headers = world.owner.headers()
        case = client.post(
            "/api/v1/cases",
            json={"name": "Transfer", "participants": [str(world.client.uuid)]},
            headers=headers,
        )
        assert case.status_code in (200, 201), case.text
        uuid_ = case.json()["uuid"]
        renamed = client.put(f"/api/v1/cases/{uuid_}", json={"name": "Moved"}, headers=headers)
        assert renamed.status_code == 200, renamed.text
        assert client.delete(f"/api/v1/cases/{uuid_}", headers=headers).status_code == 200
        # Archiving again changes nothing and announces nothing.
        client.delete(f"/api/v1/cases/{uuid_}", headers=headers)
        account = client.put(
            f"/api/v1/account/{world.client.uuid}", json={"first_name": "Gary"}, headers=headers
        )
        assert account.status_code == 200, account.text
        task = client.put(
            f"/api/v1/task/{world.task.uuid}", json={"name": "Renamed"}, headers=headers
        )
        assert task.status_code == 200, task.text
        circle = client.put(
            f"/api/v1/circles/{world.circle.uuid}", json={"name": "Household"}, headers=headers
        )
        assert circle.status_code == 200, circle.text
        # Time entries are not among the subscription's events.
        log_time(client, world)

        events = payloads(session)
        assert [e["type"] for e in events] == [
            "case.created",
            "case.updated",
            "case.deleted",
            "account.updated",
            "task.updated",
            "circle.updated",
        ]
        assert events[0]["data"] == case.json()
        assert events[1]["data"] == renamed.json()
        assert events[1]["previous"]["name"] == "Transfer"
        assert events[3]["previous"]["first_name"] == "Gareth"
        assert events[4]["previous"]["name"] == "Annual review"
        assert events[5]["previous"]["name"] == "Thompson household"

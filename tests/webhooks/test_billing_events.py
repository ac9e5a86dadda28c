"""Billing's writes announce the entries they change (issue 14): the lock action sends
``time-entry.stopped`` for the timers it stops and ``time-entry.locked`` for each entry it
locks; invoicing locks (``locked``, or ``updated`` when the period lock already held the
entry); a reprice or an unlock is ``time-entry.updated``. All in the action's transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks.webhooks import Webhook

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld
from tests.webhooks.helpers import ENTRIES, count, hex_hmac, log_time, payloads, subscribe
from tests.webhooks.receiver import Receiver
from timeledger.auth.service import authenticate
from timeledger.billing import repository as billing_repository
from timeledger.billing.service import locks
from timeledger.db import unit_of_work
from timeledger.models import WebhookDelivery, WebhookEvent
from timeledger.webhooks.dispatcher import Dispatcher

URL = "http://127.0.0.1:8119/hook"


def _lock(client: TestClient, world: FirmWorld, day: str | None, **extra: Any) -> dict[str, Any]:
    response = client.put(
        f"/api/v1/firm/{world.firm.uuid}/lock",
        json={"locked_before": day, **extra},
        headers=world.owner.headers(),
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _get(client: TestClient, world: FirmWorld, entry: dict[str, Any]) -> dict[str, Any]:
    shown: dict[str, Any] = client.get(
        f"{ENTRIES}/{entry['uuid']}", headers=world.owner.headers()
    ).json()
    return shown


class TestLockAction:
    def test_locks_stops_and_unlocks_each_entry_once(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        before = log_time(client, world, start_date="2025-07-30T10:00:00", total_time_in_minutes=60)
        after = log_time(client, world, start_date="2025-08-05T10:00:00", total_time_in_minutes=60)
        invoiced = log_time(
            client, world, start_date="2025-07-29T10:00:00", total_time_in_minutes=60
        )
        client.post(
            f"{ENTRIES}/invoice", json={"uuids": [invoiced["uuid"]]}, headers=world.owner.headers()
        )
        timer = log_time(client, world, start_date="2025-08-06T09:00:00")
        subscribe(client, world, URL, ["time-entry.*"])

        _lock(client, world, "2025-08-01")
        events = payloads(session)
        assert [(e["type"], e["data"]["uuid"]) for e in events] == [
            ("time-entry.locked", before["uuid"])
        ]
        assert events[0]["data"] == _get(client, world, before)
        assert events[0]["data"]["is_locked"] is True
        assert events[0]["previous"] == {"is_locked": False, "locked_reason": None}

        # Moving it on past a running timer: the timer is stopped, then both are locked.
        _lock(client, world, "2025-08-07", stop_running=True)
        events = payloads(session)[1:]
        assert [(e["type"], e["data"]["uuid"]) for e in events] == [
            ("time-entry.stopped", timer["uuid"]),
            ("time-entry.locked", after["uuid"]),
            ("time-entry.locked", timer["uuid"]),
        ]
        assert events[0]["previous"]["end_date"] is None
        assert events[0]["data"]["end_date"] is not None
        assert events[0]["data"]["is_locked"] is False
        assert events[2]["data"] == _get(client, world, timer)

        # An owner moving it back unlocks: time-entry.updated; the invoiced entry stays locked.
        _lock(client, world, "2025-08-01")
        events = payloads(session)[4:]
        assert [(e["type"], e["data"]["uuid"]) for e in events] == [
            ("time-entry.updated", after["uuid"]),
            ("time-entry.updated", timer["uuid"]),
        ]
        assert events[0]["previous"] == {"is_locked": True, "locked_reason": "period"}
        assert events[0]["data"]["is_locked"] is False
        # The same boundary again changes nothing and announces nothing.
        _lock(client, world, "2025-08-01")
        assert len(payloads(session)) == 6

    def test_no_subscription_no_event(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        subscribe(client, world, URL, ["time-entry.created"])
        log_time(client, world, start_date="2025-07-30T10:00:00", total_time_in_minutes=60)
        _lock(client, world, "2025-08-01")
        assert [e["type"] for e in payloads(session)] == ["time-entry.created"]

    def test_rolled_back_lock_sends_nothing(
        self,
        client: TestClient,
        world: FirmWorld,
        session_factory: sessionmaker[Session],
        session: Session,
    ) -> None:
        log_time(client, world, start_date="2025-07-30T10:00:00", total_time_in_minutes=60)
        log_time(client, world, start_date="2025-08-06T09:00:00")
        subscribe(client, world, URL)
        inside: list[int] = []

        def lock_then_fail() -> None:
            with unit_of_work(session_factory) as unit:
                actor = authenticate(
                    unit, bearer=world.owner.token, account_header=None, now=FROZEN_NOW
                )
                locks.set_lock_boundary(
                    unit,
                    actor=actor,
                    locked_before=date(2025, 8, 7),
                    stop_running=True,
                    now=FROZEN_NOW,
                )
                inside.append(count(unit, WebhookDelivery))
                raise RuntimeError("the request failed after the lock")

        with pytest.raises(RuntimeError):
            lock_then_fail()
        assert inside == [3]  # stopped, locked x2: written inside the transaction
        assert count(session, WebhookEvent) == 0
        assert count(session, WebhookDelivery) == 0

    def test_subscriber_receives_locked_once_signed(
        self,
        client: TestClient,
        world: FirmWorld,
        receiver: Receiver,
        dispatcher: Dispatcher,
    ) -> None:
        entry = log_time(client, world, start_date="2025-07-30T10:00:00", total_time_in_minutes=60)
        secret = subscribe(client, world, receiver.url, ["time-entry.locked"])["signing_secret"]
        _lock(client, world, "2025-08-01")
        assert dispatcher.run_once() == 1
        assert dispatcher.run_once() == 0
        (got,) = receiver.wait_for(1)
        assert len(receiver.requests) == 1
        assert got.headers["X-Signature"] == hex_hmac(secret, got.body)
        payload = Webhook(secret).verify(got.body, got.headers)
        assert payload["type"] == "time-entry.locked"
        assert payload["data"] == _get(client, world, entry)
        assert payload["actor"]["account_uuid"] == str(world.owner.account.uuid)


class TestInvoiceAndReprice:
    def test_invoice_locks_or_updates(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        in_period = log_time(
            client, world, start_date="2025-07-30T10:00:00", total_time_in_minutes=60
        )
        open_one = log_time(
            client, world, start_date="2025-08-05T10:00:00", total_time_in_minutes=60
        )
        _lock(client, world, "2025-08-01")
        subscribe(client, world, URL, ["time-entry.*"])
        response = client.post(
            f"{ENTRIES}/invoice",
            json={"uuids": [in_period["uuid"], open_one["uuid"]], "invoice_ref": "INV-9"},
            headers=world.owner.headers(),
        )
        assert response.status_code == 200, response.text
        events = {e["data"]["uuid"]: e for e in payloads(session)}
        assert len(events) == 2
        locked, updated = events[open_one["uuid"]], events[in_period["uuid"]]
        assert locked["type"] == "time-entry.locked"
        assert locked["data"] == _get(client, world, open_one)
        assert locked["previous"]["is_locked"] is False
        assert locked["previous"]["invoice_ref"] is None
        assert updated["type"] == "time-entry.updated"
        assert updated["previous"]["locked_reason"] == "period"
        assert updated["data"]["locked_reason"] == "invoiced"

    def test_reprice_announces_changed_entries_only(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        headers = world.owner.headers()
        rule = client.post(
            "/api/v1/billing-rates",
            json={"hourly_rate": 10000, "effective_from": "2025-01-01"},
            headers=headers,
        ).json()
        entry = log_time(client, world, start_date="2025-07-11T10:00:00", total_time_in_minutes=60)
        client.put(
            f"/api/v1/billing-rates/{rule['uuid']}", json={"hourly_rate": 11000}, headers=headers
        )
        subscribe(client, world, URL, ["time-entry.updated"])
        body = {"from": "2025-07-01", "to": "2025-07-31"}
        response = client.post(
            f"/api/v1/billing-rates/{rule['uuid']}/reprice", json=body, headers=headers
        )
        assert response.json()["changed"] == 1, response.text
        again = client.post(
            f"/api/v1/billing-rates/{rule['uuid']}/reprice", json=body, headers=headers
        )
        assert again.json()["changed"] == 0
        (event,) = payloads(session)
        assert event["type"] == "time-entry.updated"
        assert event["data"] == _get(client, world, entry)
        assert event["data"]["hourly_rate"]["amount"] == 11000
        assert event["previous"]["hourly_rate"]["amount"] == 10000


class TestEntriesChangedInBulk:
    def test_boundary_entries_come_in_chunks_by_id(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        made = [
            log_time(client, world, start_date=f"2025-07-{day}T10:00:00", total_time_in_minutes=5)
            for day in (28, 25, 30)
        ]
        log_time(client, world, start_date="2025-08-02T10:00:00", total_time_in_minutes=5)
        chunks = list(
            billing_repository.unlocked_starting_between(
                session,
                firm_id=world.firm.id,
                start=None,
                end=datetime(2025, 7, 31, 23, tzinfo=UTC),
                chunk=2,
            )
        )
        assert [len(c) for c in chunks] == [2, 1]
        assert [str(e.uuid) for c in chunks for e in c] == [m["uuid"] for m in made]

    def test_a_first_lock_over_more_entries_than_a_chunk(
        self,
        client: TestClient,
        world: FirmWorld,
        session: Session,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(locks, "ANNOUNCE_CHUNK", 3)
        made = {
            log_time(
                client, world, start_date=f"2025-07-{day:02}T10:00:00", total_time_in_minutes=5
            )["uuid"]
            for day in range(1, 8)
        }
        subscribe(client, world, URL, ["time-entry.locked"])
        _lock(client, world, "2025-08-01")
        events = payloads(session)
        assert len(events) == 7
        assert {e["data"]["uuid"] for e in events} == made

    def test_tags_set_on_an_entry_are_an_update(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        headers = world.owner.headers()
        tag = client.post("/api/v1/tags", json={"name": "Suitability"}, headers=headers)
        assert tag.status_code in (200, 201), tag.text
        entry = log_time(client, world)
        subscribe(client, world, URL, ["time-entry.updated"])
        patched = client.patch(
            f"{ENTRIES}/{entry['uuid']}", json={"tags": [tag.json()["uuid"]]}, headers=headers
        )
        assert patched.status_code == 200, patched.text
        (event,) = payloads(session)
        assert event["data"]["tags"] == [{"uuid": tag.json()["uuid"], "name": "Suitability"}]
        assert event["previous"]["tags"] == []

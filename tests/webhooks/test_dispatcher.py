"""The dispatcher against a real receiver on 127.0.0.1: each event once, both signature
schemes, the retry schedule, 410, auto-disable, Retry-After, redirects, slow and huge
answers, the rotation overlap, ping, retry and retention."""

from __future__ import annotations

import json
import random
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld
from tests.support import FrozenClock
from tests.webhooks.helpers import SUBSCRIPTIONS, hex_hmac, log_time, subscribe
from tests.webhooks.receiver import Behaviour, Receiver
from timeledger import __version__
from timeledger.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from timeledger.webhooks import wakeup
from timeledger.webhooks.dispatcher import Dispatcher
from timeledger.webhooks.schedule import MAX_ATTEMPTS, RETRY_DELAYS, next_delay


def _delivery(session: Session) -> WebhookDelivery:
    session.expire_all()
    rows = list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))
    return rows[-1]


def _subscription(session: Session) -> WebhookSubscription:
    session.expire_all()
    row = session.scalar(select(WebhookSubscription))
    assert row is not None
    return row


class _NoJitter(random.Random):
    def uniform(self, a: float, b: float) -> float:
        return 0.0


class TestDelivery:
    def test_jitter_stays_within_ten_percent(self) -> None:
        rng = random.Random(7)
        for attempt, base in enumerate(RETRY_DELAYS, start=1):
            delays = [next_delay(attempt, rng=rng) for _ in range(200)]
            assert all(d is not None and base * 0.9 <= d <= base * 1.1 for d in delays)
            assert len(set(delays)) > 100  # really jittered
        assert next_delay(MAX_ATTEMPTS) is None

    def test_each_event_once_signed_both_ways(
        self,
        client: TestClient,
        world: FirmWorld,
        receiver: Receiver,
        dispatcher: Dispatcher,
        session: Session,
    ) -> None:
        secret = subscribe(client, world, receiver.url)["signing_secret"]
        created = log_time(client, world)
        assert dispatcher.run_once() == 1
        assert dispatcher.run_once() == 0
        (got,) = receiver.wait_for(1)
        assert len(receiver.requests) == 1
        assert got.headers["X-Signature"] == hex_hmac(secret, got.body)
        payload = Webhook(secret).verify(got.body, got.headers)
        assert payload["type"] == "time-entry.created"
        assert payload["data"] == created
        assert got.headers["webhook-id"] == payload["id"]
        assert got.headers["User-Agent"] == f"timeledger-webhooks/{__version__}"
        assert got.headers["Content-Type"] == "application/json"
        with pytest.raises(WebhookVerificationError):
            Webhook(secret).verify(got.body + b" ", got.headers)
        row = _delivery(session)
        assert (row.status, row.attempts, row.last_status) == (DeliveryStatus.SUCCEEDED, 1, 200)
        shown = client.get(f"{SUBSCRIPTIONS}", headers=world.owner.headers()).json()["data"][0]
        assert shown["last_outgoing_webhook_call_at"] is not None

    def test_failures_follow_the_schedule_then_dead_and_disabled(
        self,
        client: TestClient,
        world: FirmWorld,
        receiver: Receiver,
        dispatcher: Dispatcher,
        send_clock: FrozenClock,
        session: Session,
    ) -> None:
        receiver.behaviour = Behaviour(status=500, body=b"boom")
        subscribe(client, world, receiver.url)
        log_time(client, world)
        dispatcher.rng = _NoJitter()  # the schedule's own steps: 75 h 35 min in all
        for attempt in range(1, MAX_ATTEMPTS + 1):
            started = send_clock.now()
            assert dispatcher.run_once() == 1
            row = _delivery(session)
            assert row.attempts == attempt
            assert (row.last_status, row.last_response_excerpt) == (500, "boom")
            if attempt == MAX_ATTEMPTS:
                break
            assert row.status == DeliveryStatus.PENDING
            assert row.next_attempt_at is not None
            assert row.next_attempt_at - started == RETRY_DELAYS[attempt - 1]
            assert _subscription(session).enabled  # failing for less than 3 days
            assert dispatcher.run_once() == 0  # not due yet
            send_clock.set(row.next_attempt_at)
        assert row.status == DeliveryStatus.DEAD
        # The last attempt came ~75 h after the first failure: more than three days.
        subscription = _subscription(session)
        assert subscription.enabled is False
        assert "3 days" in (subscription.disabled_reason or "")
        ids = {r.headers["webhook-id"] for r in receiver.requests}
        assert len(receiver.requests) == MAX_ATTEMPTS
        assert len(ids) == 1

    def test_410_disables_the_subscription(
        self,
        client: TestClient,
        world: FirmWorld,
        receiver: Receiver,
        dispatcher: Dispatcher,
        session: Session,
    ) -> None:
        receiver.behaviour = Behaviour(status=410)
        sub = subscribe(client, world, receiver.url)
        log_time(client, world)
        log_time(client, world)
        dispatcher.run_once()
        subscription = _subscription(session)
        assert subscription.enabled is False
        assert "410" in (subscription.disabled_reason or "")
        statuses = {r.status for r in session.scalars(select(WebhookDelivery))}
        assert DeliveryStatus.PENDING not in statuses
        shown = client.get(f"{SUBSCRIPTIONS}/{sub['uuid']}", headers=world.owner.headers()).json()
        assert shown["enabled"] is False
        assert "410" in shown["disabled_reason"]
        # Enabling again clears the reason.
        again = client.put(
            f"{SUBSCRIPTIONS}/{sub['uuid']}", json={"enabled": True}, headers=world.owner.headers()
        ).json()
        assert (again["enabled"], again["disabled_reason"]) == (True, None)

    def test_retry_after_is_honoured(
        self,
        client: TestClient,
        world: FirmWorld,
        receiver: Receiver,
        dispatcher: Dispatcher,
        send_clock: FrozenClock,
        session: Session,
    ) -> None:
        receiver.behaviour = Behaviour(status=429, headers={"Retry-After": "3600"})
        subscribe(client, world, receiver.url)
        log_time(client, world)
        dispatcher.run_once()
        row = _delivery(session)
        assert row.next_attempt_at == send_clock.now() + timedelta(hours=1)

    def test_redirect_is_not_followed(
        self,
        client: TestClient,
        world: FirmWorld,
        receiver: Receiver,
        dispatcher: Dispatcher,
        session: Session,
    ) -> None:
        receiver.behaviour = Behaviour(status=302, headers={"Location": receiver.url + "/x"})
        subscribe(client, world, receiver.url)
        log_time(client, world)
        dispatcher.run_once()
        row = _delivery(session)
        assert row.status == DeliveryStatus.PENDING
        assert "Redirects are not followed" in (row.last_error or "")
        assert [r.path for r in receiver.requests] == ["/hook"]

    def test_huge_answer_is_capped(
        self,
        client: TestClient,
        world: FirmWorld,
        receiver: Receiver,
        dispatcher: Dispatcher,
        session: Session,
    ) -> None:
        receiver.behaviour = Behaviour(status=200, body=b"x" * 5_000_000)
        subscribe(client, world, receiver.url)
        log_time(client, world)
        dispatcher.run_once()
        row = _delivery(session)
        assert row.status == DeliveryStatus.SUCCEEDED
        assert len(row.last_response_excerpt or "") == 1024

    def test_answer_cut_off_mid_way_is_a_failure(
        self,
        client: TestClient,
        world: FirmWorld,
        receiver: Receiver,
        dispatcher: Dispatcher,
        session: Session,
    ) -> None:
        receiver.behaviour = Behaviour(status=200, body=b"partial", truncate=True)
        subscribe(client, world, receiver.url)
        log_time(client, world)
        dispatcher.run_once()
        row = _delivery(session)
        assert row.status == DeliveryStatus.PENDING
        assert "RemoteProtocolError" in (row.last_error or "")

    def test_slow_receiver_times_out(
        self,
        client: TestClient,
        world: FirmWorld,
        receiver: Receiver,
        dispatcher: Dispatcher,
        session: Session,
    ) -> None:
        receiver.behaviour = Behaviour(delay=4.0)  # the test timeout is 2 s
        subscribe(client, world, receiver.url)
        log_time(client, world)
        dispatcher.run_once()
        row = _delivery(session)
        assert row.status == DeliveryStatus.PENDING
        assert "Timed out" in (row.last_error or "")
        assert (row.last_duration_ms or 0) < 3500

    def test_refused_address_at_delivery_time(
        self,
        client: TestClient,
        world: FirmWorld,
        receiver: Receiver,
        session: Session,
        session_factory,
        wh_settings,
        send_clock: FrozenClock,
    ) -> None:
        subscribe(client, world, receiver.url)
        log_time(client, world)
        strict = Dispatcher(
            session_factory, wh_settings.model_copy(update={"webhook_allow_hosts": ""}), send_clock
        )
        try:
            strict.run_once()
        finally:
            strict.close()
        row = _delivery(session)
        assert "Refused" in (row.last_error or "")
        assert receiver.requests == []


def _signed_by(secret: str, body: bytes, headers: dict[str, str]) -> bool:
    """Whether ``secret`` made one of the Standard Webhooks signatures, at the header's
    own timestamp (the library's ``verify`` also checks it against the real clock)."""
    moment = datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC)
    expected = Webhook(secret).sign(headers["webhook-id"], moment, body.decode())
    return expected in headers["webhook-signature"].split(" ")


class TestRotation:
    def test_old_and_new_secrets_both_sign_for_24_hours(
        self,
        client: TestClient,
        world: FirmWorld,
        receiver: Receiver,
        dispatcher: Dispatcher,
        send_clock: FrozenClock,
    ) -> None:
        send_clock.set(FROZEN_NOW + timedelta(hours=1))  # the rotation's clock, an hour on
        sub = subscribe(client, world, receiver.url)
        old = sub["signing_secret"]
        rotated = client.post(
            f"{SUBSCRIPTIONS}/{sub['uuid']}/rotate-secret", headers=world.owner.headers()
        )
        assert rotated.status_code == 200
        new = rotated.json()["signing_secret"]
        assert new != old
        assert len(new) == len(old) == 60
        log_time(client, world)
        dispatcher.run_once()
        (got,) = receiver.wait_for(1)
        assert _signed_by(old, got.body, got.headers)
        assert _signed_by(new, got.body, got.headers)
        assert got.headers["X-Signature"] == hex_hmac(new, got.body)
        assert got.headers["X-Signature-Previous"] == hex_hmac(old, got.body)
        # After the overlap only the new secret signs.
        send_clock.advance(hours=24)
        log_time(client, world)
        dispatcher.run_once()
        latest = receiver.wait_for(2)[-1]
        assert _signed_by(new, latest.body, latest.headers)
        assert not _signed_by(old, latest.body, latest.headers)
        assert "X-Signature-Previous" not in latest.headers
        assert latest.headers["X-Signature"] == hex_hmac(new, latest.body)


class TestPingRetryAndLog:
    def test_ping_is_delivered_and_logged(
        self,
        client: TestClient,
        world: FirmWorld,
        receiver: Receiver,
        dispatcher: Dispatcher,
    ) -> None:
        sub = subscribe(client, world, receiver.url, ["time-entry.deleted"])
        response = client.post(f"{SUBSCRIPTIONS}/{sub['uuid']}/ping", headers=world.owner.headers())
        assert response.status_code == 202
        assert response.json()["status"] == "pending"
        dispatcher.run_once()
        (got,) = receiver.wait_for(1)
        payload = Webhook(sub["signing_secret"]).verify(got.body, got.headers)
        assert payload["type"] == "webhook.ping"
        log = client.get(
            f"{SUBSCRIPTIONS}/{sub['uuid']}/deliveries", headers=world.owner.headers()
        ).json()["data"]
        assert [(d["event_type"], d["status"], d["last_status_code"]) for d in log] == [
            ("webhook.ping", "succeeded", 200)
        ]
        assert log[0]["last_response_excerpt"] == "ok"

    def test_manual_retry_sends_again_with_the_same_id(
        self,
        client: TestClient,
        world: FirmWorld,
        receiver: Receiver,
        dispatcher: Dispatcher,
    ) -> None:
        sub = subscribe(client, world, receiver.url)
        log_time(client, world)
        dispatcher.run_once()
        log = client.get(
            f"{SUBSCRIPTIONS}/{sub['uuid']}/deliveries", headers=world.owner.headers()
        ).json()["data"]
        delivery = log[0]["uuid"]
        response = client.post(
            f"{SUBSCRIPTIONS}/deliveries/{delivery}/retry", headers=world.owner.headers()
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "pending"
        # A waiting delivery cannot be retried again.
        again = client.post(
            f"{SUBSCRIPTIONS}/{sub['uuid']}/deliveries/{delivery}/retry",
            headers=world.owner.headers(),
        )
        assert again.status_code == 422
        dispatcher.run_once()
        first, second = receiver.wait_for(2)
        assert first.headers["webhook-id"] == second.headers["webhook-id"]
        assert json.loads(first.body) == json.loads(second.body)


class TestRetention:
    def test_succeeded_kept_30_days_dead_90(
        self,
        client: TestClient,
        world: FirmWorld,
        receiver: Receiver,
        dispatcher: Dispatcher,
        send_clock: FrozenClock,
        session: Session,
    ) -> None:
        subscribe(client, world, receiver.url)
        log_time(client, world)
        log_time(client, world)
        dispatcher.run_once()
        rows = list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))
        rows[1].status = DeliveryStatus.DEAD
        session.flush()
        send_clock.advance(days=29)
        assert dispatcher.purge() == 0
        send_clock.advance(days=2)
        assert dispatcher.purge() == 1  # the succeeded one
        send_clock.advance(days=58)
        assert dispatcher.purge() == 0
        send_clock.advance(days=2)
        assert dispatcher.purge() == 1  # the dead one, after 90 days
        session.expire_all()
        assert list(session.scalars(select(WebhookDelivery))) == []


class TestLoop:
    def test_run_delivers_until_stopped(
        self,
        client: TestClient,
        world: FirmWorld,
        receiver: Receiver,
        dispatcher: Dispatcher,
        session: Session,
    ) -> None:
        subscribe(client, world, receiver.url)
        log_time(client, world)
        log_time(client, world)
        stop = threading.Event()
        # The test's session is one connection: nothing else touches it while this runs.
        thread = threading.Thread(target=dispatcher.run, args=(stop,))
        thread.start()
        try:
            receiver.wait_for(2)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and dispatcher.in_flight:
                time.sleep(0.05)
        finally:
            stop.set()
            wakeup.wake()
            thread.join(timeout=30)
        assert not thread.is_alive()
        session.expire_all()
        rows = list(session.scalars(select(WebhookDelivery)))
        assert [r.status for r in rows] == [DeliveryStatus.SUCCEEDED] * 2
        assert len(receiver.requests) == 2

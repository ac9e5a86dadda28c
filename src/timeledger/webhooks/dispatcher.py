"""The dispatcher: claims due deliveries, POSTs them, records each attempt.

One round: a short transaction claims up to ``batch`` due rows (``FOR UPDATE SKIP LOCKED``
on PostgreSQL, so workers on any number of machines never take the same row; on SQLite the
``BEGIN IMMEDIATE`` transaction is the one claimer) and marks them ``delivering`` until a
lease runs out; the POSTs run outside any transaction on a thread pool; finished attempts
are recorded in batches, a short transaction each. A worker killed mid-delivery leaves its rows
``delivering``: when the lease runs out another round claims them again and sends the same
event with the same ``webhook-id`` (delivery is at least once).
"""

from __future__ import annotations

import json
import logging
import queue
import random
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy.orm import Session, sessionmaker

from timeledger.clock import Clock
from timeledger.config import Settings
from timeledger.db import unit_of_work
from timeledger.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from timeledger.webhooks import repository, schedule, signing, transport, wakeup
from timeledger.webhooks.service import disable
from timeledger.webhooks.ssrf import AllowList, Resolver, UrlRefused, check_url, system_resolver

logger = logging.getLogger(__name__)

SUCCEEDED_RETENTION = timedelta(days=30)
DEAD_RETENTION = timedelta(days=90)
PURGE_EVERY = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Job:
    """One claimed delivery, ready to send without touching the database."""

    delivery_id: int
    firm_id: int
    attempt: int
    url: str
    body: bytes
    message_id: str
    secrets: tuple[str, ...]


class Dispatcher:
    """Delivers the outbox. ``run_once`` is one round; ``run`` loops until ``stop`` is set."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        settings: Settings,
        clock: Clock,
        *,
        client: httpx.Client | None = None,
        resolver: Resolver = system_resolver,
        rng: random.Random | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.clock = clock
        self.client = client or httpx.Client(follow_redirects=False, trust_env=False)
        self.resolver = resolver
        self.rng = rng or random.Random()
        self.allow = AllowList.parse(settings.webhook_allow_hosts)
        self.batch = settings.webhook_concurrency * 4
        self._pool = ThreadPoolExecutor(
            max_workers=settings.webhook_concurrency, thread_name_prefix="webhook"
        )
        self._last_purge: datetime | None = None
        # The attempts ``run`` has handed to the sending threads and not yet collected.
        self.in_flight: set[Future[None]] = set()

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self.client.close()

    def run(self, stop: threading.Event) -> None:
        """Deliver until ``stop`` is set. Claims whenever a sending thread is free, so a
        receiver that hangs holds one thread for at most the timeout and never the others;
        records finished attempts in batches (one transaction each)."""
        in_flight = self.in_flight
        done: queue.SimpleQueue[tuple[Job, transport.Outcome]] = queue.SimpleQueue()
        while not stop.is_set():
            try:
                free = self.settings.webhook_concurrency * 2 - len(in_flight)
                jobs = self.claim(limit=free) if free > 0 else []
                for job in jobs:
                    future = self._pool.submit(self._send_into, job, done)
                    in_flight.add(future)
                    future.add_done_callback(in_flight.discard)
                self.record_many(_drain(done))
                self.purge_if_due()
            except Exception:
                logger.exception("a webhook dispatcher round failed; trying again")
                jobs = []
            if not jobs and not in_flight:
                wakeup.wait(self.settings.webhook_poll_seconds)
            elif not jobs:
                time.sleep(0.02)  # attempts in flight: collect them soon
        for future in list(in_flight):
            future.result()
        self.record_many(_drain(done))

    def run_once(self) -> int:
        """One round: claim the due deliveries, send them concurrently, record them all;
        how many were attempted."""
        jobs = self.claim()
        if jobs:
            outcomes = list(self._pool.map(self.send, jobs))
            self.record_many(list(zip(jobs, outcomes, strict=True)))
        return len(jobs)

    def _send_into(self, job: Job, done: queue.SimpleQueue[tuple[Job, transport.Outcome]]) -> None:
        done.put((job, self.send(job)))

    def claim(self, limit: int | None = None) -> list[Job]:
        """Take up to ``limit`` due deliveries for this worker until the lease runs out."""
        now = self.clock.now()
        lease = timedelta(seconds=self.settings.webhook_lease_seconds)
        jobs: list[Job] = []
        with unit_of_work(self.session_factory) as session:
            for row in repository.claim_due(session, now=now, limit=limit or self.batch):
                job = self._job(session, row, now)
                if job is None:
                    continue
                row.status = DeliveryStatus.DELIVERING
                row.attempts += 1
                row.locked_until = now + lease
                row.updated_at = now
                jobs.append(
                    Job(
                        delivery_id=row.id,
                        firm_id=row.firm_id,
                        attempt=row.attempts,
                        url=job[0],
                        body=job[1],
                        message_id=job[2],
                        secrets=job[3],
                    )
                )
        return jobs

    def _job(
        self, session: Session, row: WebhookDelivery, now: datetime
    ) -> tuple[str, bytes, str, tuple[str, ...]] | None:
        subscription = repository.subscription_by_id(
            session, row.subscription_id, firm_id=row.firm_id
        )
        event = repository.event(session, row.event_id, firm_id=row.firm_id)
        assert subscription is not None
        assert event is not None
        if subscription.deleted_at is not None or (
            not subscription.enabled and event.type != "webhook.ping"
        ):
            row.status, row.updated_at = DeliveryStatus.FAILED, now
            row.last_error = "Not sent: the subscription is disabled or deleted."
            return None
        keys = [subscription.secret]
        until = subscription.previous_secret_until
        if subscription.previous_secret and until is not None and until > now:
            keys.append(subscription.previous_secret)
        body = json.dumps(event.payload, ensure_ascii=False, separators=(",", ":")).encode()
        return subscription.url, body, str(event.uuid), tuple(keys)

    def send(self, job: Job) -> transport.Outcome:
        """One attempt; never raises (anything unexpected is recorded as its error)."""
        try:
            return self._send(job)
        except Exception as exc:
            logger.exception("webhook delivery %s failed unexpectedly", job.delivery_id)
            return transport.Outcome(
                status=None,
                error=f"Internal error: {type(exc).__name__}",
                excerpt=None,
                retry_after=None,
                duration_ms=0,
            )

    def _send(self, job: Job) -> transport.Outcome:
        try:
            check_url(job.url, self.allow, self.resolver)
        except UrlRefused as exc:
            return transport.Outcome(
                status=None,
                error=f"Refused: {exc}",
                excerpt=None,
                retry_after=None,
                duration_ms=0,
            )
        headers = signing.headers(
            secrets_=job.secrets,
            message_id=job.message_id,
            timestamp=self.clock.now(),
            body=job.body,
        )
        return transport.post(
            self.client,
            job.url,
            body=job.body,
            headers=headers,
            timeout=self.settings.webhook_timeout_seconds,
        )

    def record_many(self, results: list[tuple[Job, transport.Outcome]]) -> None:
        """Write finished attempts, all in one transaction."""
        if not results:
            return
        now = self.clock.now()
        with unit_of_work(self.session_factory) as session:
            for job, outcome in results:
                self._record(session, job, outcome, now)

    def _record(
        self, session: Session, job: Job, outcome: transport.Outcome, now: datetime
    ) -> None:
        """Write one attempt's result; a late result for a row another worker reclaimed
        after the lease ran out is dropped (that worker records its own)."""
        row = repository.locked_delivery(session, job.delivery_id, firm_id=job.firm_id)
        if row is None or row.status != DeliveryStatus.DELIVERING or row.attempts != job.attempt:
            return
        row.last_attempt_at, row.updated_at, row.locked_until = now, now, None
        row.last_status, row.last_error = outcome.status, outcome.error
        row.last_response_excerpt = outcome.excerpt
        row.last_duration_ms = outcome.duration_ms
        subscription = repository.lock_subscription(
            session, row.subscription_id, firm_id=row.firm_id
        )
        assert subscription is not None
        if outcome.succeeded:
            row.status = DeliveryStatus.SUCCEEDED
            repository.mark_called(
                session,
                firm_id=row.firm_id,
                subscription_id=subscription.id,
                at=now,
                failing_since=None,
            )
            return
        self._failed(session, row, subscription, outcome, now)

    def _failed(
        self,
        session: Session,
        row: WebhookDelivery,
        subscription: WebhookSubscription,
        outcome: transport.Outcome,
        now: datetime,
    ) -> None:
        delay = schedule.next_delay(row.attempts, retry_after=outcome.retry_after, rng=self.rng)
        if delay is None:
            row.status, row.next_attempt_at = DeliveryStatus.DEAD, None
        else:
            row.status, row.next_attempt_at = DeliveryStatus.PENDING, now + delay
        failing_since = subscription.failing_since or now
        repository.mark_called(
            session,
            firm_id=row.firm_id,
            subscription_id=subscription.id,
            at=now,
            failing_since=failing_since,
        )
        if not subscription.enabled or subscription.deleted_at is not None:
            # Disabled while this attempt was in flight: no more attempts.
            row.status, row.next_attempt_at = DeliveryStatus.FAILED, None
            return
        if outcome.status == 410:
            reason = "The endpoint answered 410 Gone."
        elif now - failing_since >= schedule.DISABLE_AFTER:
            reason = f"Every delivery failed for 3 days (last error: {outcome.error})"[:500]
        else:
            return
        if row.status == DeliveryStatus.PENDING:
            row.status = DeliveryStatus.FAILED
        disable(session, subscription, reason=reason, now=now)
        logger.warning("webhook subscription %s disabled: %s", subscription.uuid, reason)

    def purge_if_due(self) -> None:
        now = self.clock.now()
        if self._last_purge is not None and now - self._last_purge < PURGE_EVERY:
            return
        self.purge()
        self._last_purge = now

    def purge(self) -> int:
        """Retention: succeeded deliveries after 30 days, dead and failed ones after 90."""
        now = self.clock.now()
        with unit_of_work(self.session_factory) as session:
            return repository.purge(
                session,
                succeeded_before=now - SUCCEEDED_RETENTION,
                dead_before=now - DEAD_RETENTION,
            )


def _drain(
    done: queue.SimpleQueue[tuple[Job, transport.Outcome]],
) -> list[tuple[Job, transport.Outcome]]:
    results = []
    while True:
        try:
            results.append(done.get_nowait())
        except queue.Empty:
            return results


def start_in_background(dispatcher: Dispatcher) -> tuple[threading.Thread, threading.Event]:
    """Run ``dispatcher`` on a daemon thread (``timeledger serve``); set the event to stop."""
    stop = threading.Event()
    thread = threading.Thread(
        target=dispatcher.run, args=(stop,), name="webhook-dispatcher", daemon=True
    )
    thread.start()
    return thread, stop

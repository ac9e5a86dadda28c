"""The dispatcher: claims due deliveries, POSTs them, records each attempt.

One round: a short transaction claims up to ``batch`` due rows (``FOR UPDATE SKIP LOCKED``
on PostgreSQL, so workers on any number of machines never take the same row; on SQLite the
``BEGIN IMMEDIATE`` transaction is the one claimer) and marks them ``delivering`` until a
lease runs out; the POSTs run outside any transaction on a thread pool; a short
transaction per attempt records it. A worker killed mid-delivery leaves its rows
``delivering``: when the lease runs out another round claims them again and sends the same
event with the same ``webhook-id`` (delivery is at least once).
"""

from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self.client.close()

    def run(self, stop: threading.Event, *, on_round: Callable[[int], None] | None = None) -> None:
        """Deliver until ``stop`` is set: a round, then wait for a nudge or the poll."""
        while not stop.is_set():
            try:
                sent = self.run_once()
                self.purge_if_due()
            except Exception:
                logger.exception("a webhook dispatcher round failed; trying again")
                sent = 0
            if on_round is not None:
                on_round(sent)
            if sent < self.batch:
                wakeup.wait(self.settings.webhook_poll_seconds)

    def run_once(self) -> int:
        """Claim the due deliveries, send them concurrently, record each; how many were
        attempted."""
        jobs = self.claim()
        if jobs:
            list(self._pool.map(self.deliver, jobs))
        return len(jobs)

    def claim(self) -> list[Job]:
        now = self.clock.now()
        lease = timedelta(seconds=self.settings.webhook_lease_seconds)
        jobs: list[Job] = []
        with unit_of_work(self.session_factory) as session:
            for row in repository.claim_due(session, now=now, limit=self.batch):
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
        subscription = repository.subscription_by_id(session, row.subscription_id)
        event = repository.event(session, row.event_id)
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

    def deliver(self, job: Job) -> None:
        """Send one claimed delivery and record what happened; never raises."""
        try:
            outcome = self._send(job)
            self.record(job, outcome)
        except Exception:
            logger.exception("webhook delivery %s failed unexpectedly", job.delivery_id)

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

    def record(self, job: Job, outcome: transport.Outcome) -> None:
        """Write the attempt's result; a late result for a row another worker reclaimed
        after the lease ran out is dropped (that worker records its own)."""
        now = self.clock.now()
        with unit_of_work(self.session_factory) as session:
            row = repository.locked_delivery(session, job.delivery_id)
            if (
                row is None
                or row.status != DeliveryStatus.DELIVERING
                or row.attempts != job.attempt
            ):
                return
            row.last_attempt_at, row.updated_at, row.locked_until = now, now, None
            row.last_status, row.last_error = outcome.status, outcome.error
            row.last_response_excerpt = outcome.excerpt
            row.last_duration_ms = outcome.duration_ms
            subscription = repository.lock_subscription(session, row.subscription_id)
            assert subscription is not None
            if outcome.succeeded:
                row.status = DeliveryStatus.SUCCEEDED
                repository.mark_called(
                    session, subscription_id=subscription.id, at=now, failing_since=None
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
            session, subscription_id=subscription.id, at=now, failing_since=failing_since
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


def start_in_background(dispatcher: Dispatcher) -> tuple[threading.Thread, threading.Event]:
    """Run ``dispatcher`` on a daemon thread (``timeledger serve``); set the event to stop."""
    stop = threading.Event()
    thread = threading.Thread(
        target=dispatcher.run, args=(stop,), name="webhook-dispatcher", daemon=True
    )
    thread.start()
    return thread, stop

"""Webhook subscriptions for the benchmark's ``create_webhooks`` scenario: the first
firm's owner (the fixture's first account) subscribes to every event before the scenario
and deletes the subscriptions after it, through the same service as the API.

Nothing listens at the subscriptions' address and no dispatcher runs during the scenario:
what is measured is the write path's share (the outbox rows each change adds), not the
deliveries (``python -m bench.webhooks`` measures those).
"""

from __future__ import annotations

from datetime import UTC, datetime

from bench.scenarios import Fixture
from timeledger.auth.service import authenticate
from timeledger.config import Environment, Settings
from timeledger.db import build_engine, build_session_factory, unit_of_work
from timeledger.webhooks import service as webhooks
from timeledger.webhooks.schemas import WebhookSubscriptionCreate
from timeledger.webhooks.ssrf import AllowList

HOOK_URL = "http://127.0.0.1:9/bench-hook"  # the discard port: never delivered to here


def _settings(url: str) -> Settings:
    return Settings(environment=Environment.TEST, database_url=url)


def subscribe(url: str, fixture: Fixture, count: int) -> list[str]:
    """``count`` new subscriptions to every event; their UUIDs."""
    if count == 0:
        return []
    now = datetime.now(UTC)
    owner = next(iter(fixture.accounts.values()))
    engine = build_engine(_settings(url))
    try:
        with unit_of_work(build_session_factory(engine)) as session:
            actor = authenticate(session, bearer=fixture.token, account_header=owner, now=now)
            made = [
                webhooks.create_subscription(
                    session,
                    actor=actor,
                    data=WebhookSubscriptionCreate(url=HOOK_URL, events=["*"]),
                    allow=AllowList.parse("127.0.0.1"),
                    now=now,
                )
                for _ in range(count)
            ]
            return [str(subscription.uuid) for subscription in made]
    finally:
        engine.dispose()


def unsubscribe(url: str, fixture: Fixture, uuids: list[str]) -> None:
    """Delete the subscriptions (their waiting deliveries are marked failed)."""
    if not uuids:
        return
    now = datetime.now(UTC)
    owner = next(iter(fixture.accounts.values()))
    engine = build_engine(_settings(url))
    try:
        with unit_of_work(build_session_factory(engine)) as session:
            actor = authenticate(session, bearer=fixture.token, account_header=owner, now=now)
            for raw_uuid in uuids:
                webhooks.delete_subscription(session, actor=actor, raw_uuid=raw_uuid, now=now)
    finally:
        engine.dispose()

"""Per-user rate limits: headers on every authenticated answer, 429 past the limit,
counters in memory or shared through the real Redis."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.factories import FirmWorld, make_staff
from tests.support import FrozenClock
from timeledger.app import create_app
from timeledger.config import Settings
from timeledger.http.ratelimit import Decision, RateLimiter
from timeledger.models import TimeEntry

URL = "/api/v1/time-entry"
REDIS_URL = "redis://127.0.0.1:6379/0"


def _app(
    settings: Settings, session_factory: sessionmaker[Session], clock: FrozenClock, **changes: Any
) -> FastAPI:
    return create_app(
        settings.model_copy(update=changes), session_factory=session_factory, clock=clock
    )


def _create(client: TestClient, world: FirmWorld, headers: dict[str, str] | None = None) -> Any:
    return client.post(
        URL,
        json={
            "trackable_type": "client",
            "trackable_uuid": str(world.client.uuid),
            "name": "Call",
            "total_time_in_minutes": 5,
        },
        headers=headers or world.owner.headers(),
    )


def test_every_authenticated_response_carries_the_limit_headers(
    client: TestClient, world: FirmWorld
) -> None:
    ok = _create(client, world)
    refused = client.post(URL, json={}, headers=world.owner.headers())
    assert ok.status_code == 200
    assert refused.status_code == 422
    assert ok.headers["X-Ratelimit-Limit"] == "500"
    assert ok.headers["X-Ratelimit-Remaining"] == "499"
    assert refused.headers["X-Ratelimit-Remaining"] == "498"


def test_unauthenticated_responses_are_not_counted(client: TestClient) -> None:
    response = client.post(URL, json={})
    assert response.status_code == 401
    assert "X-Ratelimit-Limit" not in response.headers


def test_past_the_limit_the_user_gets_429_with_retry_after(
    settings: Settings,
    session_factory: sessionmaker[Session],
    clock: FrozenClock,
    world: FirmWorld,
    session: Session,
) -> None:
    app = _app(settings, session_factory, clock, rate_limit_per_minute=3)
    colleague = make_staff(session, world.firm, now=clock.now())
    with TestClient(app) as client:
        remaining = [_create(client, world).headers["X-Ratelimit-Remaining"] for _ in range(3)]
        refused = _create(client, world)
        other_user = _create(client, world, colleague.headers())
    assert remaining == ["2", "1", "0"]
    assert refused.status_code == 429
    assert refused.json() == {"message": "Too Many Attempts."}
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-Ratelimit-Limit"] == "3"
    assert refused.headers["X-Ratelimit-Remaining"] == "0"
    assert other_user.status_code == 200  # the limit is per user


def test_a_refused_write_changes_nothing(
    settings: Settings,
    session_factory: sessionmaker[Session],
    clock: FrozenClock,
    world: FirmWorld,
    session: Session,
) -> None:
    app = _app(settings, session_factory, clock, rate_limit_per_minute=1)
    with TestClient(app) as client:
        first = _create(client, world)
        assert _create(client, world).status_code == 429
        assert first.status_code == 200
    assert session.scalar(select(func.count()).select_from(TimeEntry)) == 1


class SpyLimiter(RateLimiter):
    """Counts as usual, noting whether a transaction was open on the connection then."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        super().__init__(settings)
        self.open_savepoints = 0
        self.open_at_hit: list[int] = []
        event.listen(engine, "savepoint", self._opened)
        event.listen(engine, "release_savepoint", self._closed)
        event.listen(engine, "rollback_savepoint", self._closed)

    def _opened(self, *_args: Any) -> None:
        self.open_savepoints += 1

    def _closed(self, *_args: Any) -> None:
        self.open_savepoints -= 1

    def hit(self, user_key: str) -> Decision:
        self.open_at_hit.append(self.open_savepoints)
        return super().hit(user_key)

    def remove(self, engine: Engine) -> None:
        event.remove(engine, "savepoint", self._opened)
        event.remove(engine, "release_savepoint", self._closed)
        event.remove(engine, "rollback_savepoint", self._closed)


def test_the_count_runs_with_no_transaction_open(
    app: FastAPI, settings: Settings, engine: Engine, world: FirmWorld, session: Session
) -> None:
    """Authentication's reads are committed before the count and the write begins after
    it, so a slow counter store never holds a transaction (or SQLite's write lock). In the
    tests each request transaction is a savepoint of the test's own transaction."""
    spy = SpyLimiter(settings, engine)
    app.state.rate_limiter = spy
    try:
        with TestClient(app) as client:
            response = _create(client, world, {**world.owner.headers(), "Idempotency-Key": "k"})
    finally:
        spy.remove(engine)
    assert response.status_code == 200
    assert spy.open_at_hit == [0]
    assert session.scalar(select(func.count()).select_from(TimeEntry)) == 1


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379 (CI starts one)")
    prefix = f"timeledger-test-{uuid.uuid4().hex}"
    yield prefix
    for key in connection.scan_iter(f"{prefix}*"):
        connection.delete(key)
    connection.close()


def test_with_redis_the_limit_holds_across_workers(
    settings: Settings,
    session_factory: sessionmaker[Session],
    clock: FrozenClock,
    world: FirmWorld,
    redis_prefix: str,
) -> None:
    config = {"rate_limit_per_minute": 3, "redis_url": REDIS_URL, "redis_key_prefix": redis_prefix}
    worker_a = _app(settings, session_factory, clock, **config)
    worker_b = _app(settings, session_factory, clock, **config)
    with TestClient(worker_a) as a, TestClient(worker_b) as b:
        answers = [_create(a, world), _create(b, world), _create(a, world), _create(b, world)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert [r.headers["X-Ratelimit-Remaining"] for r in answers] == ["2", "1", "0", "0"]
    keys = redis.Redis.from_url(REDIS_URL).keys(f"{redis_prefix}*")
    assert keys, "the counter lives in Redis"


def test_in_memory_counters_are_per_process(
    settings: Settings,
    session_factory: sessionmaker[Session],
    clock: FrozenClock,
    world: FirmWorld,
) -> None:
    worker_a = _app(settings, session_factory, clock, rate_limit_per_minute=1)
    worker_b = _app(settings, session_factory, clock, rate_limit_per_minute=1)
    with TestClient(worker_a) as a, TestClient(worker_b) as b:
        assert _create(a, world).status_code == 200
        assert _create(b, world).status_code == 200


def test_an_unreachable_redis_counts_in_memory_and_lets_requests_through(
    settings: Settings,
    session_factory: sessionmaker[Session],
    clock: FrozenClock,
    world: FirmWorld,
) -> None:
    app = _app(settings, session_factory, clock, redis_url="redis://127.0.0.1:1/0")
    with TestClient(app) as client:
        response = _create(client, world)
    assert response.status_code == 200
    # Counted in this process's memory while Redis is down (docs/reliability.md).
    assert response.headers["X-Ratelimit-Limit"] == str(settings.rate_limit_per_minute)

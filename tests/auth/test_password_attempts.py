"""Issue 10, class 3: failed password attempts are limited per user and per client
address (``auth.attempts``), and the argon2 check runs outside the concurrency gate, so
one member's wrong passwords do not slow another firm's requests."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator

import httpx
import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.factories import FirmWorld, Staff
from tests.support import FrozenClock
from timeledger.app import create_app
from timeledger.auth import service as auth
from timeledger.auth.attempts import PasswordAttempts
from timeledger.config import Settings
from timeledger.errors import TooManyAttempts
from timeledger.kit.counters import Counters

URL = "/api/v1/personal-access-tokens"
REDIS_URL = "redis://127.0.0.1:6379/11"


def _app(settings: Settings, factory: sessionmaker[Session], clock: FrozenClock, **limits: int):
    return create_app(settings.model_copy(update=limits), session_factory=factory, clock=clock)


def _create(client: TestClient, staff: Staff, password: str) -> httpx.Response:
    return client.post(URL, json={"name": "x", "password": password}, headers=staff.headers())


def test_a_user_gets_429_after_too_many_wrong_passwords_and_others_do_not(
    settings: Settings,
    session_factory: sessionmaker[Session],
    clock: FrozenClock,
    world: FirmWorld,
    other_world: FirmWorld,
) -> None:
    app = _app(settings, session_factory, clock, password_attempts_per_user=3)
    with TestClient(app) as client:
        wrong = [_create(client, world.owner, "guess").status_code for _ in range(3)]
        blocked = _create(client, world.owner, "secret-pass")
        other = _create(client, other_world.owner, "secret-pass")
    assert wrong == [422, 422, 422]
    assert blocked.status_code == 429
    assert blocked.json() == {"message": "Too Many Attempts."}
    assert 1 <= int(blocked.headers["Retry-After"]) <= 15 * 60
    assert other.status_code == 201


def test_a_right_password_clears_the_users_count(
    settings: Settings, session_factory: sessionmaker[Session], clock: FrozenClock, world: FirmWorld
) -> None:
    app = _app(settings, session_factory, clock, password_attempts_per_user=3)
    with TestClient(app) as client:
        answers = [
            _create(client, world.owner, password).status_code
            for password in ("guess", "guess", "secret-pass", "guess", "guess", "secret-pass")
        ]
    assert answers == [422, 422, 201, 422, 422, 201]


def test_one_address_trying_many_users_is_limited(
    settings: Settings,
    session_factory: sessionmaker[Session],
    clock: FrozenClock,
    world: FirmWorld,
    other_world: FirmWorld,
) -> None:
    app = _app(
        settings,
        session_factory,
        clock,
        password_attempts_per_user=100,
        password_attempts_per_address=3,
    )
    with TestClient(app) as client:
        answers = [
            _create(client, staff, "guess").status_code
            for staff in (world.owner, other_world.owner, world.owner)
        ]
        blocked = _create(client, other_world.owner, "secret-pass")
    assert answers == [422, 422, 422]
    assert blocked.status_code == 429


def test_a_body_without_a_password_is_a_validation_error_not_an_attempt(
    settings: Settings, session_factory: sessionmaker[Session], clock: FrozenClock, world: FirmWorld
) -> None:
    app = _app(settings, session_factory, clock, password_attempts_per_user=1)
    with TestClient(app) as client:
        missing = client.post(URL, json={"name": "x"}, headers=world.owner.headers())
        right = _create(client, world.owner, "secret-pass")
    assert missing.status_code == 422
    assert missing.json()["errors"] == {"password": ["The password field is required."]}
    assert right.status_code == 201


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.skip("NO REDIS on 127.0.0.1:6379: the shared-counter test needs it (CI has one)")
    prefix = f"timeledger-test-{uuid.uuid4().hex}"
    yield prefix
    for key in connection.scan_iter(f"{prefix}*"):
        connection.delete(key)
    connection.close()


def test_with_redis_every_worker_shares_the_count(settings: Settings, redis_prefix: str) -> None:
    config = settings.model_copy(
        update={"redis_url": REDIS_URL, "redis_key_prefix": redis_prefix,
                "password_attempts_per_user": 2}
    )  # fmt: skip
    worker_a = PasswordAttempts(config, Counters(config))
    worker_b = PasswordAttempts(config, Counters(config))
    worker_a.record_failure(user_key="7", address="10.0.0.1")
    worker_b.record_failure(user_key="7", address="10.0.0.2")
    with pytest.raises(TooManyAttempts):
        worker_a.check(user_key="7", address="10.0.0.3")
    worker_b.check(user_key="8", address="10.0.0.3")
    worker_b.reset(user_key="7")
    worker_a.check(user_key="7", address="10.0.0.3")
    assert redis.Redis.from_url(REDIS_URL).keys(f"{redis_prefix}*")


def test_the_password_check_gives_up_the_database_slot_meanwhile(
    settings: Settings,
    session_factory: sessionmaker[Session],
    clock: FrozenClock,
    world: FirmWorld,
    other_world: FirmWorld,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While one request's argon2 check runs (held here until the other request is done),
    another firm's request gets through the concurrency gate (one place on SQLite)."""
    entered, release = threading.Event(), threading.Event()
    real_verify = auth.verify_password

    def held_verify(user: object, password: str) -> bool:
        entered.set()
        release.wait(20)
        return real_verify(user, password)  # type: ignore[arg-type]

    monkeypatch.setattr("timeledger.dependencies.verify_password", held_verify)
    app = _app(settings, session_factory, clock)

    async def both() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            creating = asyncio.create_task(
                client.post(
                    URL,
                    json={"name": "x", "password": "secret-pass"},
                    headers=world.owner.headers(),
                )
            )
            assert await asyncio.to_thread(entered.wait, 10)
            try:
                listing = await asyncio.wait_for(
                    client.get("/api/v1/time-entry", headers=other_world.owner.headers()), 5
                )
            finally:
                release.set()
            return await creating, listing

    created, listed = asyncio.run(both())
    assert listed.status_code == 200
    assert created.status_code == 201

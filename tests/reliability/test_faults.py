"""Fault injection, one dependency at a time (issue 10, class 2): Redis silent, Redis
refusing, PostgreSQL refusing, PostgreSQL silent, SQLite locked by another process. Each
gets a bounded answer (503 with Retry-After and a Laravel-style body, or the documented
fail-open for Redis), /readyz answers within 2 s, and a SIGTERM stops the server cleanly.

The bounds asserted are the configured timeouts plus a wide margin: they prove "never
waits forever", not speed."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.factories import FirmWorld
from tests.reliability.faults import (
    refusing_port,
    server_process,
    sigterm_exit_seconds,
    silent_port,
    sqlite_locked,
    timed,
)
from tests.reliability.live import committed_world
from tests.support import FrozenClock
from timeledger import migrations
from timeledger.app import create_app
from timeledger.config import Settings
from timeledger.db import build_engine
from timeledger.errors import DATABASE_UNAVAILABLE

URL = "/api/v1/time-entry"
# /readyz's promise.
READY_WITHIN = 2.0
# Room for a loaded 2-core CI machine on top of a configured timeout.
MARGIN = 3.0
UNAVAILABLE = {"message": DATABASE_UNAVAILABLE}


def _entry(world: FirmWorld) -> dict[str, object]:
    return {
        "trackable_type": "client",
        "trackable_uuid": str(world.client.uuid),
        "name": "Call",
        "start_date": "2025-08-07T09:00:00+01:00",
        "end_date": "2025-08-07T10:00:00+01:00",
    }


def _assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json() == UNAVAILABLE


def _assert_not_ready(response: httpx.Response, *, database: str, redis: str) -> None:
    """/readyz's 503: Retry-After, and a body naming the dependency that is down."""
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    down = " and ".join(
        name
        for name, state in (("the database", database), ("Redis", redis))
        if state == "unreachable"
    )
    assert response.json() == {
        "message": f"Not ready: {down} is unreachable. Try again in a few seconds.",
        "status": "unavailable",
        "database": database,
        "redis": redis,
    }


# Redis: fail open ----------------------------------------------------------------------


@pytest.fixture(params=["silent", "refusing"])
def broken_redis(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "silent":
        with silent_port() as port:
            yield f"redis://127.0.0.1:{port}/11"
    else:
        yield f"redis://127.0.0.1:{refusing_port()}/11"


def test_a_broken_redis_costs_one_short_timeout_then_requests_are_counted_in_memory(
    broken_redis: str,
    settings: Settings,
    session_factory: sessionmaker[Session],
    clock: FrozenClock,
    world: FirmWorld,
) -> None:
    config = settings.model_copy(update={"redis_url": broken_redis, "rate_limit_per_minute": 2})
    app = create_app(config, session_factory=session_factory, clock=clock)
    with TestClient(app) as client:
        answers = [
            timed(lambda: client.post(URL, json=_entry(world), headers=world.owner.headers()))
            for _ in range(3)
        ]
        ready, ready_seconds = timed(lambda: client.get("/readyz"))
        alive = client.get("/healthz")
    assert [r.status_code for r, _ in answers] == [200, 200, 429]
    # The limit still holds, per process, while Redis is down.
    assert [r.headers["X-Ratelimit-Remaining"] for r, _ in answers] == ["1", "0", "0"]
    assert sum(seconds for _, seconds in answers) < config.redis_timeout_seconds * 2 + MARGIN
    # Requests fail open, but the instance is not ready: it cannot share its counts.
    _assert_not_ready(ready, database="ok", redis="unreachable")
    assert ready_seconds < READY_WITHIN
    assert alive.status_code == 200


# PostgreSQL: 503 -------------------------------------------------------------------------


@pytest.fixture(params=["refusing", "silent"])
def broken_postgres(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "silent":
        with silent_port() as port:
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/timeledger"
    else:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{refusing_port()}/timeledger"


def test_a_postgresql_that_refuses_or_hangs_answers_503_within_the_connect_timeout(
    broken_postgres: str, settings: Settings
) -> None:
    config = settings.model_copy(
        update={"database_url": broken_postgres, "database_connect_timeout_seconds": 2}
    )
    with TestClient(create_app(config), raise_server_exceptions=False) as client:
        read, read_seconds = timed(
            lambda: client.get(URL, headers={"Authorization": "Bearer tl_whatever"})
        )
        ready, ready_seconds = timed(lambda: client.get("/readyz"))
        alive = client.get("/healthz")
    _assert_unavailable(read)
    assert read_seconds < config.database_connect_timeout_seconds + MARGIN
    _assert_not_ready(ready, database="unreachable", redis="not configured")
    assert ready_seconds < READY_WITHIN
    assert alive.status_code == 200


# SQLite: 503 after the busy timeout ------------------------------------------------------


@pytest.fixture
def sqlite_file(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'locked.db'}"
    migrations.upgrade(url)
    return url


def test_a_sqlite_file_locked_by_another_process_answers_503_after_the_busy_timeout(
    sqlite_file: str, settings: Settings, tmp_path: Path
) -> None:
    config = settings.model_copy(
        update={"database_url": sqlite_file, "sqlite_busy_timeout_seconds": 0.5}
    )
    engine = build_engine(config)
    world = committed_world(engine)
    engine.dispose()
    with TestClient(create_app(config), raise_server_exceptions=False) as client:
        with sqlite_locked(tmp_path / "locked.db"):
            writes = [
                timed(lambda: client.post(URL, json=_entry(world), headers=world.owner.headers()))
                for _ in range(2)
            ]
            ready, ready_seconds = timed(lambda: client.get("/readyz"))
        after = client.post(URL, json=_entry(world), headers=world.owner.headers())
        ready_after = client.get("/readyz")
    for response, seconds in writes:
        _assert_unavailable(response)
        assert seconds < config.sqlite_busy_timeout_seconds * 2 + MARGIN
    _assert_not_ready(ready, database="unreachable", redis="not configured")
    assert ready_seconds < READY_WITHIN
    # Nothing was half-written: once the lock is gone the same write succeeds.
    assert after.status_code == 200, after.text
    assert ready_after.status_code == 200


# A real server: bounded answers, then SIGTERM ---------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "fault", ["redis silent", "redis refusing", "postgres refusing", "postgres silent", "sqlite"]
)
def test_the_server_answers_and_stops_on_sigterm_with_a_dependency_down(
    fault: str, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'served.db'}"
    migrations.upgrade(database)
    env = {
        "TIMELEDGER_DATABASE_URL": database,
        "TIMELEDGER_SQLITE_BUSY_TIMEOUT_SECONDS": "0.5",
        "TIMELEDGER_DATABASE_CONNECT_TIMEOUT_SECONDS": "2",
        "TIMELEDGER_SHUTDOWN_TIMEOUT_SECONDS": "3",
        # uvicorn says "Application shutdown complete" at INFO.
        "TIMELEDGER_LOG_LEVEL": "INFO",
    }
    with silent_port() as silent:
        if fault == "redis silent":
            env["TIMELEDGER_REDIS_URL"] = f"redis://127.0.0.1:{silent}/11"
        elif fault == "redis refusing":
            env["TIMELEDGER_REDIS_URL"] = f"redis://127.0.0.1:{refusing_port()}/11"
        elif fault == "postgres refusing":
            env["TIMELEDGER_DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:{refusing_port()}/x"
        elif fault == "postgres silent":
            env["TIMELEDGER_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{silent}/x"
        engine = build_engine(Settings(database_url=database))
        world = committed_world(engine)
        engine.dispose()
        locked = sqlite_locked(tmp_path / "served.db") if fault == "sqlite" else nullcontext()
        with locked, server_process(env, tmp_path / "server.log") as (process, url):
            with httpx.Client(base_url=url, timeout=30) as client:
                answer = client.post(URL, json=_entry(world), headers=world.owner.headers())
                ready, ready_seconds = timed(lambda: client.get("/readyz"))
            status, exit_seconds = sigterm_exit_seconds(process)
    if fault.startswith("redis"):
        assert answer.status_code == 200, answer.text  # requests fail open
        _assert_not_ready(ready, database="ok", redis="unreachable")
    else:
        _assert_unavailable(answer)
        _assert_not_ready(ready, database="unreachable", redis="not configured")
    assert ready_seconds < READY_WITHIN
    log = (tmp_path / "server.log").read_text()
    # uvicorn shuts down gracefully, then re-raises the SIGTERM it caught, so the process
    # ends as a SIGTERM'd process conventionally does.
    assert status in (0, -signal.SIGTERM), log
    assert "Application shutdown complete" in log
    assert exit_seconds < 3 + MARGIN

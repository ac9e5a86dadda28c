"""A real database built by the migrations once per run; every test rolls back.

SQLite by default; ``TIMELEDGER_TEST_DATABASE_URL`` points the whole suite at PostgreSQL.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.orm import Session, object_session, sessionmaker

from tests.factories import FirmWorld, make_world
from tests.support import FrozenClock
from tests.tenancy.guard import FirmFilterGuard
from timeledger import migrations
from timeledger.app import create_app
from timeledger.config import Environment, Settings
from timeledger.db import UnitOfWork, build_engine, is_sqlite
from timeledger.models import Base
from timeledger.models.base import TimestampMixin

# 13:41:42 in London, summer time: the seed's own example instant.
FROZEN_NOW = datetime(2025, 8, 7, 12, 41, 42, tzinfo=UTC)


def _reset_postgres(url: str, settings: Settings) -> None:
    engine = build_engine(settings, url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def server_secret() -> Iterator[None]:
    """Apps built with plain ``Settings()`` in tests get a secret from the environment
    instead of writing a key file beside ./timeledger.db."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TIMELEDGER_SECRET_KEY", "e" * 40)
        yield


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """argon2 at its production cost is most of the suite's time; the tests of passwords
    check behaviour, not cost, so they use the same algorithm at its lowest settings."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "timeledger.auth.service._hasher",
            PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
        )
        yield


@pytest.fixture(scope="session", autouse=True)
def every_change_stamps_updated_at() -> Iterator[None]:
    """Across the whole suite: a flush of a unit of work (the API's and the CLI's writes;
    not a test's own set-up) that changes a timestamped row must have set its
    ``updated_at`` (from the caller's clock; the models have no automatic stamp). A write
    path that forgets fails whichever test takes it."""
    # Per session: requests run concurrently in threads (the race tests), and one
    # request's flush must neither see nor clear another's stamps.
    stamped: weakref.WeakKeyDictionary[Session, weakref.WeakSet[object]] = (
        weakref.WeakKeyDictionary()
    )

    def mark(target: object, *_args: Any) -> None:
        session = object_session(target)
        if session is not None:
            stamped.setdefault(session, weakref.WeakSet()).add(target)

    def check(session: Session, *_args: Any) -> None:
        marks = stamped.pop(session, weakref.WeakSet())
        if not _in_unit_of_work(session):
            return
        for record in session.dirty:
            if isinstance(record, TimestampMixin) and session.is_modified(
                record, include_collections=False
            ):
                assert record in marks, f"{type(record).__name__} changed without updated_at"

    stamped_classes = [
        mapper.class_
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, TimestampMixin)
    ]
    for model in stamped_classes:
        event.listen(model.updated_at, "set", mark)
    event.listen(Session, "before_flush", check)
    yield
    event.remove(Session, "before_flush", check)
    for model in stamped_classes:
        event.remove(model.updated_at, "set", mark)


def _in_unit_of_work(session: Session) -> bool:
    try:
        UnitOfWork.of(session)
    except LookupError:
        return False
    return True


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TIMELEDGER_TEST_DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    if url == os.environ.get("TIMELEDGER_DATABASE_URL"):
        pytest.exit("TIMELEDGER_TEST_DATABASE_URL must not be the development database", 2)
    return url


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(environment=Environment.TEST, database_url=database_url, secret_key="t" * 40)


@pytest.fixture(scope="session")
def engine(database_url: str, settings: Settings) -> Iterator[Engine]:
    if not is_sqlite(database_url):
        _reset_postgres(database_url, settings)
    migrations.upgrade(database_url)
    engine = build_engine(settings)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    return sessionmaker(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        autoflush=False,
    )


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(FROZEN_NOW)


@pytest.fixture
def app(settings: Settings, session_factory: sessionmaker[Session], clock: FrozenClock) -> FastAPI:
    return create_app(settings, session_factory=session_factory, clock=clock)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def world(session: Session) -> FirmWorld:
    world = make_world(session, now=FROZEN_NOW)
    session.flush()
    return world


@pytest.fixture
def other_world(session: Session) -> FirmWorld:
    return make_world(session, now=FROZEN_NOW, name="Rival Wealth")


def truncate_all(engine: Engine) -> None:
    """Empty every table: for the few tests that must really commit."""
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def committed_engine(engine: Engine) -> Iterator[Engine]:
    """The engine, for tests whose work must be committed (concurrency); emptied after."""
    yield engine
    truncate_all(engine)


@pytest.fixture
def firm_filter_guard() -> Iterator[FirmFilterGuard]:
    """Issue 15: fails the test (at teardown) when the application sends a statement on firm
    data without naming its firm (tests/tenancy/guard.py). Opt in per module with
    ``pytestmark = pytest.mark.usefixtures("firm_filter_guard")``."""
    guard = FirmFilterGuard()
    guard.install()
    try:
        yield guard
    finally:
        guard.remove()
    assert not guard.violations, "statements on firm data without a firm filter:\n" + guard.report()


@pytest.fixture(autouse=True)
def _firm_filter_everywhere(request: pytest.FixtureRequest) -> None:
    """``TIMELEDGER_TEST_FIRM_FILTER=1`` puts every test under ``firm_filter_guard`` (to
    find the statements a change left without a firm filter, beyond the modules that opt
    in)."""
    if os.environ.get("TIMELEDGER_TEST_FIRM_FILTER") == "1":
        request.getfixturevalue("firm_filter_guard")


@pytest.fixture(scope="session")
def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last. Playwright's sync API keeps an event loop running in the main
    thread for as long as its session fixture lives, so a test after the first browser test
    could not call ``asyncio.run`` (the concurrency tests do). pytest may otherwise move
    them anywhere while grouping session-scoped parameters."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.support import FrozenClock
from tests.webhooks.receiver import Receiver
from timeledger.app import create_app
from timeledger.config import Settings
from timeledger.webhooks.dispatcher import Dispatcher


@pytest.fixture
def wh_settings(settings: Settings) -> Settings:
    """The suite's settings with 127.0.0.1 allow-listed, one delivery at a time (the
    test's session is one connection) and short timeouts."""
    return settings.model_copy(
        update={
            "webhook_allow_hosts": "127.0.0.1",
            "webhook_concurrency": 1,
            "webhook_timeout_seconds": 2.0,
            "webhook_lease_seconds": 10.0,
        }
    )


@pytest.fixture
def app(
    wh_settings: Settings, session_factory: sessionmaker[Session], clock: FrozenClock
) -> FastAPI:
    return create_app(wh_settings, session_factory=session_factory, clock=clock)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def send_clock() -> FrozenClock:
    """The dispatcher's clock: now, so that ``standardwebhooks`` (which checks the
    timestamp against the real clock) accepts the signatures."""
    return FrozenClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def dispatcher(
    session_factory: sessionmaker[Session], wh_settings: Settings, send_clock: FrozenClock
) -> Iterator[Dispatcher]:
    dispatcher = Dispatcher(session_factory, wh_settings, send_clock)
    yield dispatcher
    dispatcher.close()

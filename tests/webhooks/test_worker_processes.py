"""Real ``timeledger worker`` processes against a committed database of the suite's kind:
a worker SIGKILLed mid-delivery loses nothing (the delivery is sent again with the same
webhook-id), and two workers never send one delivery twice."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.engine import make_url

from tests.factories import FirmWorld, make_world
from tests.reliability.live import _command
from tests.webhooks.receiver import Behaviour, Receiver
from timeledger import migrations
from timeledger.auth.service import authenticate
from timeledger.config import Settings
from timeledger.db import build_engine, build_session_factory, is_sqlite, unit_of_work
from timeledger.models import DeliveryStatus, WebhookDelivery
from timeledger.time_entries import service as time_entries
from timeledger.time_entries.schemas import TimeEntryCreate
from timeledger.webhooks import service as webhooks
from timeledger.webhooks.schemas import WebhookSubscriptionCreate
from timeledger.webhooks.ssrf import AllowList

pytestmark = pytest.mark.slow


@pytest.fixture
def worker_database(database_url: str, settings: Settings, tmp_path: Path) -> Iterator[str]:
    """A migrated database for this test alone: a temp SQLite file, or a PostgreSQL
    database ``<test database>_wh_workers``, dropped afterwards."""
    if is_sqlite(database_url):
        url = f"sqlite:///{tmp_path / 'workers.db'}"
        migrations.upgrade(url)
        yield url
        return
    name = f"{make_url(database_url).database}_wh_workers"
    admin = build_engine(settings, database_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    migrations.upgrade(url)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def worker_engine(worker_database: str, settings: Settings) -> Iterator[Engine]:
    engine = build_engine(settings, worker_database)
    yield engine
    engine.dispose()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.close()


def _seed(engine: Engine, url: str, entries: int) -> FirmWorld:
    """A firm subscribed to everything at ``url``, and ``entries`` time entries, committed."""
    factory = build_session_factory(engine)
    now = datetime.now(UTC).replace(microsecond=0)
    with unit_of_work(factory) as session:
        world = make_world(session, now=now)
    with unit_of_work(factory) as session:
        actor = authenticate(session, bearer=world.owner.token, account_header=None, now=now)
        webhooks.create_subscription(
            session,
            actor=actor,
            data=WebhookSubscriptionCreate(url=url, events=["*"]),
            allow=AllowList.parse("127.0.0.1"),
            now=now,
        )
        for n in range(entries):
            data = TimeEntryCreate.model_validate(
                {
                    "trackable_type": "client",
                    "trackable_uuid": str(world.client.uuid),
                    "name": f"entry {n}",
                    "total_time_in_minutes": 1 + n % 60,
                }
            )
            time_entries.create_time_entry(
                session, actor=actor, data=data, now=now, clock_skew=timedelta(0)
            )
    return world


def _worker(database_url: str, log: Path, **settings: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TIMELEDGER_DATABASE_URL": database_url,
        "TIMELEDGER_WEBHOOK_ALLOW_HOSTS": "127.0.0.1",
        "TIMELEDGER_WEBHOOK_POLL_SECONDS": "0.2",
        "TIMELEDGER_LOG_LEVEL": "WARNING",
        **settings,
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [*_command(), "worker"], env=env, stdout=out, stderr=subprocess.STDOUT
        )


def _rows(engine: Engine) -> list[WebhookDelivery]:
    with build_session_factory(engine)() as session:
        return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def _wait(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


def test_sigkill_mid_delivery_sends_again_with_the_same_id(
    worker_database: str, worker_engine: Engine, receiver: Receiver, tmp_path: Path
) -> None:
    _seed(worker_engine, receiver.url, entries=1)
    receiver.behaviour = Behaviour(delay=30.0)  # the first attempt hangs...
    lease = {"TIMELEDGER_WEBHOOK_TIMEOUT_SECONDS": "5", "TIMELEDGER_WEBHOOK_LEASE_SECONDS": "6"}
    first = _worker(worker_database, tmp_path / "worker.log", **lease)
    try:
        receiver.wait_for(1, timeout=60)
        assert len(receiver.requests) == 1
        assert [r.status for r in _rows(worker_engine)] == [DeliveryStatus.DELIVERING]
    finally:
        first.send_signal(signal.SIGKILL)  # ...and its worker dies in the middle of it
        first.wait(timeout=30)
    receiver.behaviour = Behaviour(status=200)
    second = _worker(worker_database, tmp_path / "worker.log", **lease)
    try:
        _wait(lambda: [r.status for r in _rows(worker_engine)] == [DeliveryStatus.SUCCEEDED])
    finally:
        second.terminate()
        second.wait(timeout=30)
    before, after = receiver.requests
    assert before.headers["webhook-id"] == after.headers["webhook-id"]
    assert before.body == after.body
    (row,) = _rows(worker_engine)
    assert row.attempts == 2


def test_two_workers_never_send_one_delivery_twice(
    worker_database: str, worker_engine: Engine, receiver: Receiver, tmp_path: Path
) -> None:
    entries = 150
    _seed(worker_engine, receiver.url, entries=entries)
    workers = [_worker(worker_database, tmp_path / f"worker{n}.log") for n in range(2)]
    try:
        _wait(
            lambda: all(r.status == DeliveryStatus.SUCCEEDED for r in _rows(worker_engine)),
            timeout=120,
        )
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
    sent = collections.Counter(r.headers["webhook-id"] for r in receiver.requests)
    assert len(sent) == entries
    assert set(sent.values()) == {1}
    assert {r.attempts for r in _rows(worker_engine)} == {1}

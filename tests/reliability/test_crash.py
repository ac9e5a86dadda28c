"""SIGKILL a real server under a writing load, 10 times: every entry answered 200 is
there afterwards, intact, and every idempotent retry made exactly one entry."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url

from tests.factories import FirmWorld
from tests.reliability.live import LiveServer, committed_world
from timeledger import migrations
from timeledger.config import Settings
from timeledger.db import build_engine, build_session_factory, is_sqlite, unit_of_work
from timeledger.models import TimeEntry

pytestmark = pytest.mark.slow

URL = "/api/v1/time-entry"
KILLS = 10
WRITERS = 3


@pytest.fixture
def crash_database(database_url: str, settings: Settings, tmp_path: Path) -> Iterator[str]:
    """A database of the suite's kind for this test alone: a temp SQLite file, or a
    dedicated PostgreSQL database ``<test database>_crash``, dropped afterwards."""
    if is_sqlite(database_url):
        yield f"sqlite:///{tmp_path / 'crash.db'}"
        return
    url = make_url(database_url)
    name = f"{url.database}_crash"
    admin = build_engine(settings, database_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Ledger:
    """What the clients were told, written by the writer threads."""

    acknowledged: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Idempotency key -> the body sent with it, for every key sent at least once.
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Idempotency key -> the status of its last retry, after the last restart.
    settled: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    counter: int = 0

    def next(self) -> int:
        with self.lock:
            self.counter += 1
            return self.counter


def _body(world: FirmWorld, n: int, kind: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "trackable_type": "client",
        "trackable_uuid": str(world.client.uuid),
        "name": f"entry {n}",
        "description": f"written by the crash test, number {n} — ✓",
    }
    if kind == 0:
        body["total_time_in_minutes"] = 1 + n % 120
    elif kind == 1:
        body["start_date"] = f"2025-0{1 + n % 9}-1{n % 10}T09:{n % 60:02d}:00+00:00"
        body["end_date"] = f"2025-0{1 + n % 9}-1{n % 10}T17:{n % 60:02d}:00+00:00"
    return body  # kind 2: a timer, running from now


def _write(server: LiveServer, world: FirmWorld, ledger: Ledger, stop: threading.Event) -> None:
    with httpx.Client(base_url=server.url, timeout=10.0) as client:
        while not stop.is_set():
            n = ledger.next()
            body = _body(world, n, n % 3)
            headers = world.owner.headers()
            if n % 2 == 0:
                headers["Idempotency-Key"] = f"crash-{n}"
                with ledger.lock:
                    ledger.keys[f"crash-{n}"] = body
            try:
                response = client.post(URL, json=body, headers=headers)
            except httpx.TransportError:
                continue  # killed mid-request: not acknowledged
            if response.status_code == 200:
                with ledger.lock:
                    ledger.acknowledged[response.json()["uuid"]] = response.json()


def _load_then_kill(
    server: LiveServer, world: FirmWorld, ledger: Ledger, rng: random.Random
) -> None:
    server.start()
    stop = threading.Event()
    writers = [
        threading.Thread(target=_write, args=(server, world, ledger, stop)) for _ in range(WRITERS)
    ]
    for writer in writers:
        writer.start()
    time.sleep(rng.uniform(0.3, 1.2))  # a random moment of the load
    server.kill()
    stop.set()
    for writer in writers:
        writer.join(timeout=30)


def _retry_every_key(server: LiveServer, world: FirmWorld, ledger: Ledger) -> None:
    """After the last restart, retry each key once: it replays or does the write now."""
    with httpx.Client(base_url=server.url, timeout=30.0) as client:
        for key, body in ledger.keys.items():
            response = client.post(
                URL, json=body, headers={**world.owner.headers(), "Idempotency-Key": key}
            )
            # 422: the write itself is refused (a timer started in the same second as
            # the running one); such a key is never stored, and made no entry.
            assert response.status_code in {200, 422}, response.text
            ledger.settled[key] = response.status_code
            if response.status_code == 200:
                ledger.acknowledged.setdefault(response.json()["uuid"], response.json())


def _same_instant(shown: str | None, stored: datetime | None) -> bool:
    if shown is None or stored is None:
        return shown is None and stored is None
    return datetime.fromisoformat(shown) == stored


def _check(engine: Engine, ledger: Ledger) -> None:
    with unit_of_work(build_session_factory(engine)) as session:
        stored = {str(e.uuid): e for e in session.scalars(select(TimeEntry))}
        for uuid, shown in ledger.acknowledged.items():
            entry = stored.get(uuid)
            assert entry is not None, f"entry {uuid} was answered 200 and is lost"
            assert (entry.name, entry.description) == (shown["name"], shown["description"])
            assert _same_instant(shown["start_date"], entry.started_at)
            if shown["end_date"] is not None:
                assert _same_instant(shown["end_date"], entry.ended_at)
            # A timer answered as running may since have been stopped by a later one.
        for key, body in ledger.keys.items():
            count = session.scalar(
                select(func.count()).select_from(TimeEntry).where(TimeEntry.name == body["name"])
            )
            expected = 1 if ledger.settled[key] == 200 else 0
            assert count == expected, f"key {key} made {count} entries"
        running = session.scalar(
            select(func.count()).select_from(TimeEntry).where(TimeEntry.ended_at.is_(None))
        )
        assert running is not None
        assert running <= 1
        if engine.dialect.name == "sqlite":
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"


def test_entries_answered_200_survive_sigkill_10_times(
    crash_database: str, settings: Settings, tmp_path: Path
) -> None:
    migrations.upgrade(crash_database)
    engine = build_engine(settings, crash_database)
    try:
        world = committed_world(engine)
        server = LiveServer(crash_database, tmp_path / "server.log")
        ledger = Ledger()
        rng = random.Random(5)
        for _ in range(KILLS):
            _load_then_kill(server, world, ledger, rng)
        server.start()
        try:
            _retry_every_key(server, world, ledger)
        finally:
            server.stop()
        assert len(ledger.acknowledged) >= 5 * KILLS, "the load wrote too little to prove much"
        _check(engine, ledger)
    finally:
        engine.dispose()

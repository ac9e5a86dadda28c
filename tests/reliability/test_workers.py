"""``timeledger serve --workers N`` (issue 15): on PostgreSQL, several processes answer
and share the per-user rate limit through Redis; SQLite and a missing Redis are refused
with one ``Error:`` line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from tests.reliability.live import _command, committed_world, free_port
from timeledger.cli.serve import workers_refusal
from timeledger.config import Settings

REDIS_URL = os.environ.get("TIMELEDGER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LIMIT = 10
# Spawned workers import everything afresh; on a busy machine that takes a while.
START_SECONDS = 180.0


def test_sqlite_stays_one_writer_process() -> None:
    settings = Settings(database_url="sqlite:///x.db", redis_url=REDIS_URL)
    refusal = workers_refusal(settings, 2)
    assert refusal is not None
    assert "SQLite allows one writer process" in refusal
    assert workers_refusal(settings, 1) is None


def test_several_workers_need_redis() -> None:
    settings = Settings(database_url="postgresql+psycopg://u@h/d", redis_url=None)
    refusal = workers_refusal(settings, 2)
    assert refusal is not None
    assert "TIMELEDGER_REDIS_URL" in refusal
    with_redis = Settings(database_url="postgresql+psycopg://u@h/d", redis_url=REDIS_URL)
    assert workers_refusal(with_redis, 2) is None


def test_the_cli_refuses_sqlite_workers_in_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "TIMELEDGER_DATABASE_URL": f"sqlite:///{tmp_path / 'one.db'}"}
    done = subprocess.run(
        [*_command(), "serve", "--workers", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "Error: SQLite allows one writer process: serve it with --workers 1 (the default), "
        "or use PostgreSQL for several workers."
    ]


class Workers:
    def __init__(self, database_url: str, log: Path) -> None:
        self.port = free_port()
        self.log = log
        env = {
            **os.environ,
            "TIMELEDGER_DATABASE_URL": database_url,
            "TIMELEDGER_REDIS_URL": REDIS_URL,
            # Counters of this run only, whoever else uses the Redis.
            "TIMELEDGER_REDIS_KEY_PREFIX": f"test-workers-{uuid.uuid4().hex}",
            "TIMELEDGER_RATE_LIMIT_PER_MINUTE": str(LIMIT),
            "TIMELEDGER_LOG_FORMAT": "json",
        }
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [*_command(), "serve", "--workers", "2", "--no-worker", "--port", str(self.port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_for_two(self) -> None:
        """Until two worker processes have answered (the parent only supervises)."""
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(lambda _: self._get("/healthz"), range(16)))
            if len(self.pids("/healthz")) >= 2:
                return
            time.sleep(0.5)
        raise AssertionError("two workers did not answer:\n" + self.log.read_text()[-3000:])

    def _get(self, path: str, headers: dict[str, str] | None = None) -> int | None:
        try:
            # A new connection each time, so the kernel hands it to either worker.
            with httpx.Client(timeout=30) as client:
                return client.get(self.url + path, headers=headers).status_code
        except httpx.TransportError:
            return None

    def pids(self, path: str) -> set[int]:
        found = set()
        for line in self.log.read_text().splitlines():
            if line.startswith("{") and '"logger": "timeledger.access"' in line:
                entry = json.loads(line)
                if entry.get("path") == path:
                    found.add(entry["pid"])
        return found

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)


@pytest.fixture
def workers(database_url: str, committed_engine: Engine, tmp_path: Path) -> Iterator[Workers]:
    if not database_url.startswith("postgresql"):
        pytest.skip("several workers are for PostgreSQL (SQLite is refused, tested above)")
    started = Workers(database_url, tmp_path / "workers.log")
    try:
        started.wait_for_two()
        yield started
    finally:
        started.stop()


@pytest.mark.slow
def test_two_workers_answer_and_share_the_rate_limit(
    workers: Workers, committed_engine: Engine
) -> None:
    world = committed_world(committed_engine, name="Two Workers Planning")
    path = "/api/v1/time-entry"
    headers = world.owner.headers()
    statuses: list[int | None] = []
    # Enough requests, from both workers, to pass the limit twice over.
    while len(statuses) < 6 * LIMIT and (len(statuses) < 3 * LIMIT or len(workers.pids(path)) < 2):
        with ThreadPoolExecutor(8) as pool:
            statuses += pool.map(lambda _: workers._get(path, headers), range(LIMIT))
    assert len(workers.pids(path)) == 2, "one worker answered every request"
    # One count for both processes: exactly LIMIT answered, the rest refused.
    assert statuses.count(200) == LIMIT
    assert statuses.count(429) == len(statuses) - LIMIT

"""Many requests at once against a real server: one running timer per account, and one
entry per idempotency key, however the requests interleave."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.factories import FirmWorld, make_staff
from tests.reliability.live import LiveServer, committed_world
from timeledger.db import build_session_factory, unit_of_work
from timeledger.models import TimeEntry

URL = "/api/v1/time-entry"
AT_ONCE = 50


def _all_at_once(server: LiveServer, requests: list[tuple[dict[str, str], Any]]) -> list[Any]:
    """POST every (headers, body) from its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(requests))
    limits = httpx.Limits(max_connections=len(requests), max_keepalive_connections=0)
    with httpx.Client(base_url=server.url, timeout=60.0, limits=limits) as client:

        def one(request: tuple[dict[str, str], Any]) -> httpx.Response:
            barrier.wait()
            return client.post(URL, json=request[1], headers=request[0])

        with ThreadPoolExecutor(max_workers=len(requests)) as pool:
            return list(pool.map(one, requests))


def _running(session: Session, account_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(TimeEntry)
            .where(TimeEntry.account_id == account_id, TimeEntry.ended_at.is_(None))
        )
        or 0
    )


def test_50_simultaneous_timer_starts_leave_one_running_entry_20_times_over(
    live_server: LiveServer, committed_engine: Engine
) -> None:
    world = committed_world(committed_engine)
    factory = build_session_factory(committed_engine)
    body = {"trackable_type": "client", "trackable_uuid": str(world.client.uuid), "name": "Timer"}
    started = 0
    for _ in range(20):
        with unit_of_work(factory) as session:
            staff = make_staff(session, world.firm, now=world.firm.created_at)
        answers = _all_at_once(live_server, [(staff.headers(), body)] * AT_ONCE)
        statuses = {response.status_code for response in answers}
        assert statuses <= {200, 409, 422}, [r.text for r in answers if r.status_code >= 500]
        ok = [response.json()["uuid"] for response in answers if response.status_code == 200]
        assert ok, "at least one start wins"
        started += len(ok)
        with unit_of_work(factory) as session:
            assert _running(session, staff.account.id) == 1
            stored = session.scalars(
                select(TimeEntry.uuid).where(TimeEntry.account_id == staff.account.id)
            ).all()
            assert {str(u) for u in stored} == set(ok), "every 200 is stored, nothing else"
    assert started >= 20


def _idempotent_round(server: LiveServer, world: FirmWorld, engine: Engine) -> None:
    key = str(uuid.uuid4())
    name = f"Imported entry {key}"
    body = {
        "trackable_type": "client",
        "trackable_uuid": str(world.client.uuid),
        "name": name,
        "total_time_in_minutes": 30,
    }
    headers = {**world.owner.headers(), "Idempotency-Key": key}
    answers = _all_at_once(server, [(headers, body)] * AT_ONCE)
    assert [r.status_code for r in answers] == [200] * AT_ONCE, {r.text for r in answers}
    assert len({r.json()["uuid"] for r in answers}) == 1
    assert len({r.content for r in answers}) == 1, "every retry sees the first response"
    replayed = [r for r in answers if r.headers.get("Idempotent-Replayed") == "true"]
    assert len(replayed) == AT_ONCE - 1
    with unit_of_work(build_session_factory(engine)) as session:
        count = session.scalar(
            select(func.count()).select_from(TimeEntry).where(TimeEntry.name == name)
        )
    assert count == 1


def test_50_simultaneous_retries_of_one_idempotent_post_create_one_entry(
    live_server: LiveServer, committed_engine: Engine
) -> None:
    world = committed_world(committed_engine)
    for _ in range(5):
        _idempotent_round(live_server, world, committed_engine)

"""One running timer per account: a new timer stops the old one, even under concurrency."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any
from uuid import UUID

import httpx
from sqlalchemy import Engine, func, select

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, make_staff, make_world
from tests.support import FrozenClock
from timeledger.app import create_app
from timeledger.config import Settings
from timeledger.db import build_session_factory, unit_of_work
from timeledger.models import TimeEntry, TimeEntryEvent
from timeledger.time_entries import repository

URL = "/api/v1/time-entry"


def start(client: Any, world: FirmWorld, **fields: Any) -> Any:
    sent = {
        "trackable_type": "client",
        "trackable_uuid": str(world.client.uuid),
        "name": "Timer",
        **fields,
    }
    return client.post(URL, json=sent, headers=world.owner.headers())


def running_count(session: Any, world: FirmWorld) -> int:
    return session.scalar(
        select(func.count())
        .select_from(TimeEntry)
        .where(TimeEntry.account_id == world.owner.account.id, TimeEntry.ended_at.is_(None))
    )


class TestStartingATimer:
    def test_a_new_timer_stops_the_running_one_at_its_start(
        self, client, world, session, clock: FrozenClock
    ):
        first = start(client, world, start_date="2025-08-07T13:00:00+01:00").json()
        second = start(client, world, start_date="2025-08-07T13:30:00+01:00").json()
        assert second["is_active"] is True
        stopped = session.scalars(
            select(TimeEntry).where(TimeEntry.uuid == UUID(first["uuid"]))
        ).one()
        assert stopped.ended_at is not None
        assert stopped.ended_at.isoformat() == "2025-08-07T12:30:00+00:00"
        assert running_count(session, world) == 1

    def test_a_start_before_the_running_ones_start_is_refused(self, client, world, session):
        start(client, world, start_date="2025-08-07T13:00:00+01:00")
        response = start(client, world, start_date="2025-08-07T12:00:00+01:00")
        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["start_date"]
        assert "2025-08-07T13:00:00+01:00" in response.json()["errors"]["start_date"][0]
        assert running_count(session, world) == 1

    def test_a_finished_entry_leaves_the_timer_running(self, client, world, session):
        start(client, world)
        finished = start(client, world, total_time_in_minutes=20)
        assert finished.json()["is_active"] is False
        assert running_count(session, world) == 1

    def test_timers_of_different_accounts_are_independent(self, client, world, session, clock):
        colleague = make_staff(session, world.firm, now=clock.now())
        start(client, world)
        response = client.post(
            URL,
            headers=colleague.headers(),
            json={
                "trackable_type": "firm",
                "trackable_uuid": str(world.firm.uuid),
                "name": "Timer",
            },
        )
        assert response.status_code == 200
        assert running_count(session, world) == 1


class TestTheDatabaseRefusesASecondRunningTimer:
    """The race the account lock cannot see (another request's timer committed between
    the check and the write), made certain by hiding the running entry from the check:
    the write itself is refused by the one-running-entry index, a 409, nothing kept."""

    def _hide_running(self, monkeypatch: Any) -> None:
        monkeypatch.setattr(repository, "running_entry", lambda *_a, **_k: None)

    def _events(self, session: Any) -> int:
        return session.scalar(select(func.count()).select_from(TimeEntryEvent))

    def test_a_second_timer_is_409_and_writes_nothing(self, client, world, session, monkeypatch):
        first = start(client, world, start_date=(FROZEN_NOW - timedelta(hours=2)).isoformat())
        assert first.status_code == 200
        events = self._events(session)
        self._hide_running(monkeypatch)

        second = start(client, world, start_date=(FROZEN_NOW - timedelta(hours=1)).isoformat())

        assert second.status_code == 409, second.text
        assert "started for this account at the same moment" in second.json()["message"]
        assert running_count(session, world) == 1
        assert self._events(session) == events
        shown = client.get(f"{URL}/{first.json()['uuid']}", headers=world.owner.headers())
        assert shown.json()["is_active"] is True

    def test_reopening_an_entry_is_409_and_changes_nothing(
        self, client, world, session, monkeypatch
    ):
        done = start(
            client,
            world,
            start_date=(FROZEN_NOW - timedelta(hours=4)).isoformat(),
            end_date=(FROZEN_NOW - timedelta(hours=3)).isoformat(),
        ).json()
        assert start(client, world, start_date=(FROZEN_NOW - timedelta(hours=1)).isoformat())
        events = self._events(session)
        self._hide_running(monkeypatch)

        reopened = client.patch(
            f"{URL}/{done['uuid']}",
            json={"end_date": None, "name": "Reopened"},
            headers=world.owner.headers(),
        )

        assert reopened.status_code == 409, reopened.text
        assert running_count(session, world) == 1
        assert self._events(session) == events
        shown = client.get(f"{URL}/{done['uuid']}", headers=world.owner.headers()).json()
        assert (shown["name"], shown["end_date"]) == (done["name"], done["end_date"])


def test_concurrent_starts_leave_exactly_one_running_entry(
    committed_engine: Engine, settings: Settings
):
    """Twenty timers started at once for one account, each valid on its own."""
    factory = build_session_factory(committed_engine)
    with unit_of_work(factory) as session:
        world = make_world(session, now=FROZEN_NOW, name="Race Conditions Ltd")
    app = create_app(settings, session_factory=factory, clock=FrozenClock(FROZEN_NOW))

    async def race() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return list(
                await asyncio.gather(
                    *(
                        client.post(
                            URL,
                            headers=world.owner.headers(),
                            json={
                                "trackable_type": "client",
                                "trackable_uuid": str(world.client.uuid),
                                "name": f"Timer {i}",
                                "start_date": (FROZEN_NOW - timedelta(minutes=60 - i)).isoformat(),
                            },
                        )
                        for i in range(20)
                    )
                )
            )

    responses = asyncio.run(race())
    statuses = [response.status_code for response in responses]
    assert set(statuses) <= {200, 409, 422}, statuses
    assert statuses.count(200) >= 1
    with factory() as session:
        entries = session.scalars(
            select(TimeEntry).where(TimeEntry.account_id == world.owner.account.id)
        ).all()
        assert sum(entry.ended_at is None for entry in entries) == 1
        # Every 200 is an entry, and nothing else was half-written.
        assert len(entries) == statuses.count(200)

"""Properties of the interval rules, checked over HTTP against a reference model.

For any sequence of creates (finished entries and timers, dates given any way the API
allows), stops, changes of the end or the total (PATCH), reopenings (``end_date: null``)
and deletes: the answer is what the model predicts; minutes and seconds always agree with
the dates; no running entry has an end; an account never has more than one running
entry; and every stored interval is the model's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.factories import FirmWorld
from tests.support import FrozenClock
from timeledger.models import TimeEntry

pytestmark = pytest.mark.slow

URL = "/api/v1/time-entry"
SKEW = timedelta(seconds=60)  # the default TIMELEDGER_CLOCK_SKEW_SECONDS
LONGEST = timedelta(days=366)


@dataclass(frozen=True)
class Op:
    """One create: each date as seconds from now (None: not sent), and minutes."""

    wait: int
    start: int | None
    end: int | None
    minutes: int | None


offsets = (
    st.none()
    | st.integers(min_value=-10 * 86400, max_value=3 * 3600)
    # Near now, where the clock-skew and same-second rules bite.
    | st.integers(min_value=-120, max_value=120)
    | st.sampled_from([0, 59, 60, 61, -366 * 86400, -366 * 86400 - 1])
)
ops = st.builds(
    Op,
    wait=st.integers(min_value=0, max_value=7200),
    start=offsets,
    end=offsets,
    minutes=st.none() | st.integers(min_value=1, max_value=3000),
)


@dataclass(frozen=True)
class Change:
    """An operation on an existing entry, picked by ``pick`` modulo the live entries."""

    kind: str  # stop, end, total, reopen, delete
    wait: int
    pick: int
    offset: int  # stop and end: seconds from now
    minutes: int


changes = st.builds(
    Change,
    kind=st.sampled_from(["stop", "end", "total", "reopen", "delete"]),
    wait=st.integers(min_value=0, max_value=7200),
    pick=st.integers(min_value=0, max_value=10),
    offset=st.integers(min_value=-2 * 86400, max_value=0) | st.sampled_from([0, -1, -60]),
    minutes=st.integers(min_value=1, max_value=3000),
)


@dataclass
class Model:
    """The reference: the rules of docs/api.md, written as plainly as possible."""

    running_start: datetime | None = None

    def create(self, op: Op, now: datetime) -> tuple[str, datetime, datetime | None]:
        """('ok', start, end) or ('422:<field>', ...)."""
        start = None if op.start is None else now + timedelta(seconds=op.start)
        end = None if op.end is None else now + timedelta(seconds=op.end)
        if start is not None and end is not None:
            if end <= start or end - start > LONGEST:
                return "422:end_date", now, None
            return "ok", start, end
        if op.minutes is not None:
            length = timedelta(minutes=op.minutes)
            if start is not None:
                return "ok", start, start + length
            if end is not None:
                return "ok", end - length, end
            return "ok", now - length, now
        if end is not None:
            return "422:end_date", now, None
        if start is None:
            start = now
        elif start > now + SKEW:
            return "422:start_date", now, None
        start = min(start, now)
        if self.running_start is not None and start <= self.running_start:
            return "422:start_date", now, None
        self.running_start = start
        return "ok", start, None


def _body(world: FirmWorld, op: Op, now: datetime) -> dict[str, Any]:
    body: dict[str, Any] = {
        "trackable_type": "client",
        "trackable_uuid": str(world.client.uuid),
        "name": "Property",
    }
    if op.start is not None:
        body["start_date"] = (now + timedelta(seconds=op.start)).isoformat()
    if op.end is not None:
        body["end_date"] = (now + timedelta(seconds=op.end)).isoformat()
    if op.minutes is not None:
        body["total_time_in_minutes"] = op.minutes
    return body


def _check_entry(shown: dict[str, Any], now: datetime) -> None:
    start = datetime.fromisoformat(shown["start_date"])
    end = None if shown["end_date"] is None else datetime.fromisoformat(shown["end_date"])
    seconds = int(((end or now) - start).total_seconds())
    assert shown["is_active"] is (end is None)
    assert shown["computed_time_elapsed_in_seconds"] == max(0, seconds)
    assert shown["total_time_in_minutes"] == (max(0, seconds) + 30) // 60


def _interval_ok(start: datetime, end: datetime) -> bool:
    return start < end and end - start <= LONGEST


@dataclass
class Ledger:
    """The model's entries: uuid -> [start, end], in creation order."""

    entries: dict[str, list[Any]]
    model: Model

    @property
    def running(self) -> str | None:
        return next((u for u, (_, end) in self.entries.items() if end is None), None)

    def sync(self) -> None:
        running = self.running
        self.model.running_start = None if running is None else self.entries[running][0]

    def apply(self, change: Change, now: datetime) -> tuple[str, str, str, Any] | None:
        """(expected outcome, method, path suffix, body), or None when not applicable."""
        if not self.entries:
            return None
        uuid = list(self.entries)[change.pick % len(self.entries)]
        start, end = self.entries[uuid]
        if change.kind == "delete":
            del self.entries[uuid]
            return "ok", "DELETE", uuid, None
        if change.kind == "stop":
            stop_at = now + timedelta(seconds=change.offset)
            body = {"end_date": stop_at.isoformat()}
            if end is not None or not _interval_ok(start, stop_at):
                return "422:end_date", "POST", f"{uuid}/stop", body
            self.entries[uuid][1] = stop_at
            return "ok", "POST", f"{uuid}/stop", body
        if change.kind == "end":
            new_end = now + timedelta(seconds=change.offset)
            if not _interval_ok(start, new_end):
                return "422:end_date", "PATCH", uuid, {"end_date": new_end.isoformat()}
            self.entries[uuid][1] = new_end
            return "ok", "PATCH", uuid, {"end_date": new_end.isoformat()}
        if change.kind == "total":
            self.entries[uuid][1] = start + timedelta(minutes=change.minutes)
            return "ok", "PATCH", uuid, {"total_time_in_minutes": change.minutes}
        return self._reopen(uuid, start, end, now)

    def _reopen(
        self, uuid: str, start: datetime, end: datetime | None, now: datetime
    ) -> tuple[str, str, str, Any] | None:
        if end is None or start > now:
            return None  # already running, or would run from the future
        other = self.running
        if other is not None:
            if self.entries[other][0] >= start:
                return "422:end_date", "PATCH", uuid, {"end_date": None}
            self.entries[other][1] = start
        self.entries[uuid][1] = None
        return "ok", "PATCH", uuid, {"end_date": None}


def _stored(session: Session, account_id: int) -> dict[str, list[Any]]:
    rows = session.scalars(
        select(TimeEntry).where(TimeEntry.account_id == account_id, TimeEntry.deleted_at.is_(None))
    ).all()
    return {str(row.uuid): [row.started_at, row.ended_at] for row in rows}


def _expect(response: Any, outcome: str, now: datetime) -> dict[str, Any] | None:
    if outcome == "ok":
        assert response.status_code == 200, response.text
        shown: dict[str, Any] = response.json()
        _check_entry(shown, now)
        return shown
    assert response.status_code == 422, response.text
    assert list(response.json()["errors"]) == [outcome.removeprefix("422:")]
    return None


@given(sequence=st.lists(ops | changes, min_size=1, max_size=8))
@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_changes_follow_the_reference_model(
    client: TestClient,
    world: FirmWorld,
    session: Session,
    clock: FrozenClock,
    sequence: list[Op | Change],
) -> None:
    staff = world.owner
    # Each example starts from an empty ledger: earlier entries are marked deleted (the
    # test's transaction is rolled back afterwards).
    session.execute(
        update(TimeEntry)
        .where(TimeEntry.account_id == staff.account.id)
        .values(deleted_at=clock.now())
    )
    ledger = Ledger(entries={}, model=Model())
    for step in sequence:
        clock.advance(seconds=step.wait)
        now = clock.now()
        if isinstance(step, Op):
            outcome, start, end = ledger.model.create(step, now)
            if outcome == "ok" and end is None and ledger.running is not None:
                ledger.entries[ledger.running][1] = start  # the new timer stops it
            response = client.post(URL, json=_body(world, step, now), headers=staff.headers())
            shown = _expect(response, outcome, now)
            if shown is not None:
                ledger.entries[shown["uuid"]] = [start, end]
        else:
            planned = ledger.apply(step, now)
            if planned is None:
                continue
            outcome, method, suffix, body = planned
            response = client.request(method, f"{URL}/{suffix}", json=body, headers=staff.headers())
            _expect(response, outcome, now)
        ledger.sync()
        stored = _stored(session, staff.account.id)
        assert stored == ledger.entries
        assert sum(1 for _, end in stored.values() if end is None) <= 1

"""Properties of the interval rules, checked over HTTP against a reference model.

For any sequence of creates (finished entries and timers, dates given any way the API
allows): the answer is what the model predicts; minutes and seconds always agree with the
dates; no running entry has an end; an account never has more than one running entry.
Update and stop are not on this branch yet; add them to ``Op`` when they land.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tests.factories import FirmWorld
from tests.support import FrozenClock
from timeledger.models import TimeEntry

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


@given(sequence=st.lists(ops, min_size=1, max_size=6))
@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_creates_follow_the_reference_model(
    client: TestClient, world: FirmWorld, session: Session, clock: FrozenClock, sequence: list[Op]
) -> None:
    staff = world.owner
    # Each example starts from an empty ledger (the test's transaction is rolled back after).
    session.execute(delete(TimeEntry).where(TimeEntry.account_id == staff.account.id))
    model = Model()
    for op in sequence:
        clock.advance(seconds=op.wait)
        now = clock.now()
        outcome, start, end = model.create(op, now)
        response = client.post(URL, json=_body(world, op, now), headers=staff.headers())
        if outcome == "ok":
            assert response.status_code == 200, response.text
            shown = response.json()
            assert datetime.fromisoformat(shown["start_date"]) == start
            assert (shown["end_date"] and datetime.fromisoformat(shown["end_date"])) == end
            _check_entry(shown, now)
        else:
            assert response.status_code == 422, response.text
            assert list(response.json()["errors"]) == [outcome.removeprefix("422:")]
        running = session.scalars(
            select(TimeEntry).where(
                TimeEntry.account_id == staff.account.id, TimeEntry.ended_at.is_(None)
            )
        ).all()
        assert len(running) == (0 if model.running_start is None else 1)
        if running:
            assert running[0].started_at == model.running_start
        total = session.scalar(
            select(func.count())
            .select_from(TimeEntry)
            .where(
                TimeEntry.account_id == staff.account.id, TimeEntry.ended_at < TimeEntry.started_at
            )
        )
        assert total == 0, "no entry ends before it starts"

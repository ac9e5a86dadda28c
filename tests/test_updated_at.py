"""``updated_at`` comes from the injected clock on every write path, never from the
machine's clock: under a frozen clock (2025, far from the machine's date) each change
stamps the frozen time, in the answer and in the database."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld
from tests.support import FrozenClock
from timeledger.dates import format_api_datetime
from timeledger.models import (
    Account,
    BoardTask,
    Case,
    Circle,
    Firm,
    PersonalAccessToken,
    Task,
    TimeEntry,
)

ENTRIES = "/api/v1/time-entry"


def _shown(instant: datetime) -> str:
    return format_api_datetime(instant, "Europe/London")


def _start_timer(client: TestClient, world: FirmWorld) -> dict[str, Any]:
    response = client.post(
        ENTRIES,
        json={"trackable_type": "client", "trackable_uuid": str(world.client.uuid), "name": "A"},
        headers=world.owner.headers(),
    )
    assert response.status_code == 200
    return dict(response.json())


def _stored(session: Session, entry_uuid: str) -> datetime:
    session.expire_all()
    entry = session.scalars(select(TimeEntry).where(TimeEntry.uuid == uuid.UUID(entry_uuid)))
    return entry.one().updated_at


@pytest.mark.parametrize("minutes_later", [0, 7])
def test_a_patch_under_a_frozen_clock_stamps_the_frozen_time(
    client: TestClient,
    world: FirmWorld,
    session: Session,
    clock: FrozenClock,
    minutes_later: int,
) -> None:
    """With no time passed the new stamp equals the old one: an automatic "on update"
    default used to step in there and write the machine's clock."""
    entry = _start_timer(client, world)
    clock.advance(minutes=minutes_later)
    response = client.patch(
        f"{ENTRIES}/{entry['uuid']}", json={"name": "Renamed"}, headers=world.owner.headers()
    )
    assert response.status_code == 200
    assert response.json()["updated_at"] == _shown(clock.now())
    assert _stored(session, entry["uuid"]) == clock.now()
    assert entry["created_at"] == _shown(FROZEN_NOW)


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("PUT", "", {"trackable_type": "client", "name": "Put"}),
        ("POST", "/stop", None),
        ("DELETE", "", None),
    ],
)
def test_every_entry_write_stamps_the_clock(
    client: TestClient,
    world: FirmWorld,
    session: Session,
    clock: FrozenClock,
    method: str,
    suffix: str,
    body: dict[str, Any] | None,
) -> None:
    entry = _start_timer(client, world)
    clock.advance(minutes=9)
    if body is not None:
        body = {**body, "trackable_uuid": str(world.client.uuid)}
    response = client.request(
        method, f"{ENTRIES}/{entry['uuid']}{suffix}", json=body, headers=world.owner.headers()
    )
    assert response.status_code == 200, response.text
    assert response.json()["updated_at"] == _shown(clock.now())
    assert _stored(session, entry["uuid"]) == clock.now()


def test_a_timer_stopped_by_the_next_one_is_stamped_with_the_clock(
    client: TestClient, world: FirmWorld, session: Session, clock: FrozenClock
) -> None:
    first = _start_timer(client, world)
    clock.advance(minutes=11)
    _start_timer(client, world)
    assert _stored(session, first["uuid"]) == clock.now()


RECORD_CHANGES = [
    ("PUT", "/api/v1/account/{client}", {"first_name": "Gary"}, Account, "client"),
    ("DELETE", "/api/v1/account/{client}", None, Account, "client"),
    ("PUT", "/api/v1/cases/{case}", {"name": "Renamed case"}, Case, "case"),
    ("DELETE", "/api/v1/cases/{case}", None, Case, "case"),
    ("PUT", "/api/v1/circles/{circle}", {"name": "Renamed circle"}, Circle, "circle"),
    ("DELETE", "/api/v1/circles/{circle}", None, Circle, "circle"),
    ("PUT", "/api/v1/task/{task}", {"name": "Renamed task"}, Task, "task"),
    ("DELETE", "/api/v1/task/{task}", None, Task, "task"),
    ("PUT", "/api/v1/board-task/{board_task}", {"name": "Renamed card"}, BoardTask, "board_task"),
    ("DELETE", "/api/v1/board-task/{board_task}", None, BoardTask, "board_task"),
    ("PUT", "/api/v1/firm/{firm}", {"name": "Renamed firm"}, Firm, "firm"),
]


@pytest.mark.parametrize(("method", "path", "body", "model", "record"), RECORD_CHANGES)
def test_every_record_change_stamps_the_clock(
    client: TestClient,
    world: FirmWorld,
    session: Session,
    clock: FrozenClock,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    model: type[Account | Case | Circle | Task | BoardTask | Firm],
    record: str,
) -> None:
    target = getattr(world, record)
    clock.advance(minutes=13)
    url = path.format(**{record: target.uuid})
    response = client.request(method, url, json=body, headers=world.owner.headers())
    assert response.status_code == 200, response.text
    session.expire_all()
    key = target.id if model is Firm else (target.firm_id, target.id)
    assert session.get(model, key).updated_at == clock.now()  # type: ignore[union-attr]


def test_revoking_and_using_a_token_stamp_the_clock(
    client: TestClient, world: FirmWorld, session: Session, clock: FrozenClock
) -> None:
    token = session.scalars(
        select(PersonalAccessToken).where(PersonalAccessToken.user_id == world.owner.user.id)
    ).one()
    clock.advance(minutes=17)
    assert client.get("/api/v1/me", headers=world.owner.headers()).status_code == 200
    session.expire_all()
    assert (token.last_used_at, token.updated_at) == (clock.now(), clock.now())
    clock.advance(minutes=1)
    revoked = client.delete(
        f"/api/v1/personal-access-tokens/{token.uuid}", headers=world.owner.headers()
    )
    assert revoked.status_code == 200
    session.expire_all()
    assert (token.revoked_at, token.updated_at) == (clock.now(), clock.now())

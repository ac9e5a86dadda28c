"""Lists load their relations in a fixed number of queries, however many rows they show."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, make_client
from timeledger.board_tasks.service import create_board_task
from timeledger.cases.service import create_case
from timeledger.circles.service import create_circle
from timeledger.tasks.service import create_task

LISTS = [
    "/api/v1/account",
    "/api/v1/client",
    "/api/v1/cases",
    "/api/v1/circles",
    "/api/v1/task",
    "/api/v1/board-task",
    "/api/v1/personal-access-tokens",
]


class Counter:
    def __init__(self) -> None:
        self.statements = 0

    def __call__(self, *_args: Any) -> None:
        self.statements += 1


@pytest.fixture
def counter(engine: Engine) -> Iterator[Counter]:
    counting = Counter()
    event.listen(engine, "before_cursor_execute", counting)
    yield counting
    event.remove(engine, "before_cursor_execute", counting)


def more_records(session: Session, world: FirmWorld) -> None:
    for n in range(4):
        person = make_client(session, world.firm, now=FROZEN_NOW, first=f"Extra{n}")
        case = create_case(
            session, firm=world.firm, name=f"Case {n}", participants=[person], now=FROZEN_NOW
        )
        create_circle(
            session,
            firm=world.firm,
            name=f"Circle {n}",
            members=[person, world.client],
            now=FROZEN_NOW,
        )
        create_task(session, firm=world.firm, name=f"Task {n}", on=case, now=FROZEN_NOW)
        create_board_task(session, firm=world.firm, case=case, name=f"Card {n}", now=FROZEN_NOW)
    session.flush()


@pytest.mark.parametrize("url", LISTS)
def test_a_longer_list_costs_no_more_queries(
    client: TestClient, session: Session, world: FirmWorld, counter: Counter, url: str
) -> None:
    headers = world.owner.headers()
    session.flush()
    # Long enough that a slow machine never sees the warm request's entry expire.
    client.app.state.actor_cache.ttl_seconds = 600  # type: ignore[attr-defined]
    assert client.get(url, headers=headers).status_code == 200
    counter.statements = 0
    short = client.get(url, headers=headers).json()
    few = counter.statements
    more_records(session, world)
    # New accounts invalidate the token -> actor cache; warm it again so both counts are
    # of a list served to an already authenticated caller.
    assert client.get(url, headers=headers).status_code == 200
    counter.statements = 0
    long = client.get(url, headers=headers).json()
    if url != "/api/v1/personal-access-tokens":
        assert len(long["data"]) > len(short["data"])
    assert counter.statements == few

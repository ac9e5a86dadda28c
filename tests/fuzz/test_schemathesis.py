"""schemathesis against the published schema: every operation, authenticated as a
demo-like firm's owner; no 5xx, and every response as the schema describes it.

Each operation is one test: positive and negative data from the schema (bounded), plus
the schema's own examples. schemathesis's pytest plugin does not run on this pytest, so
the strategies are driven with hypothesis directly.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from tests.factories import FirmWorld
from tests.factories.time_entries import make_entry
from tests.support import FrozenClock
from timeledger.app import create_app
from timeledger.auth.service import ACCOUNT_HEADER
from timeledger.time_entries.schemas import SEED_REQUEST

pytestmark = pytest.mark.slow

# The schema's own example request names this client; make it exist so examples succeed.
EXAMPLE_CLIENT = uuid.UUID(SEED_REQUEST["trackable_uuid"])
EXAMPLES_PER_OPERATION = 120

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
]


def _all_operations(app: FastAPI) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    results: list[Any] = list(schema.get_all_operations())
    return [result.ok() for result in results]


def _operations() -> list[str]:
    # Building the app opens no connection; the schema is what /openapi.json serves.
    return [operation.label for operation in _all_operations(create_app())]


@pytest.fixture
def demo_world(world: FirmWorld, session: Session, clock: FrozenClock) -> FirmWorld:
    world.client.uuid = EXAMPLE_CLIENT
    session.flush()
    return world


@pytest.fixture
def entries(demo_world: FirmWorld, session: Session, clock: FrozenClock) -> list[str]:
    """Entries of the owner, for operations on ``/time-entry/{uuid}`` to find."""
    made = [
        make_entry(
            session,
            account=demo_world.owner.account,
            on=demo_world.client,
            start=clock.now() - timedelta(days=day),
        )
        for day in range(1, 6)
    ]
    session.flush()
    return [str(entry.uuid) for entry in made]


def _with_real_records(world: FirmWorld, entries: list[str]) -> Callable[[Any], Any]:
    """Point generated references at the firm's records, so writes can succeed too."""

    def fix(case: Any) -> Any:
        if case.path_parameters and "uuid" in case.path_parameters:
            case.path_parameters["uuid"] = entries[len(str(case.body)) % len(entries)]
        if case.path_parameters and "trackable_uuid" in case.path_parameters:
            case.path_parameters["trackable_type"] = "client"
            case.path_parameters["trackable_uuid"] = str(world.client.uuid)
        if case.path_parameters and "client_uuid" in case.path_parameters:
            case.path_parameters["client_uuid"] = str(world.client.uuid)
        if isinstance(case.body, dict) and "trackable_uuid" in case.body:
            case.body["trackable_type"] = "client"
            case.body["trackable_uuid"] = str(world.client.uuid)
        for name in (ACCOUNT_HEADER, "Authorization"):
            (case.headers or {}).pop(name, None)
        return case

    return fix


def _strategy(
    app: FastAPI, label: str, world: FirmWorld, entries: list[str]
) -> st.SearchStrategy[Any]:
    operation = next(op for op in _all_operations(app) if op.label == label)
    positive = operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE)
    negative = operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE)
    examples = operation.get_strategies_from_examples()
    return st.one_of(
        positive, positive.map(_with_real_records(world, entries)), negative, *examples
    )


@pytest.mark.parametrize("label", _operations())
def test_every_operation_conforms_and_never_fails(
    app: FastAPI, demo_world: FirmWorld, entries: list[str], clock: FrozenClock, label: str
) -> None:
    headers = demo_world.owner.headers()

    @given(case=_strategy(app, label, demo_world, entries))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        clock.advance(minutes=1)  # so a new timer may stop the one running
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()

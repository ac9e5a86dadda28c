"""schemathesis against the published schema: every operation, authenticated as a
demo-like firm's owner; no 5xx, and every response as the schema describes it.

Each operation is one test: positive and negative data from the schema (bounded), plus
the schema's own examples. schemathesis's pytest plugin does not run on this pytest, so
the strategies are driven with hypothesis directly.
"""

from __future__ import annotations

import itertools
import json
import os
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.config import PositiveDataAcceptanceConfig
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from tests.factories import STAFF_PASSWORD, FirmWorld
from tests.factories.time_entries import make_entry
from tests.support import FrozenClock
from timeledger.app import create_app
from timeledger.auth.service import ACCOUNT_HEADER
from timeledger.config import Settings
from timeledger.models import DeliveryStatus, TrackableType, WebhookDelivery
from timeledger.time_entries.schemas import SEED_REQUEST

pytestmark = pytest.mark.slow

# The schema's own example request names this client; make it exist so examples succeed.
EXAMPLE_CLIENT = uuid.UUID(SEED_REQUEST["trackable_uuid"])
EXAMPLES_PER_OPERATION = 120
# Set to a file name to append every operation's refusals to it, one JSON line each (how
# the counts in docs/reliability.md were taken).
REFUSALS_LOG = "TIMELEDGER_FUZZ_REFUSALS_LOG"

# Refusals of schema-valid requests that are business rules a schema cannot express, per
# operation, each with the reason. Everything else a POSITIVE request gets must be 2xx.
# A key is a status ("404": any answer with it), or a status and the start of the message
# ("422 The name has already been taken"): then only a refusal whose every error message
# starts so is excused, and any other 422 still fails.
BUSINESS_RULE_REFUSALS: dict[str, dict[str, str]] = {
    "POST /api/v1/time-entry/{uuid}/stop": {
        "422": "only a running entry can be stopped; the first example stops it",
    },
    "DELETE /api/v1/time-entry/{uuid}": {
        "404": "an entry deleted by an earlier example is gone (one firm per operation)",
    },
    "POST /api/v1/tags": {
        "422 The name has already been taken.": "tag names are unique in a firm (any case, "
        "spaces collapsed): an earlier example may have taken the name",
    },
    "POST /api/v1/billing-rates": {
        "422 The dates overlap another rate at the same level": "live rates of one level and "
        "scope may not overlap: an earlier example's rate may cover the dates",
    },
    "DELETE /api/v2/webhook-subscriptions/{uuid}": {
        "404": "a subscription deleted by an earlier example is gone",
    },
    "POST /api/v2/webhook-subscriptions/deliveries/{uuid}/retry": {
        "422 The delivery is pending already.": "a delivery waiting for its attempt is not "
        "retried again: the first example's retry makes it wait",
    },
    "POST /api/v2/webhook-subscriptions/{uuid}/deliveries/{delivery_uuid}/retry": {
        "422 The delivery is pending already.": "as above, under its subscription",
    },
}
# Operations where the published schema still says less than the server checks (issue 10,
# class 9, not finished): their refusals are listed in the failure text but do not fail
# the run. Server errors and conformance are checked for them like for every operation.
SCHEMA_LOOSER_THAN_SERVER: dict[str, str] = {
    "POST /api/v1/time-entry": "end_date needs start_date or total_time_in_minutes",
    "POST /api/v1/time-entry/invoice": "uuids or filter (one of them), invoiced_at's years "
    "and filter's keys",
    "POST /api/v1/account": "which roles go with which type; email as email-validator reads it",
    "PUT /api/v1/account/{uuid}": "fields required for the account's type; email",
    "PUT /api/v1/account/{uuid}/permissions": "business rule: not your own permissions",
    "POST /api/v1/cases": "participants required",
    "PUT /api/v1/cases/{uuid}": "participants required",
    "POST /api/v1/circles": "account_uuids: 2 to 50 real accounts",
    "PUT /api/v1/circles/{uuid}": "account_uuids required",
    "POST /api/v1/task": "taskable_uuid must name a real client or case (fixer)",
    "PUT /api/v1/task/{uuid}": "taskable_uuid required",
    "PUT /api/v1/board-task/{uuid}": "name required",
}

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


# Webhook receivers must resolve to an allowed address; this one is in the suite's ports.
HOOK_URL = "http://127.0.0.1:8149/hooks/time"


@pytest.fixture
def app(settings: Settings, session_factory: sessionmaker[Session], clock: FrozenClock) -> FastAPI:
    allowed = settings.model_copy(update={"webhook_allow_hosts": "127.0.0.1"})
    return create_app(allowed, session_factory=session_factory, clock=clock)


@pytest.fixture
def records(
    client: TestClient, demo_world: FirmWorld, entries: list[str], session: Session
) -> dict[str, list[str]]:
    """A real record of every kind a path can name, by the path's first segment."""
    headers = demo_world.owner.headers()
    made = {
        "tags": client.post("/api/v1/tags", json={"name": "Fuzz"}, headers=headers),
        "billing-rates": client.post(
            "/api/v1/billing-rates",
            json={"hourly_rate": 10000, "effective_from": "2020-01-01"},
            headers=headers,
        ),
        "webhook-subscriptions": client.post(
            "/api/v2/webhook-subscriptions",
            json={"url": HOOK_URL, "events": ["time-entry.*"]},
            headers=headers,
        ),
    }
    # A token to revoke that is not the one every example authenticates with.
    spare = client.post(
        "/api/v1/personal-access-tokens",
        json={"name": "Spare", "password": STAFF_PASSWORD},
        headers=headers,
    )
    assert spare.status_code == 201, spare.text
    for response in made.values():
        assert response.status_code in (200, 201), response.text
    hook = made["webhook-subscriptions"].json()["uuid"]
    ping = client.post(f"/api/v2/webhook-subscriptions/{hook}/ping", headers=headers)
    assert ping.status_code in (200, 202), ping.text
    # Every attempt failed (the dispatcher does not run here): a delivery one may retry.
    session.execute(update(WebhookDelivery).values(status=DeliveryStatus.DEAD))
    deliveries = client.get(f"/api/v2/webhook-subscriptions/{hook}/deliveries", headers=headers)
    world = demo_world
    return {
        **{kind: [response.json()["uuid"]] for kind, response in made.items()},
        "time-entry": entries,
        "personal-access-tokens": [spare.json()["uuid"]],
        "deliveries": [delivery["uuid"] for delivery in deliveries.json()["data"]],
        # /account/{uuid} names a client: the owner's own account would be demoted or
        # deleted by the first example, and with it the token every example uses.
        "account": [str(world.client.uuid)],
        "client": [str(world.client.uuid)],
        "cases": [str(world.case.uuid)],
        "circles": [str(world.circle.uuid)],
        "task": [str(world.task.uuid)],
        "board-task": [str(world.board_task.uuid)],
        "firm": [str(world.firm.uuid)],
    }


_keys = itertools.count()


def _with_real_records(world: FirmWorld, records: dict[str, list[str]]) -> Callable[[Any], Any]:
    """A POSITIVE case made to respect the business rules a schema cannot state: every
    reference names a record of the firm (an unknown UUID is 404 or 422 by design), an
    Idempotency-Key is not reused for another body, and filter[between]'s first day is
    not after its second."""

    def fix(case: Any) -> Any:
        segments = case.path.strip("/").split("/")
        kind = segments[2] if len(segments) > 2 else ""
        parameters = case.path_parameters or {}
        if "uuid" in parameters and kind in records:
            choices = records[kind]
            parameters["uuid"] = choices[len(str(case.body)) % len(choices)]
        if "trackable_uuid" in parameters:
            parameters["trackable_uuid"] = world.trackable_uuid(
                TrackableType(parameters["trackable_type"])
            )
        if kind == "account" and segments[-1] == "permissions":
            # Permissions belong to a login: the owner is the world's one staff login.
            parameters["uuid"] = str(world.owner.account.uuid)
        if "delivery_uuid" in parameters:
            parameters["delivery_uuid"] = records["deliveries"][0]
        if kind == "webhook-subscriptions" and segments[3:4] == ["deliveries"]:
            parameters["uuid"] = records["deliveries"][0]
        if "client_uuid" in parameters:
            parameters["client_uuid"] = str(world.client.uuid)
        if isinstance(case.body, dict):
            if "trackable_uuid" in case.body:
                kind_sent = case.body.get("trackable_type") or "client"
                case.body["trackable_type"] = kind_sent
                case.body["trackable_uuid"] = world.trackable_uuid(TrackableType(kind_sent))
            if isinstance(case.body.get("tags"), list):
                case.body["tags"] = records["tags"][: len(case.body["tags"])]
            for name in ("staff_uuid", "account_uuid"):
                if case.body.get(name):
                    case.body[name] = str(world.owner.account.uuid)
            if case.body.get("client_uuid"):
                case.body["client_uuid"] = str(world.client.uuid)
            if case.body.get("url"):
                case.body["url"] = HOOK_URL
            if case.body.get("case_uuid"):
                case.body["case_uuid"] = str(world.case.uuid)
        headers = case.headers or {}
        for name in list(headers):
            if name.lower() == ACCOUNT_HEADER.lower():
                headers[name] = str(world.owner.account.uuid)
            elif name.lower() == "idempotency-key":
                headers[name] = f"fuzz-{next(_keys)}"
        headers.pop("Authorization", None)
        _keep_rules_a_schema_cannot_state(kind, case.body)
        query = case.query or {}
        if isinstance(query.get("filter[between]"), str):
            query["filter[between]"] = ",".join(sorted(query["filter[between]"].split(",")))
        return case

    return fix


def _keep_rules_a_schema_cannot_state(kind: str, body: Any) -> None:
    """The right password (the schema cannot know it), and date ranges whose first day is
    not after the last: a billing rate's and a reprice's."""
    if not isinstance(body, dict):
        return
    if kind == "personal-access-tokens" and isinstance(body.get("password"), str):
        body["password"] = STAFF_PASSWORD
    for first, last in (("effective_from", "effective_to"), ("from", "to")):
        if isinstance(body.get(first), str) and isinstance(body.get(last), str):
            body[first], body[last] = sorted((body[first], body[last]))


def _strategy(
    app: FastAPI, label: str, world: FirmWorld, records: dict[str, list[str]]
) -> st.SearchStrategy[Any]:
    operation = next(op for op in _all_operations(app) if op.label == label)
    statuses = [key for key in BUSINESS_RULE_REFUSALS.get(label, {}) if " " not in key]
    operation.schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=["2xx", *statuses]
    )
    positive = operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE)
    negative = operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE)
    fix = _with_real_records(world, records)

    def fix_if_positive(case: Any) -> Any:
        # Where nothing could be negated, the negative strategy yields a positive case.
        return fix(case) if case.meta.generation.mode.is_positive else case

    examples = [example.map(fix) for example in operation.get_strategies_from_examples()]
    return st.one_of(positive.map(fix), negative.map(fix_if_positive), *examples)


def _business_rule(label: str, response: Any) -> bool:
    """Whether every error of the answer is one of the operation's listed business rules
    (the keys naming a status and the start of a message)."""
    try:
        body = response.json()
    except ValueError:
        return False
    errors = body.get("errors") or {"": [body.get("message", "")]}
    starts = [
        key.partition(" ")[2]
        for key in BUSINESS_RULE_REFUSALS.get(label, {})
        if key.partition(" ")[0] == str(response.status_code) and " " in key
    ]
    messages = [message for listed in errors.values() for message in listed]
    return bool(starts) and all(message.startswith(tuple(starts)) for message in messages)


def _refused(case: Any, response: Any) -> int | None:
    """The status of a schema-valid (POSITIVE) request the server refused, else None:
    schemathesis's own ``positive_data_acceptance`` check decides, then the listed rules."""
    try:
        case.validate_response(response, checks=[schemathesis.checks.positive_data_acceptance])
    except (AssertionError, BaseExceptionGroup):
        if _business_rule(case.operation.label, response):
            return None
        return int(response.status_code)
    return None


@pytest.mark.parametrize("label", _operations())
def test_every_operation_conforms_and_never_fails(
    app: FastAPI,
    demo_world: FirmWorld,
    records: dict[str, list[str]],
    clock: FrozenClock,
    label: str,
) -> None:
    headers = demo_world.owner.headers()
    refusals: list[str] = []

    @given(case=_strategy(app, label, demo_world, records))
    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        clock.advance(minutes=1)  # so a new timer may stop the one running
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)
        status = _refused(case, response)
        if status is not None:
            refusals.append(f"{status} {response.text[:300]} <- {case.as_curl_command()[:400]}")

    run()
    if os.environ.get(REFUSALS_LOG):
        with open(os.environ[REFUSALS_LOG], "a", encoding="utf-8") as out:
            out.write(json.dumps({"label": label, "refusals": refusals}) + "\n")
    summary = f"{len(refusals)} schema-valid requests refused:\n" + "\n".join(refusals[:5])
    if refusals and label in SCHEMA_LOOSER_THAN_SERVER:
        pytest.xfail(f"{SCHEMA_LOOSER_THAN_SERVER[label]}; {summary}")
    assert not refusals, summary

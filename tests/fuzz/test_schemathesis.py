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

from tests.factories import STAFF_PASSWORD, FirmWorld, make_staff
from tests.factories.time_entries import make_entry
from tests.support import FrozenClock
from timeledger.app import create_app
from timeledger.auth.service import ACCOUNT_HEADER
from timeledger.config import Settings
from timeledger.models import AccountRole, DeliveryStatus, TrackableType, WebhookDelivery
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
BUSINESS_RULE_REFUSALS: dict[str, dict[str, str]] = {
    "POST /api/v1/time-entry/{uuid}/stop": {
        "422": "only a running entry can be stopped; the first example stops it",
    },
    "DELETE /api/v1/time-entry/{uuid}": {
        "404": "an entry deleted by an earlier example is gone (one firm per operation)",
    },
    "DELETE /api/v2/webhook-subscriptions/{uuid}": {
        "404": "a subscription deleted by an earlier example is gone",
    },
}
# The interval rules of a time entry (docs/api.md): they compare two fields, the server's
# clock or the account's running entry, which no JSON Schema can state.
_INTERVAL_RULES = {
    "must be after the start date": "an end before its start (two fields)",
    "may not be longer than 366 days": "an entry's length (two fields)",
    "may not have started more than 366 days ago": "a running entry's age (the clock)",
    "may not be in the future": "a running entry's start (the clock)",
    "so it cannot run again": "reopening an entry that started > 366 days ago (stored)",
    "not before this one": "the account's running entry (state)",
}
# Refusals (422) of schema-valid requests by a business rule named in their message, per
# operation: excused only when every error message of the answer names one of them.
BUSINESS_RULE_MESSAGES: dict[str, dict[str, str]] = {
    "POST /api/v1/time-entry": _INTERVAL_RULES,
    "PUT /api/v1/time-entry/{uuid}": _INTERVAL_RULES,
    "PATCH /api/v1/time-entry/{uuid}": _INTERVAL_RULES,
    "POST /api/v1/time-entry/invoice": {
        "No time entries match": "a filter that matches no entry of the firm (state)",
        "it is already invoiced": "an entry an earlier example invoiced (state)",
        "it is running": "a running entry cannot be invoiced (state)",
    },
    "PUT /api/v1/account/{uuid}": {
        "is not valid for a": "a role of the account's own type (the stored account)",
    },
    "POST /api/v1/tags": {
        "The name has already been taken.": "tag names are unique in a firm (any case, "
        "spaces collapsed): an earlier example may have taken the name (state)",
    },
    "POST /api/v1/billing-rates": {
        "The dates overlap another rate at the same level": "live rates of one level and "
        "scope may not overlap: an earlier example's rate may cover the dates (state)",
    },
    "PUT /api/v1/billing-rates/{uuid}": {
        "must be a date after or equal to effective from": "an end before the rate's stored "
        "start, which an earlier example may have moved (state; two sent dates are sorted)",
    },
    "POST /api/v2/webhook-subscriptions/deliveries/{uuid}/retry": {
        "The delivery is pending already.": "a delivery waiting for its attempt is not "
        "retried again: the first example's retry makes it wait (state)",
    },
    "POST /api/v2/webhook-subscriptions/{uuid}/deliveries/{delivery_uuid}/retry": {
        "The delivery is pending already.": "as above, under its subscription (state)",
    },
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
    client: TestClient,
    session: Session,
    clock: FrozenClock,
    demo_world: FirmWorld,
    entries: list[str],
) -> dict[str, list[str]]:
    """A real record of every kind a path can name, by the path's first segment."""
    headers = demo_world.owner.headers()
    # A second login, whose permissions the owner may change (never their own).
    member = make_staff(session, demo_world.firm, now=clock.now(), role=AccountRole.MEMBER)
    session.flush()
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
        "logins": [str(member.account.uuid)],
        # Accounts of the firm, a client first (a case needs one).
        "accounts": [
            str(world.client.uuid),
            str(world.other_client.uuid),
            str(world.owner.account.uuid),
        ],
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
            # Permissions belong to a login; one's own cannot be changed.
            parameters["uuid"] = records["logins"][0]
        if "delivery_uuid" in parameters:
            parameters["delivery_uuid"] = records["deliveries"][0]
        if kind == "webhook-subscriptions" and segments[3:4] == ["deliveries"]:
            parameters["uuid"] = records["deliveries"][0]
        if "client_uuid" in parameters:
            parameters["client_uuid"] = str(world.client.uuid)
        if isinstance(case.body, dict):
            _fix_body(case.body, world, records)
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


def _fix_body(body: dict[str, Any], world: FirmWorld, records: dict[str, list[str]]) -> None:
    """Every UUID a body names is a record of the firm, of the kind the field takes."""
    if "trackable_uuid" in body:
        kind_sent = body.get("trackable_type") or "client"
        body["trackable_type"] = kind_sent
        body["trackable_uuid"] = world.trackable_uuid(TrackableType(kind_sent))
    if body.get("taskable_uuid"):
        taskables = {"client": str(world.client.uuid), "case": str(world.case.uuid)}
        body["taskable_uuid"] = taskables[body.get("taskable_type") or "client"]
    for name in ("tags", "uuids"):
        if isinstance(body.get(name), list):
            kinds = records["tags" if name == "tags" else "time-entry"]
            body[name] = kinds[: len(body[name])]
    for name in ("participants", "account_uuids"):
        if isinstance(body.get(name), list):
            body[name] = records["accounts"][: len(body[name])]
    for name in ("staff_uuid", "account_uuid"):
        if body.get(name):
            body[name] = str(world.owner.account.uuid)
    for name in ("client_uuid", "billing_client_uuid"):
        if body.get(name):
            body[name] = str(world.client.uuid)
    if body.get("url"):
        body["url"] = HOOK_URL
    if isinstance(body.get("filter"), dict):
        _fix_filter(body["filter"], world, records)
    if body.get("case_uuid"):
        body["case_uuid"] = str(world.case.uuid)


def _fix_filter(keys: dict[str, Any], world: FirmWorld, records: dict[str, list[str]]) -> None:
    """A body's list filter (the invoice's) names records of the firm, days in order."""
    real = {
        "uuid": records["time-entry"][0],
        "accounts": str(world.owner.account.uuid),
        "circle_uuids": str(world.circle.uuid),
        "tags": records["tags"][0],
    }
    for name, value in real.items():
        if isinstance(keys.get(name), str) and keys[name].strip() != "*":
            keys[name] = value
    if isinstance(keys.get("between"), str):
        keys["between"] = ",".join(sorted(keys["between"].split(",")))


def _strategy(
    app: FastAPI, label: str, world: FirmWorld, records: dict[str, list[str]]
) -> st.SearchStrategy[Any]:
    operation = next(op for op in _all_operations(app) if op.label == label)
    operation.schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=["2xx", *BUSINESS_RULE_REFUSALS.get(label, {})]
    )
    positive = operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE)
    negative = operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE)
    fix = _with_real_records(world, records)

    def fix_if_positive(case: Any) -> Any:
        # Where nothing could be negated, the negative strategy yields a positive case.
        return fix(case) if case.meta.generation.mode.is_positive else case

    examples = [example.map(fix) for example in operation.get_strategies_from_examples()]
    return st.one_of(positive.map(fix), negative.map(fix_if_positive), *examples)


def _refused(case: Any, response: Any) -> int | None:
    """The status of a schema-valid (POSITIVE) request the server refused, else None:
    schemathesis's own ``positive_data_acceptance`` check decides."""
    try:
        case.validate_response(response, checks=[schemathesis.checks.positive_data_acceptance])
    except (AssertionError, BaseExceptionGroup):
        return int(response.status_code)
    return None


def _business_rule(label: str, response: Any) -> bool:
    """Whether a 422 names only business rules listed for the operation."""
    rules = BUSINESS_RULE_MESSAGES.get(label)
    if not rules or response.status_code != 422:
        return False
    body = response.json()
    messages = [m for ms in body.get("errors", {}).values() for m in ms] or [body["message"]]
    return all(any(rule in message for rule in rules) for message in messages)


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
        if status is not None and not _business_rule(label, response):
            refusals.append(f"{status} {response.text[:300]} <- {case.as_curl_command()[:400]}")

    run()
    if os.environ.get(REFUSALS_LOG):
        with open(os.environ[REFUSALS_LOG], "a", encoding="utf-8") as out:
            out.write(json.dumps({"label": label, "refusals": refusals}) + "\n")
    summary = f"{len(refusals)} schema-valid requests refused:\n" + "\n".join(refusals[:5])
    assert not refusals, summary

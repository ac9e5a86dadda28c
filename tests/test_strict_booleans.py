"""Issue 10 (brief S, item 1): every boolean in a JSON body is strict. The published schema
says ``type: boolean``; the server refuses what JSON calls a string or a number ("yes",
"true", 1, "1") with a 422 naming the field, instead of pydantic's lax reading.

The cases come from the OpenAPI document itself: a boolean body field added later, loosely
typed, is tested (and fails) without anyone adding it here."""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.body_schema import body_fields, body_with
from tests.factories import FirmWorld

# What a lax parser reads as a boolean and JSON does not.
NOT_BOOLEANS: list[Any] = ["yes", "no", "true", "false", "1", "0", "on", "off", 1, 0, 1.0, []]

# The boolean body fields there are today: the walk below must find at least these (a guard
# that the walk itself still works when the schema's shape changes).
KNOWN = {
    "POST /api/v1/time-entry billable",
    "PUT /api/v1/time-entry/{uuid} billable",
    "PATCH /api/v1/time-entry/{uuid} billable",
    "PUT /api/v1/account/{uuid}/permissions write_override",
    "PUT /api/v1/account/{uuid}/permissions delete_override",
    "PUT /api/v1/firm/{uuid} members_see_amounts",
    "PUT /api/v1/firm/{uuid} billable_default.client",
    "PUT /api/v1/firm/{uuid}/lock stop_running",
    "POST /api/v2/webhook-subscriptions enabled",
    "PUT /api/v2/webhook-subscriptions/{uuid} enabled",
}


@cache
def _cases() -> tuple[tuple[str, str, str], ...]:
    booleans = (
        (method, path, name)
        for method, path, name, schema in body_fields()
        if schema.get("type") == "boolean"
    )
    return tuple(dict.fromkeys(booleans))


def _url(path: str, world: FirmWorld) -> str:
    # The records' own UUIDs where a route looks them up before reading the body.
    if path.startswith("/api/v1/firm/"):
        return path.replace("{uuid}", str(world.firm.uuid))
    if path.startswith("/api/v1/account/"):
        return path.replace("{uuid}", str(world.owner.account.uuid))
    return path.replace("{uuid}", str(uuid.uuid4()))


def test_the_walk_finds_every_known_boolean() -> None:
    found = {f"{method} {path} {name}" for method, path, name in _cases()}
    assert found >= KNOWN


@pytest.mark.parametrize(
    ("method", "path", "field"), _cases(), ids=[" ".join(case) for case in _cases()]
)
def test_a_boolean_field_refuses_what_is_not_a_json_boolean(
    client: TestClient, world: FirmWorld, method: str, path: str, field: str
) -> None:
    label = field.replace("_", " ").replace(".", " ")
    for value in NOT_BOOLEANS:
        response = client.request(
            method, _url(path, world), json=body_with(field, value), headers=world.owner.headers()
        )
        assert response.status_code == 422, (value, response.text)
        assert response.json()["errors"][field] == [f"The {label} field must be true or false."], (
            value
        )

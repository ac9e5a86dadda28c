"""Issue 10 (brief S, item 2): a list with too few or too many items answers 422 with
Laravel's words (``min.array`` / ``max.array``), naming the field: ``events: []`` on a
webhook subscription says "The events field must have at least 1 item."

The cases are every bounded list of every JSON body in the published schema."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.body_schema import body_fields, body_with
from tests.factories import FirmWorld

WEBHOOKS = "/api/v2/webhook-subscriptions"


def _bounded() -> list[tuple[str, str, str, str, int]]:
    cases = []
    for method, path, name, schema in body_fields():
        if schema.get("type") != "array":
            continue
        if schema.get("minItems"):
            cases.append((method, path, name, "min", schema["minItems"]))
        if schema.get("maxItems") is not None:
            cases.append((method, path, name, "max", schema["maxItems"]))
    return cases


def _item(schema: dict[str, Any]) -> Any:
    items = schema.get("items", {})
    return str(uuid.uuid4()) if items.get("format") == "uuid" else "time-entry.created"


def _expected(label: str, bound: str, count: int) -> str:
    items = "1 item" if count == 1 else f"{count} items"
    if bound == "min":
        return f"The {label} field must have at least {items}."
    return f"The {label} field must not have more than {items}."


def test_every_bounded_list_is_found() -> None:
    found = {(method, path, name, bound) for method, path, name, bound, _ in _bounded()}
    assert {
        ("POST", WEBHOOKS, "events", "min"),
        ("POST", WEBHOOKS, "events", "max"),
        ("PUT", WEBHOOKS + "/{uuid}", "events", "min"),
        ("POST", "/api/v1/time-entry", "tags", "max"),
        ("POST", "/api/v1/time-entry/invoice", "uuids", "max"),
    } <= found


@pytest.mark.parametrize(
    ("method", "path", "field", "bound", "count"),
    _bounded(),
    ids=[" ".join(map(str, case)) for case in _bounded()],
)
def test_a_list_out_of_its_bounds_names_the_field_and_the_bound(
    client: TestClient, world: FirmWorld, method: str, path: str, field: str, bound: str, count: int
) -> None:
    schema = next(s for m, p, n, s in body_fields() if (m, p, n) == (method, path, field))
    size = count - 1 if bound == "min" else count + 1
    items = [_item(schema) for _ in range(size)]
    response = client.request(
        method,
        path.replace("{uuid}", str(uuid.uuid4())),
        json=body_with(field, items),
        headers=world.owner.headers(),
    )
    assert response.status_code == 422, response.text
    label = field.replace("_", " ")
    assert response.json()["errors"][field] == [_expected(label, bound, count)]


def test_an_empty_events_list_says_so_in_laravel_words(
    client: TestClient, world: FirmWorld
) -> None:
    response = client.post(
        WEBHOOKS,
        json={"url": "https://crm.example.com/hooks/time", "events": []},
        headers=world.owner.headers(),
    )
    assert response.status_code == 422
    assert response.json() == {
        "message": "The events field must have at least 1 item.",
        "errors": {"events": ["The events field must have at least 1 item."]},
    }

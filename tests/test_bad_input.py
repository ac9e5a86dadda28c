"""Bad input never makes a records route answer 5xx."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import FirmWorld

BODIES: list[Any] = [
    None,
    [],
    "text",
    {},
    {"name": None, "participants": None, "account_uuids": None, "taskable_type": None},
    {"name": 12, "participants": "x", "account_uuids": [1, 2], "priority": True},
    {"first_name": ["x"], "type": 3, "role": {}, "email": 5, "due_at": 12},
    {"due_at": "99999-01-01", "time_zone": "\u0000", "case_uuid": "nope", "password": 1},
    {"name": "x" * 300, "participants": ["00000000-0000-0000-0000-000000000000"] * 600},
    {"type": "client", "role": "individual", "first_name": "A", "email": None},
    {"email": "a@b.co" + "x" * 400, "last_name": None, "description": None},
]
WRITES = [
    ("POST", "/api/v1/account"),
    ("PUT", "/api/v1/account/{client}"),
    ("POST", "/api/v1/cases"),
    ("PUT", "/api/v1/cases/{case}"),
    ("POST", "/api/v1/circles"),
    ("PUT", "/api/v1/circles/{circle}"),
    ("POST", "/api/v1/task"),
    ("PUT", "/api/v1/task/{task}"),
    ("POST", "/api/v1/board-task"),
    ("PUT", "/api/v1/board-task/{board_task}"),
    ("PUT", "/api/v1/firm/{firm}"),
    ("POST", "/api/v1/personal-access-tokens"),
]
QUERIES = [
    "per_page=0",
    "per_page=abc",
    "page=-1",
    "sort=--name",
    "filter[name]=%25_%5C",
    "filter[uuid]=,,,",
    "filter[account_uuids]=x",
    "filter[type]=",
    "filter[taskable_uuid]=%00",
    "filter[name]=a%00b",
    "filter[search]=a%00b",
]
LISTS = [
    "/api/v1/account",
    "/api/v1/client",
    "/api/v1/cases",
    "/api/v1/circles",
    "/api/v1/task",
    "/api/v1/board-task",
    "/api/v1/personal-access-tokens",
    "/api/v1/tags",
    "/api/v1/billing-rates",
]


def _url(template: str, world: FirmWorld) -> str:
    records: dict[str, Any] = {
        "client": world.client,
        "case": world.case,
        "circle": world.circle,
        "task": world.task,
        "board_task": world.board_task,
        "firm": world.firm,
    }
    return template.format(**{key: record.uuid for key, record in records.items()})


@pytest.mark.parametrize(("method", "template"), WRITES)
def test_bad_bodies_are_never_5xx(
    client: TestClient, world: FirmWorld, method: str, template: str
) -> None:
    for body in BODIES:
        response = client.request(
            method, _url(template, world), json=body, headers=world.owner.headers()
        )
        assert response.status_code < 500, (body, response.text)
        if not isinstance(body, dict):
            assert response.status_code == 422, (body, response.text)
            assert response.json()["message"] == "The request body must be a JSON object."


@pytest.mark.parametrize("url", LISTS)
def test_bad_queries_are_never_5xx(client: TestClient, world: FirmWorld, url: str) -> None:
    for query in QUERIES:
        response = client.get(f"{url}?{query}", headers=world.owner.headers())
        assert response.status_code < 500, (query, response.text)


def test_odd_paths_are_404(client: TestClient, world: FirmWorld) -> None:
    for raw in ("%00", "1", "' or 1=1 --", "00000000-0000-0000-0000-00000000000g", "x" * 500):
        for prefix in ("account", "client", "cases", "circles", "task", "board-task", "firm"):
            response = client.get(f"/api/v1/{prefix}/{raw}", headers=world.owner.headers())
            assert response.status_code == 404, (prefix, raw, response.text)

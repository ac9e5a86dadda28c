"""Every case of the bad-input corpus gets its documented 4xx and body, and writes nothing."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import FirmWorld
from tests.fuzz.corpus import CASES, Case, is_missing, list_cases
from timeledger.app import create_app
from timeledger.errors import summarise
from timeledger.models import TimeEntry

pytestmark = pytest.mark.slow


def _list_routes() -> list[str]:
    """GET routes that take ``per_page``, with path parameters filled by placeholders."""
    paths = []
    for path, methods in create_app().openapi()["paths"].items():
        get = methods.get("get", {})
        if any(p["name"] == "per_page" for p in get.get("parameters", [])):
            path = path.replace("{trackable_type}", "client")
            paths.append(re.sub(r"\{[^}]*uuid[^}]*\}", "$CLIENT", path))
    return paths


ALL_CASES = CASES + [case for path in _list_routes() for case in list_cases(path)]


def _fill(value: Any, world: FirmWorld) -> Any:
    if isinstance(value, str):
        return value.replace("$CLIENT", str(world.client.uuid))
    if isinstance(value, dict):
        return {key: _fill(item, world) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, world) for item in value]
    return value


def _send(client: TestClient, world: FirmWorld, case: Case) -> Any:
    headers = dict(world.owner.headers()) if case.authenticated else {}
    headers.update(case.headers)
    if case.content_type is not None:
        headers["Content-Type"] = case.content_type
    if case.raw is not None:
        content = case.raw
    elif is_missing(case.json_body):
        content = None
    else:
        content = json.dumps(_fill(case.json_body, world)).encode()
    return client.request(case.method, _fill(case.path, world), content=content, headers=headers)


def test_the_corpus_has_at_least_100_cases() -> None:
    assert len(CASES) >= 100
    assert len({case.id for case in ALL_CASES}) == len(ALL_CASES), "case ids are unique"


def _check(client: TestClient, world: FirmWorld, session: Session, case: Case) -> None:
    response = _send(client, world, case)
    assert response.status_code == case.status, response.text
    assert response.headers["content-type"] == "application/json"
    answer = response.json()
    assert isinstance(answer["message"], str)
    assert answer["message"]
    if case.status == 422:
        errors = answer["errors"]
        assert all(isinstance(m, str) for ms in errors.values() for m in ms)
        assert answer["message"] == summarise(errors)
        assert tuple(errors) == case.fields
    else:
        assert set(answer) == {"message"}
    if case.message is not None:
        assert answer["message"] == case.message
    assert session.scalar(select(func.count()).select_from(TimeEntry)) == 0


def test_bad_input_gets_its_documented_answer(
    client: TestClient, world: FirmWorld, session: Session, subtests: pytest.Subtests
) -> None:
    """One firm for all cases (building one costs an Argon2 hash); a subtest per case."""
    for case in ALL_CASES:
        with subtests.test(msg=case.id):
            _check(client, world, session, case)

"""Issue 10 (brief S, item 3): the order of refusals. An unauthenticated request is 401
whatever its body: a wrong Content-Type (415), bytes that are not UTF-8 JSON or JSON that
does not parse (400), unstorable text or a body the schema refuses (422) all wait until the
caller is known. Only an oversized body (413) is refused first, unread.

Once the caller is known the same bodies get their own answers, and a route whose body is
optional (stop) is not run with the refused body dropped."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import FirmWorld
from tests.factories.time_entries import make_entry
from tests.time_entries.conftest import utc
from timeledger.models import TimeEntry

SOME = "00000000-0000-4000-8000-000000000000"
ROUTES = [
    ("POST", "/api/v1/time-entry"),
    ("POST", f"/api/v1/time-entry/{SOME}/stop"),
    ("POST", "/api/v2/webhook-subscriptions"),
    ("PUT", f"/api/v1/time-entry/{SOME}"),
    ("PUT", f"/api/v1/firm/{SOME}"),
    ("PUT", f"/api/v1/firm/{SOME}/lock"),
    ("PATCH", f"/api/v1/time-entry/{SOME}"),
    ("GET", "/api/v1/time-entry"),
    ("DELETE", f"/api/v1/time-entry/{SOME}"),
]
JSON = {"Content-Type": "application/json"}
# (what is wrong, body bytes, headers, the answer a known caller gets on POST time-entry)
BAD_BODIES: list[tuple[str, bytes, dict[str, str], int]] = [
    ("form type", b"name=Research", {"Content-Type": "application/x-www-form-urlencoded"}, 415),
    ("text type", b'{"name": "Research"}', {"Content-Type": "text/plain"}, 415),
    ("utf-16 charset", b"{}", {"Content-Type": "application/json; charset=utf-16"}, 415),
    ("not json", b'{"name": ', JSON, 400),
    ("utf-16 bytes", json.dumps({"name": "Research"}).encode("utf-16"), JSON, 400),
    ("not utf-8", b'{"name": "\xff"}', JSON, 400),
    # In fields each route reads (POST's name, /stop's end_date): an unknown key is ignored
    # whatever it holds (docs/api.md).
    ("nul in text", json.dumps({"name": "a\u0000b", "end_date": "a\u0000b"}).encode(), JSON, 422),
    ("schema", json.dumps({"billable": "yes"}).encode(), JSON, 422),
]
NO_CALLER: list[dict[str, str]] = [{}, {"Authorization": "Bearer not-a-token"}]


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[" ".join(r) for r in ROUTES])
@pytest.mark.parametrize(
    ("what", "body", "headers", "_known"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES]
)
@pytest.mark.parametrize("credentials", NO_CALLER, ids=["no token", "unknown token"])
def test_an_unknown_caller_is_401_whatever_the_body(
    client: TestClient,
    method: str,
    path: str,
    what: str,
    body: bytes,
    headers: dict[str, str],
    _known: int,
    credentials: dict[str, str],
) -> None:
    response = client.request(method, path, content=body, headers={**headers, **credentials})
    assert response.status_code == 401, (what, response.text)
    assert response.json() == {"message": "Unauthenticated."}


@pytest.mark.parametrize(
    ("what", "body", "headers", "known"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES]
)
def test_a_known_caller_gets_the_bodys_own_answer(
    client: TestClient,
    world: FirmWorld,
    session: Session,
    what: str,
    body: bytes,
    headers: dict[str, str],
    known: int,
) -> None:
    response = client.post(
        "/api/v1/time-entry", content=body, headers={**headers, **world.owner.headers()}
    )
    assert response.status_code == known, (what, response.text)
    assert session.scalars(select(TimeEntry)).first() is None


@pytest.mark.parametrize(
    ("what", "body", "headers", "known"),
    [b for b in BAD_BODIES if b[0] != "schema"],
    ids=[b[0] for b in BAD_BODIES if b[0] != "schema"],
)
def test_a_refused_body_on_an_optional_body_route_does_not_run_it(
    client: TestClient,
    world: FirmWorld,
    session: Session,
    what: str,
    body: bytes,
    headers: dict[str, str],
    known: int,
) -> None:
    running = make_entry(
        session,
        account=world.owner.account,
        on=world.client,
        start=utc(2025, 8, 7, 9),
        minutes=None,
    )
    session.flush()
    response = client.post(
        f"/api/v1/time-entry/{running.uuid}/stop",
        content=body,
        headers={**headers, **world.owner.headers()},
    )
    assert response.status_code == known, (what, response.text)
    session.expire_all()
    assert session.get(TimeEntry, (running.firm_id, running.id)).ended_at is None  # type: ignore[union-attr]


def test_an_oversized_body_is_413_before_authentication(client: TestClient) -> None:
    limit = client.app.state.settings.max_body_bytes  # type: ignore[attr-defined]
    response = client.post("/api/v1/time-entry", content=b"x" * (limit + 1), headers=JSON)
    assert response.status_code == 413


def test_a_keyed_write_with_a_refused_body_keeps_no_key(
    client: TestClient, world: FirmWorld
) -> None:
    """The refusal comes before the idempotency claim: the same key then works."""
    key: dict[str, Any] = {"Idempotency-Key": str(uuid.uuid4()), **world.owner.headers()}
    refused = client.post("/api/v1/time-entry", content=b"{", headers={**JSON, **key})
    assert refused.status_code == 400
    body = {
        "trackable_type": "client",
        "trackable_uuid": str(world.client.uuid),
        "name": "Research",
        "total_time_in_minutes": 30,
    }
    assert client.post("/api/v1/time-entry", json=body, headers=key).status_code == 200

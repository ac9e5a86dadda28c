"""Bodies over 1 MiB get 413 without being read further; text is stored exactly as sent,
or refused with 422 when no database could hold it."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.types import Message

from tests.factories import FirmWorld
from timeledger.http.middleware import BodyLimitMiddleware
from timeledger.models import TimeEntry

URL = "/api/v1/time-entry"
MIB = 1024 * 1024
TOO_LARGE = {"message": f"The request body may not be larger than {MIB} bytes."}


def _body(world: FirmWorld, **overrides: Any) -> dict[str, Any]:
    return {
        "trackable_type": "client",
        "trackable_uuid": str(world.client.uuid),
        "name": "Research",
        "total_time_in_minutes": 45,
        **overrides,
    }


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(TimeEntry)) or 0


def test_a_body_over_1_mib_is_refused_with_413(client: TestClient, world: FirmWorld) -> None:
    padded = _body(world, description="x" * MIB)
    response = client.post(URL, json=padded, headers=world.owner.headers())
    assert response.status_code == 413
    assert response.json() == TOO_LARGE


def test_a_body_of_exactly_1_mib_is_read(client: TestClient, world: FirmWorld) -> None:
    raw = json.dumps(_body(world)).encode()
    raw = raw[:-1] + b" " * (MIB - len(raw)) + b"}"
    assert len(raw) == MIB
    response = client.post(
        URL, content=raw, headers={**world.owner.headers(), "Content-Type": "application/json"}
    )
    assert response.status_code == 200


def _run(
    middleware: BodyLimitMiddleware, headers: list[tuple[bytes, bytes]], chunks: int
) -> tuple[list[Message], int]:
    """Drive the middleware with ``chunks`` 64 KiB body chunks; count how many it read."""
    read = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal read
        read += 1
        return {"type": "http.request", "body": b"x" * 65536, "more_body": read < chunks}

    async def send(message: Message) -> None:
        sent.append(message)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("the app must not be called")

    scope = {"type": "http", "method": "POST", "path": URL, "headers": headers}
    asyncio.run(BodyLimitMiddleware(app, max_body_bytes=MIB)(scope, receive, send))
    return sent, read


def test_a_chunked_body_is_cut_off_just_past_the_limit() -> None:
    sent, read = _run_chunked(chunks=10 * 16)  # 10 MiB announced by nobody
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"]) == TOO_LARGE
    assert read == 17  # 16 chunks make 1 MiB; the 17th passes it; nothing after


def _run_chunked(chunks: int) -> tuple[list[Message], int]:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("the app must not be called")

    return _run(BodyLimitMiddleware(app, max_body_bytes=MIB), [], chunks)


def test_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("the app must not be called")

    sent, read = _run(
        BodyLimitMiddleware(app, max_body_bytes=MIB), [(b"content-length", b"5000000")], 80
    )
    assert sent[0]["status"] == 413
    assert read == 0


@pytest.mark.parametrize(
    "text",
    [
        'Zoë\'s “quoted” "research" — 東京 🕒 عربى',
        "  leading and trailing spaces  ",
        "line\nbreaks\r\nand\ttabs",
        "back\\slash and 'single' quotes; DROP TABLE time_entries;--",
        "\u202eright-to-left override",
        "emoji 👩‍👩‍👧 with joiners",
    ],
)
def test_text_is_stored_exactly_as_sent(
    client: TestClient, world: FirmWorld, session: Session, text: str
) -> None:
    response = client.post(
        URL, json=_body(world, name=text, description=text), headers=world.owner.headers()
    )
    assert response.status_code == 200
    assert response.json()["name"] == text
    assert response.json()["description"] == text
    stored = session.scalars(select(TimeEntry)).one()
    assert (stored.name, stored.description) == (text, text)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('"nul \\u0000 inside"', "name"),
        ('"\\u0000"', "name"),
        ('"lone \\ud800 surrogate"', "name"),
        ('"reversed \\udc00\\ud800 pair"', "name"),
    ],
)
def test_text_no_database_can_hold_is_refused_with_422(
    client: TestClient, world: FirmWorld, session: Session, raw: str, field: str
) -> None:
    body = json.dumps(_body(world, name="placeholder")).replace('"placeholder"', raw)
    response = client.post(
        URL,
        content=body.encode(),
        headers={**world.owner.headers(), "Content-Type": "application/json"},
    )
    message = (
        "The name field must be valid text without the NUL character (\\u0000) "
        "or unpaired surrogates."
    )
    assert response.status_code == 422
    assert response.json() == {"message": message, "errors": {field: [message]}}
    assert _count(session) == 0


def test_a_proper_surrogate_pair_is_an_emoji_and_stored(
    client: TestClient, world: FirmWorld
) -> None:
    body = json.dumps(_body(world, name="placeholder")).replace('"placeholder"', '"\\ud83d\\udd52"')
    response = client.post(
        URL,
        content=body.encode(),
        headers={**world.owner.headers(), "Content-Type": "application/json"},
    )
    assert response.status_code == 200
    assert response.json()["name"] == "🕒"


@pytest.mark.parametrize(
    "unknown",
    [
        '"extra": "nul \\u0000 inside"',
        '"extra": ["lone \\ud800 surrogate"]',
        '"extra": {"deep \\u0000 key": 1}',
        '"bad \\u0000 key": "x"',
    ],
)
def test_an_unknown_key_is_ignored_whatever_it_holds(
    client: TestClient, world: FirmWorld, session: Session, unknown: str
) -> None:
    """Unknown keys are ignored (docs/api.md), so text never stored is not checked: the
    schema allows any additional property, and a client following it is not refused."""
    body = json.dumps(_body(world, name="Research"))
    response = client.post(
        URL,
        content=(body[:-1] + ", " + unknown + "}").encode(),
        headers={**world.owner.headers(), "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Research"
    assert _count(session) == 1


def test_a_known_field_inside_a_list_is_still_checked(
    client: TestClient, world: FirmWorld, session: Session
) -> None:
    body = json.dumps({**_body(world, name="Research"), "tags": ["placeholder"]})
    response = client.post(
        URL,
        content=body.replace('"placeholder"', '"\\u0000"').encode(),
        headers={**world.owner.headers(), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["tags.0"]
    assert _count(session) == 0

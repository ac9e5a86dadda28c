"""Health checks, request ids, JSON logs, and no secrets in any log line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.factories import FirmWorld
from tests.support import FrozenClock
from timeledger.app import create_app
from timeledger.config import LogFormat, Settings
from timeledger.db import build_engine, build_session_factory
from timeledger.logs import configure_logging, redact


def test_healthz_answers_while_the_process_is_up(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_answers_ok_when_the_database_is_reachable(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "not configured"}


def test_readyz_answers_503_when_the_database_is_not(
    settings: Settings, tmp_path: Path, clock: FrozenClock
) -> None:
    unreachable = settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path}/missing/dir/db.sqlite"}
    )
    engine = build_engine(unreachable)
    app = create_app(unreachable, session_factory=build_session_factory(engine), clock=clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        ready = client.get("/readyz")
        alive = client.get("/healthz")
    engine.dispose()
    assert ready.status_code == 503
    assert ready.headers["Retry-After"] == "5"
    assert ready.json() == {
        "message": "Not ready: the database is unreachable. Try again in a few seconds.",
        "status": "unavailable",
        "database": "unreachable",
        "redis": "not configured",
    }
    assert alive.status_code == 200


def test_every_response_has_a_request_id(client: TestClient, world: FirmWorld) -> None:
    responses = [
        client.get("/healthz"),
        client.post("/api/v1/time-entry", json={}),
        client.post("/api/v1/time-entry", json={}, headers=world.owner.headers()),
        client.get("/no/such/route"),
        client.post("/api/v1/time-entry", content=b"x" * (1024 * 1024 + 1)),
    ]
    ids = [r.headers["X-Request-Id"] for r in responses]
    assert [r.status_code for r in responses] == [200, 401, 422, 404, 413]
    assert all(len(i) == 32 for i in ids)
    assert len(set(ids)) == len(ids)


def test_a_sane_incoming_request_id_is_kept_and_an_insane_one_replaced(
    client: TestClient,
) -> None:
    kept = client.get("/healthz", headers={"X-Request-Id": "abc-123.DEF:7"})
    replaced = client.get("/healthz", headers={"X-Request-Id": "no spaces <script>"})
    assert kept.headers["X-Request-Id"] == "abc-123.DEF:7"
    assert replaced.headers["X-Request-Id"] != "no spaces <script>"
    assert len(replaced.headers["X-Request-Id"]) == 32


@pytest.fixture
def json_log(settings: Settings) -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = configure_logging(settings.model_copy(update={"log_format": LogFormat.JSON}), stream)
    yield stream
    logging.getLogger().removeHandler(handler)


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_json_logs_carry_the_request_id_of_the_request(
    client: TestClient, json_log: io.StringIO
) -> None:
    client.get("/healthz", headers={"X-Request-Id": "req-42"})
    access = [line for line in _lines(json_log) if line["logger"] == "timeledger.access"]
    assert access[-1]["request_id"] == "req-42"
    assert access[-1]["status"] == 200
    assert access[-1]["path"] == "/healthz"
    assert access[-1]["message"] == "GET /healthz 200"


def test_an_unexpected_error_is_a_500_with_the_request_id_logged(
    settings: Settings,
    session_factory: sessionmaker[Session],
    clock: FrozenClock,
    json_log: io.StringIO,
) -> None:
    app = create_app(settings, session_factory=session_factory, clock=clock)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("kaboom")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom", headers={"X-Request-Id": "req-boom"})
    assert response.status_code == 500
    assert response.json() == {"message": "Server Error."}
    assert response.headers["X-Request-Id"] == "req-boom"
    errors = [line for line in _lines(json_log) if line["level"] == "ERROR"]
    assert errors
    assert errors[0]["request_id"] == "req-boom"
    assert "kaboom" in str(errors[0]["exception"])


def test_tokens_and_passwords_never_reach_the_log(
    client: TestClient, world: FirmWorld, json_log: io.StringIO
) -> None:
    token = world.owner.token
    logger = logging.getLogger("timeledger.test")
    logger.warning("header was Authorization: Bearer %s", token)
    logger.warning("saw %s in a url", token)
    logger.warning("login with password=%s", "hunter2hunter2")
    logger.warning("body %s", json.dumps({"email": "a@b.c", "password": "hunter2hunter2"}))
    client.post("/api/v1/time-entry", json={"name": token}, headers=world.owner.headers())
    text = json_log.getvalue()
    assert token not in text
    assert token[3:] not in text
    assert "hunter2hunter2" not in text
    assert text.count("[REDACTED]") >= 4


def test_redact_leaves_ordinary_text_alone() -> None:
    assert redact("GET /api/v1/time-entry 200") == "GET /api/v1/time-entry 200"

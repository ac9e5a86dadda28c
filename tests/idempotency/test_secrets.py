"""Class 1 of issue 10: nothing secret at rest in the idempotency store; the server
secret that keys its fingerprints; expired keys purged for every account."""

from __future__ import annotations

import hashlib
import json
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import FirmWorld
from tests.idempotency.test_router import _api_routes
from tests.support import FrozenClock
from timeledger.app import create_app
from timeledger.config import (
    SECRET_KEY_FILE,
    Environment,
    SecretKeyMissing,
    Settings,
    resolve_secret_key,
)
from timeledger.idempotency.service import fingerprint
from timeledger.models import IdempotencyKey

TOKENS = "/api/v1/personal-access-tokens"


def _stored(session: Session) -> list[IdempotencyKey]:
    return list(session.scalars(select(IdempotencyKey)))


def test_a_token_made_with_a_key_is_not_stored_and_a_retry_shows_it_null(
    client: TestClient, world: FirmWorld, session: Session
) -> None:
    headers = {**world.owner.headers(), "Idempotency-Key": "tok-1"}
    body = {"name": "Zapier", "password": "secret-pass"}
    first = client.post(TOKENS, json=body, headers=headers)
    assert first.status_code == 201
    token = first.json()["token"]
    assert token.startswith("tl_")
    [record] = _stored(session)
    assert record.response_body is not None
    assert token not in record.response_body
    assert "secret-pass" not in record.response_body
    assert json.loads(record.response_body)["token"] is None
    # The fingerprint is not a plain hash of the body that held the password.
    raw = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    plain = hashlib.sha256(b"POST\n" + TOKENS.encode() + b"\n\n" + raw).hexdigest()
    assert record.fingerprint != plain
    retry = client.post(TOKENS, json=body, headers=headers)
    assert retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == {**first.json(), "token": None}


def test_every_response_field_that_holds_a_secret_is_kept_out_of_the_store() -> None:
    """A response model with a field named like a secret must list it in SECRET_FIELDS."""
    secret_names = {"token", "password", "secret", "plain_text", "api_key"}
    checked = 0
    for route in _api_routes(create_app(Settings(secret_key="s" * 32)).routes):
        model = route.response_model
        fields = getattr(model, "model_fields", None)
        if not fields:
            continue
        checked += 1
        declared: frozenset[str] = getattr(model, "SECRET_FIELDS", frozenset())
        for name in fields:
            if name in secret_names:
                assert name in declared, f"{route.path}: {model.__name__}.{name}"
    assert checked > 10


def test_fingerprints_are_keyed_with_the_server_secret() -> None:
    request = {"method": "POST", "path": "/x", "query": "", "body": b'{"password":"p"}'}
    one = fingerprint(secret=b"a" * 32, **request)  # type: ignore[arg-type]
    again = fingerprint(secret=b"a" * 32, **request)  # type: ignore[arg-type]
    other = fingerprint(secret=b"b" * 32, **request)  # type: ignore[arg-type]
    assert one == again != other
    assert len(one) == 64


def test_expired_keys_are_purged_for_every_account(
    client: TestClient,
    world: FirmWorld,
    other_world: FirmWorld,
    session: Session,
    clock: FrozenClock,
) -> None:
    body = {
        "trackable_type": "client",
        "trackable_uuid": str(world.client.uuid),
        "name": "Research",
        "total_time_in_minutes": 5,
    }
    headers = {**world.owner.headers(), "Idempotency-Key": "old"}
    assert client.post("/api/v1/time-entry", json=body, headers=headers).status_code == 200
    clock.advance(hours=25)
    other = {
        **body,
        "trackable_uuid": str(other_world.client.uuid),
    }
    other_headers = {**other_world.owner.headers(), "Idempotency-Key": "new"}
    assert client.post("/api/v1/time-entry", json=other, headers=other_headers).status_code == 200
    assert [record.key for record in _stored(session)] == ["new"]


class TestServerSecret:
    def test_the_environment_wins(self, tmp_path: Path) -> None:
        settings = Settings(secret_key="k" * 32, database_url=f"sqlite:///{tmp_path}/t.db")
        assert resolve_secret_key(settings) == b"k" * 32
        assert not (tmp_path / SECRET_KEY_FILE).exists()

    def test_production_refuses_to_start_without_one(self, tmp_path: Path) -> None:
        settings = Settings(
            environment=Environment.PRODUCTION,
            database_url=f"sqlite:///{tmp_path}/t.db",
            secret_key=None,
        )
        with pytest.raises(SecretKeyMissing, match="TIMELEDGER_SECRET_KEY"):
            create_app(settings)

    def test_a_short_one_is_refused(self) -> None:
        with pytest.raises(ValueError, match="at least 32"):
            Settings(secret_key="short")

    def test_elsewhere_one_is_made_beside_the_database_and_kept(self, tmp_path: Path) -> None:
        settings = Settings(database_url=f"sqlite:///{tmp_path}/t.db", secret_key=None)
        key = resolve_secret_key(settings)
        path = tmp_path / SECRET_KEY_FILE
        assert len(key) >= 32
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert resolve_secret_key(settings) == key  # a restart keeps it

    def test_without_an_sqlite_file_it_lives_in_the_data_dir(self, tmp_path: Path) -> None:
        settings = Settings(
            database_url="postgresql+psycopg://u@h/db", data_dir=tmp_path / "data", secret_key=None
        )
        key = resolve_secret_key(settings)
        assert (tmp_path / "data" / SECRET_KEY_FILE).read_text().strip().encode() == key


def test_retention_is_at_least_a_day() -> None:
    assert Settings().idempotency_retention >= timedelta(days=1)

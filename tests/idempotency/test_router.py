"""Idempotency-Key over HTTP: replay, refusal of a reused key, nothing written twice."""

from __future__ import annotations

from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import FirmWorld
from tests.support import FrozenClock
from timeledger.app import create_app
from timeledger.dependencies import claim_idempotency_key, count_request, get_actor
from timeledger.http.routing import ApiRoute
from timeledger.idempotency.schemas import WRITE_METHODS
from timeledger.models import IdempotencyKey, TimeEntry

URL = "/api/v1/time-entry"


_MISSING = object()


def _body(world: FirmWorld, **overrides: Any) -> dict[str, Any]:
    body = {
        "trackable_type": "client",
        "trackable_uuid": str(world.client.uuid),
        "name": "Research",
        "total_time_in_minutes": 45,
        **overrides,
    }
    return {key: value for key, value in body.items() if value is not _MISSING}


def _entries(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(TimeEntry)) or 0


def _post(client: TestClient, world: FirmWorld, body: Any, key: str | None) -> Any:
    headers = world.owner.headers()
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(URL, json=body, headers=headers)


def test_a_retry_replays_the_first_response_and_writes_nothing(
    client: TestClient, world: FirmWorld, session: Session, clock: FrozenClock
) -> None:
    first = _post(client, world, _body(world), "key-1")
    assert first.status_code == 200
    clock.advance(minutes=5)  # a replay shows the first answer, not a new one
    retry = _post(client, world, _body(world), "key-1")
    assert retry.status_code == 200
    assert retry.content == first.content
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _entries(session) == 1


def test_json_key_order_and_spacing_do_not_make_a_different_request(
    client: TestClient, world: FirmWorld, session: Session
) -> None:
    body = _body(world)
    first = _post(client, world, body, "key-order")
    reordered = dict(reversed(list(body.items())))
    retry = client.post(
        URL,
        content=__import__("json").dumps(reordered, indent=2),
        headers={
            **world.owner.headers(),
            "Idempotency-Key": "key-order",
            "Content-Type": "application/json",
        },
    )
    assert retry.json() == first.json()
    assert _entries(session) == 1


def test_the_same_key_with_another_body_is_refused_with_422(
    client: TestClient, world: FirmWorld, session: Session
) -> None:
    assert _post(client, world, _body(world), "key-2").status_code == 200
    other = _post(client, world, _body(world, name="Something else"), "key-2")
    assert other.status_code == 422
    assert other.json() == {
        "message": "This Idempotency-Key was already used for a different request; send a "
        "new key for a new request.",
        "errors": {
            "idempotency_key": [
                "This Idempotency-Key was already used for a different request; send a "
                "new key for a new request."
            ]
        },
    }
    assert _entries(session) == 1


def test_different_keys_are_different_writes(
    client: TestClient, world: FirmWorld, session: Session
) -> None:
    a = _post(client, world, _body(world), "key-a")
    b = _post(client, world, _body(world), "key-b")
    assert a.json()["uuid"] != b.json()["uuid"]
    assert _entries(session) == 2


def test_without_a_key_every_post_writes(
    client: TestClient, world: FirmWorld, session: Session
) -> None:
    _post(client, world, _body(world), None)
    _post(client, world, _body(world), None)
    assert _entries(session) == 2
    assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0


def test_a_failed_write_is_not_remembered_so_a_corrected_retry_runs(
    client: TestClient, world: FirmWorld, session: Session
) -> None:
    bad = _post(client, world, _body(world, trackable_uuid=str(world.firm.uuid)), "key-3")
    assert bad.status_code == 422
    again = _post(client, world, _body(world, trackable_uuid=str(world.firm.uuid)), "key-3")
    assert again.status_code == 422
    assert "Idempotent-Replayed" not in again.headers
    good = _post(client, world, _body(world), "key-3")
    assert good.status_code == 200
    assert _entries(session) == 1


def test_keys_belong_to_one_account(
    client: TestClient, world: FirmWorld, other_world: FirmWorld, session: Session
) -> None:
    mine = _post(client, world, _body(world), "shared-key")
    theirs = _post(client, other_world, _body(other_world), "shared-key")
    assert mine.status_code == theirs.status_code == 200
    assert mine.json()["uuid"] != theirs.json()["uuid"]
    assert _entries(session) == 2


def test_a_key_is_kept_24_hours_then_forgotten(
    client: TestClient, world: FirmWorld, session: Session, clock: FrozenClock
) -> None:
    first = _post(client, world, _body(world), "key-day")
    clock.advance(hours=23, minutes=59)
    assert _post(client, world, _body(world), "key-day").json() == first.json()
    assert _entries(session) == 1
    clock.advance(minutes=1)
    later = _post(client, world, _body(world), "key-day")
    assert later.status_code == 200
    assert later.json()["uuid"] != first.json()["uuid"]
    assert _entries(session) == 2


def test_an_invalid_key_is_refused_with_400(client: TestClient, world: FirmWorld) -> None:
    response = _post(client, world, _body(world), "x" * 256)
    assert response.status_code == 400
    assert response.json() == {
        "message": "The Idempotency-Key header must be 1 to 255 printable ASCII characters."
    }


def test_a_replay_still_needs_the_accounts_token(client: TestClient, world: FirmWorld) -> None:
    _post(client, world, _body(world), "key-auth")
    response = client.post(URL, json=_body(world), headers={"Idempotency-Key": "key-auth"})
    assert response.status_code == 401


def _dependency_calls(dependant: Any) -> set[Any]:
    calls = {dependant.call}
    for sub in dependant.dependencies:
        calls |= _dependency_calls(sub)
    return calls


def _api_routes(routes: list[Any]) -> list[APIRoute]:
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):  # an included router (FastAPI >= 0.16x)
            found += _api_routes(route.original_router.routes)
        elif hasattr(route, "routes"):
            found += _api_routes(route.routes)
    return found


def test_every_write_route_claims_keys_and_stores_its_response() -> None:
    """A write route without the claim would silently ignore Idempotency-Key; one that is
    not an ApiRoute would claim a key and never store its answer. New routes fail here
    until they come from ``api_router``. The web app's pages (``/app``, not in the API's
    schema) are a browser's forms, protected by CSRF instead (docs/web.md)."""
    routes = [r for r in _api_routes(create_app().routes) if r.include_in_schema]
    writes = [r for r in routes if (r.methods or set()) & WRITE_METHODS]
    assert writes
    for route in writes:
        assert claim_idempotency_key in _dependency_calls(route.dependant), route.path
    for route in routes:
        if route.include_in_schema:  # not the docs pages, nor "/"
            assert isinstance(route, ApiRoute), route.path


def test_every_route_acting_as_an_account_is_counted() -> None:
    counted = 0
    for route in _api_routes(create_app().routes):
        calls = _dependency_calls(route.dependant)
        if get_actor in calls:
            assert count_request in calls, route.path
            counted += 1
    assert counted


def test_a_retried_delete_replays_its_200_instead_of_404(
    client: TestClient, world: FirmWorld, session: Session
) -> None:
    created = _post(client, world, _body(world), None).json()
    headers = {**world.owner.headers(), "Idempotency-Key": "delete-1"}
    first = client.delete(f"{URL}/{created['uuid']}", headers=headers)
    retry = client.delete(f"{URL}/{created['uuid']}", headers=headers)
    plain = client.delete(f"{URL}/{created['uuid']}", headers=world.owner.headers())
    assert first.status_code == retry.status_code == 200
    assert retry.content == first.content
    assert plain.status_code == 404


def test_a_retried_stop_replays_instead_of_not_running(
    client: TestClient, world: FirmWorld, clock: FrozenClock
) -> None:
    timer = _post(client, world, _body(world, total_time_in_minutes=_MISSING), None).json()
    clock.advance(minutes=10)
    headers = {**world.owner.headers(), "Idempotency-Key": "stop-1"}
    first = client.post(f"{URL}/{timer['uuid']}/stop", headers=headers)
    clock.advance(minutes=1)
    retry = client.post(f"{URL}/{timer['uuid']}/stop", headers=headers)
    assert first.status_code == 200
    assert first.json()["total_time_in_minutes"] == 10
    assert retry.content == first.content


def test_a_retried_patch_does_not_undo_a_later_change(client: TestClient, world: FirmWorld) -> None:
    created = _post(client, world, _body(world), None).json()
    url = f"{URL}/{created['uuid']}"
    keyed = {**world.owner.headers(), "Idempotency-Key": "patch-1"}
    first = client.patch(url, json={"name": "First"}, headers=keyed)
    client.patch(url, json={"name": "Second"}, headers=world.owner.headers())
    retry = client.patch(url, json={"name": "First"}, headers=keyed)
    assert retry.json() == first.json()
    assert client.get(url, headers=world.owner.headers()).json()["name"] == "Second"


def test_if_the_response_cannot_be_stored_with_its_key_the_write_is_undone(
    client: TestClient, world: FirmWorld, session: Session, monkeypatch: Any
) -> None:
    """The key and the write commit together or not at all."""

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("timeledger.http.routing.idempotency.remember", broken)
    response = _post(client, world, _body(world), "key-atomic")
    assert response.status_code == 500
    assert response.json() == {"message": "Server Error."}
    assert _entries(session) == 0
    assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0

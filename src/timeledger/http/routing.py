"""The route class of every API router: where a keyed write's response joins its
transaction.

FastAPI builds the response inside the request's dependency scope, so between the
handler's return and ``get_session``'s commit there is one moment where both the response
and the open transaction exist: here. A write that claimed an ``Idempotency-Key`` stores
its response with the key at that moment, so the unit of work commits the write, the key
and the response together, before a byte is sent (docs/reliability.md).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, get_args

from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from timeledger.errors import ValidationFailed
from timeledger.http.storable import unstorable_fields
from timeledger.idempotency import service as idempotency
from timeledger.idempotency.schemas import (
    REPLAYED_HEADER,
    STATE_KEY,
    PendingKey,
    Replay,
    StoredResponse,
)

_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


class ApiRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        fields = _body_fields(self)

        async def handle(request: Request) -> Response:
            if request.method in _WITH_BODY:
                # Text no database stores, in a field the route reads: 422 before any work.
                unstorable = unstorable_fields(await request.body(), fields)
                if unstorable:
                    raise ValidationFailed(unstorable)
            response = await handler(request)
            pending = request.scope.get("state", {}).get(STATE_KEY)
            if isinstance(pending, PendingKey) and pending.claimed:
                await run_in_threadpool(_remember, pending, response, secret_fields)
            return response

        secret_fields: frozenset[str] = getattr(self.response_model, "SECRET_FIELDS", frozenset())
        return handle


def _body_fields(route: APIRoute) -> frozenset[str] | None:
    """The top-level keys a route's JSON body model reads (names and aliases); None when
    the body is not one model (every key then counts)."""
    if route.body_field is None:
        return None
    annotation = route.body_field.field_info.annotation
    models = [
        kind
        for kind in (annotation, *get_args(annotation))
        if isinstance(kind, type) and issubclass(kind, BaseModel)
    ]
    if len(models) != 1:
        return None
    names = {
        name
        for key, info in models[0].model_fields.items()
        for name in (key, info.alias, info.validation_alias)
        if isinstance(name, str)
    }
    return frozenset(names)


def _remember(pending: PendingKey, response: Response, secret_fields: frozenset[str]) -> None:
    assert pending.session is not None
    assert pending.record is not None
    idempotency.remember(
        pending.session,
        pending.record,
        StoredResponse(
            status_code=response.status_code,
            content_type=response.headers.get("content-type", "application/json"),
            body=bytes(response.body),
        ),
        secret_fields=secret_fields,
    )


def replay_response(_request: Request, exc: Exception) -> Response:
    """The answer to a retried keyed write: the first response, marked as replayed."""
    assert isinstance(exc, Replay)
    stored = exc.response
    return Response(
        content=stored.body,
        status_code=stored.status_code,
        media_type=stored.content_type,
        headers={REPLAYED_HEADER: "true"},
    )

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
from typing import Any, TypeVar

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from timeledger.errors import NOT_JSON, BadRequest
from timeledger.http.middleware import defer_body_refusal, refuse_pending_body
from timeledger.idempotency import service as idempotency
from timeledger.idempotency.schemas import (
    REPLAYED_HEADER,
    STATE_KEY,
    PendingKey,
    Replay,
    StoredResponse,
)

# The dependencies that authenticate the caller (``dependencies.get_actor``): a route with
# one refuses an unreadable body only after it, so an unknown caller gets 401 first.
_AUTHENTICATION: set[Callable[..., Any]] = set()

Call = TypeVar("Call", bound=Callable[..., Any])


def authenticates(call: Call) -> Call:
    """Mark a dependency as the one that authenticates the caller; it must call
    ``refuse_pending_body`` once it knows the caller."""
    _AUTHENTICATION.add(call)
    return call


def _authenticated(dependant: Dependant) -> bool:
    return any(sub.call in _AUTHENTICATION or _authenticated(sub) for sub in dependant.dependencies)


def _json_invalid(exc: RequestValidationError) -> bool:
    return any(error.get("type") == "json_invalid" for error in exc.errors())


class ApiRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        authenticated = _authenticated(self.dependant)

        async def run(request: Request) -> Response:
            if not authenticated:
                refuse_pending_body(request.scope)
            try:
                return await handler(request)
            except RequestValidationError as exc:
                # FastAPI parses JSON before any dependency runs: a body that does not
                # parse waits for authentication, as the edge's refusals do. Its bytes
                # are dropped (Starlette's cached body), so nothing reads them meanwhile.
                if not authenticated or not _json_invalid(exc):
                    raise
                defer_body_refusal(request.scope, BadRequest(NOT_JSON))
                request._body = b""
                return await handler(request)

        async def handle(request: Request) -> Response:
            response = await run(request)
            pending = request.scope.get("state", {}).get(STATE_KEY)
            if isinstance(pending, PendingKey) and pending.claimed:
                await run_in_threadpool(_remember, pending, response, secret_fields)
            return response

        secret_fields: frozenset[str] = getattr(self.response_model, "SECRET_FIELDS", frozenset())
        return handle


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

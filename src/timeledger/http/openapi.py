"""What every operation shares, added to the published schema in one place: the
``Idempotency-Key`` header on writes, the rate-limit headers and 429 on authenticated
operations, and 413 wherever a body is accepted."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from timeledger.http.ratelimit import LIMIT_HEADER, REMAINING_HEADER
from timeledger.http.requestid import HEADER as REQUEST_ID_HEADER
from timeledger.idempotency.schemas import HEADER as IDEMPOTENCY_HEADER
from timeledger.idempotency.schemas import WRITE_METHODS

_MESSAGE = {"$ref": "#/components/schemas/MessageBody"}
_INTEGER = {"schema": {"type": "integer"}}
_IDEMPOTENCY_PARAMETER = {
    "name": IDEMPOTENCY_HEADER,
    "in": "header",
    "required": False,
    "description": "Any unique string (a UUID is ideal). A retry with the same key and the "
    "same body replays the first response; the same key with another body gets 422. "
    "Kept for at least 24 hours per account. See docs/reliability.md.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~][ -~]*$"},
}


def _message_response(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": _MESSAGE}},
    }
    if headers:
        response["headers"] = headers
    return response


def _decorate(method: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    responses["200" if "200" in responses else next(iter(responses), "200")].setdefault(
        "headers", {}
    )[REQUEST_ID_HEADER] = {"description": "This request's id.", "schema": {"type": "string"}}
    if method.upper() in {"POST", "PUT", "PATCH"}:
        responses.setdefault("413", _message_response("The request body is over the limit."))
        responses.setdefault(
            "415",
            _message_response(
                "The body is not JSON: send Content-Type: application/json, in UTF-8."
            ),
        )
        responses.setdefault("400", _message_response("The body is not valid UTF-8 JSON."))
    if not operation.get("security"):
        return
    rate_headers = {LIMIT_HEADER: _INTEGER, REMAINING_HEADER: _INTEGER}
    responses.setdefault(
        "429",
        _message_response(
            "Too Many Attempts: more than the per-user limit this minute.",
            {**rate_headers, "Retry-After": _INTEGER},
        ),
    )
    if method.upper() in WRITE_METHODS:
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("name") == IDEMPOTENCY_HEADER for p in parameters):
            parameters.append(_IDEMPOTENCY_PARAMETER)


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
                "MessageBody",
                {
                    "type": "object",
                    "properties": {"message": {"type": "string"}},
                    "required": ["message"],
                    "title": "MessageBody",
                },
            )
            for methods in schema.get("paths", {}).values():
                for method, operation in methods.items():
                    _decorate(method, operation)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

"""Domain errors and the one place that turns any error into the API's Laravel-style body,
with pydantic's validation errors re-worded the way Laravel words them.

Services raise ``AppError`` subclasses; nothing else in the code base speaks HTTP.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException

logger = logging.getLogger(__name__)


# Validation errors in Laravel's words ------------------------------------------------
# Plannr clients read ``errors.<field>[0]`` and ``message``; this keeps both familiar.

# Where a value came from in FastAPI's error locations; not part of the field name.
_SOURCES = {"body", "query", "path", "header", "cookie"}


def summarise(errors: Mapping[str, Sequence[str]]) -> str:
    """Laravel's summary: the first message, then how many more there are."""
    messages = [message for field_messages in errors.values() for message in field_messages]
    if not messages:
        return "The given data was invalid."
    rest = len(messages) - 1
    if rest == 0:
        return messages[0]
    return f"{messages[0]} (and {rest} more error{'s' if rest > 1 else ''})"


def field_name(loc: Sequence[int | str]) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    return ".".join(parts) or "body"


def _message(error: Mapping[str, Any], attribute: str) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return f"The {attribute} field is required."
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return f"The {attribute} field is required."
        return f"The {attribute} field must be at least {ctx.get('min_length')} characters."
    if kind == "string_too_long":
        return f"The {attribute} field must not be greater than {ctx.get('max_length')} characters."
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == r"\S":
        return f"The {attribute} field is required."  # only white space
    if kind in {"too_short", "too_long"}:
        return _length_message(attribute, kind, ctx)
    if kind == "string_type":
        return f"The {attribute} field must be a string."
    if kind in {"int_type", "int_parsing", "int_from_float", "int_parsing_size"}:
        return f"The {attribute} field must be an integer."
    if kind in {"greater_than_equal", "greater_than"}:
        bound = ctx.get("ge", ctx.get("gt"))
        return f"The {attribute} field must be at least {bound}."
    if kind in {"less_than_equal", "less_than"}:
        bound = ctx.get("le", ctx.get("lt"))
        return f"The {attribute} field must not be greater than {bound}."
    if kind in {"uuid_type", "uuid_parsing", "uuid_version"}:
        return f"The {attribute} field must be a valid UUID."
    if kind in {"enum", "literal_error"}:
        return f"The selected {attribute} is invalid."
    if kind in {"bool_type", "bool_parsing"}:
        return f"The {attribute} field must be true or false."
    if kind == "value_error":
        return str(error.get("msg", "")).removeprefix("Value error, ")
    return f"The {attribute} field is invalid."


def _items(count: object) -> str:
    return f"{count} item" if count == 1 else f"{count} items"


def _length_message(attribute: str, kind: str, ctx: Mapping[str, Any]) -> str:
    """A list (or map) with too few or too many items, as Laravel's ``min.array`` and
    ``max.array`` say it."""
    if kind == "too_short":
        return f"The {attribute} field must have at least {_items(ctx.get('min_length'))}."
    return f"The {attribute} field must not have more than {_items(ctx.get('max_length'))}."


NOT_JSON = "The request body is not valid JSON."


def laravel_errors(raw: Sequence[Mapping[str, Any]]) -> tuple[int, dict[str, Any]]:
    """Turn pydantic's error list into ``(status, body)`` for the response."""
    if any(error.get("type") == "json_invalid" for error in raw):
        return 400, {"message": NOT_JSON}
    errors: dict[str, list[str]] = {}
    for error in raw:
        loc = tuple(error.get("loc", ()))
        name = field_name(loc)
        if name == "body" and error.get("type") in {
            "model_attributes_type",
            "dict_type",
            "missing",
        }:
            message = "The request body must be a JSON object."
        else:
            message = _message(error, name.replace("_", " ").replace(".", " "))
        errors.setdefault(name, [])
        if message not in errors[name]:
            errors[name].append(message)
    return 422, {"message": summarise(errors), "errors": errors}


# Domain errors --------------------------------------------------------------------------


class AppError(Exception):
    status_code = 500
    message = "Server Error."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message

    def body(self) -> dict[str, Any]:
        return {"message": self.message}

    def headers(self) -> dict[str, str]:
        return {}


class BadRequest(AppError):
    status_code = 400
    message = "Bad request."


class Unauthenticated(AppError):
    status_code = 401
    message = "Unauthenticated."


class Forbidden(AppError):
    status_code = 403
    message = "This action is unauthorized."


class NotFound(AppError):
    status_code = 404
    message = "Not Found."


class Conflict(AppError):
    status_code = 409
    message = "The request conflicts with the current state of the resource."


class PayloadTooLarge(AppError):
    status_code = 413
    message = "The request body is too large."


class UnsupportedMediaType(AppError):
    status_code = 415
    message = "Send the request body as JSON with the header Content-Type: application/json."


class TooManyAttempts(AppError):
    """429 as Laravel's throttle answers it, with the seconds to wait."""

    status_code = 429
    message = "Too Many Attempts."

    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = max(1, retry_after)

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


# Seconds a client is asked to wait before retrying a 503 (the database or a lock is busy).
RETRY_AFTER_SECONDS = 5
DATABASE_UNAVAILABLE = (
    "The database is unavailable or busy; nothing was changed. Try again in a few seconds."
)


class ServiceUnavailable(AppError):
    """503 with ``Retry-After``: a dependency is down or busy; the same request may
    succeed when retried after that many seconds."""

    status_code = 503
    message = "Service Unavailable."
    retry_after = RETRY_AFTER_SECONDS

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class ValidationFailed(AppError):
    """422 with per-field messages, shaped as Laravel shapes them."""

    status_code = 422

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        self.errors = {field: list(messages) for field, messages in errors.items()}
        super().__init__(summarise(self.errors))

    @classmethod
    def field(cls, field: str, message: str) -> ValidationFailed:
        return cls({field: [message]})

    def body(self) -> dict[str, Any]:
        return {"message": self.message, "errors": self.errors}


class MessageBody(BaseModel):
    message: str


class ValidationBody(BaseModel):
    message: str = Field(examples=["The name field is required. (and 1 more error)"])
    errors: dict[str, list[str]] = Field(
        examples=[
            {
                "name": ["The name field is required."],
                "trackable_uuid": ["The selected trackable uuid is invalid."],
            }
        ]
    )


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI descriptions of the error bodies a route can answer with."""
    described: dict[int, tuple[type[BaseModel], str]] = {
        400: (MessageBody, "Malformed request, or an ambiguous account."),
        401: (MessageBody, "Missing, unknown, expired or revoked token."),
        403: (MessageBody, "The account may not do this."),
        404: (MessageBody, "No such record in the caller's firm."),
        409: (MessageBody, "The request conflicts with a concurrent change."),
        413: (MessageBody, "The request body is over the size limit."),
        415: (MessageBody, "The body is not JSON (Content-Type: application/json, UTF-8)."),
        422: (ValidationBody, "The data was invalid."),
        429: (MessageBody, "Too many requests this minute; wait Retry-After seconds."),
        503: (MessageBody, "A service the API needs is unreachable."),
    }
    return {
        status: {"model": described[status][0], "description": described[status][1]}
        for status in statuses
    }


def error_response(exc: AppError) -> JSONResponse:
    """The response for a domain error; also used by the ASGI middleware."""
    return JSONResponse(exc.body(), status_code=exc.status_code, headers=exc.headers())


# What a record list and a single-record route of the records API can answer with.
LIST_ERRORS = error_responses(400, 401, 403, 422)
ONE_ERRORS = error_responses(400, 401, 403, 404, 422)


def _app_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(exc)


# FastAPI's words for a body it could not decode (bad UTF-8, JSON nested too deep).
_UNPARSEABLE_BODY = "There was an error parsing the body"


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400 and exc.detail == _UNPARSEABLE_BODY:
        message = NOT_JSON
    elif exc.status_code == 404:
        route = request.url.path.strip("/")
        message = f"The route {route} could not be found." if route else "Not Found."
    elif exc.status_code == 405:
        message = f"The {request.method} method is not supported for this route."
    else:
        message = str(exc.detail)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        allow = getattr(request.app.state, "allowed_methods", None)
        if allow is not None:
            headers["Allow"] = ", ".join(allow(request.scope))
    return JSONResponse({"message": message}, status_code=exc.status_code, headers=headers)


def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    status, body = laravel_errors(exc.errors())
    return JSONResponse(body, status_code=status)


def _database_unavailable(_request: Request, exc: Exception) -> JSONResponse:
    """A database that refuses, does not answer in time, or is locked by another process:
    503 with Retry-After (the transaction was rolled back by the unit of work). The
    driver's message may quote the statement's values, so only its class is logged."""
    logger.warning("database unavailable: %s", type(getattr(exc, "orig", exc)).__name__)
    return error_response(ServiceUnavailable(DATABASE_UNAVAILABLE))


def _unexpected_error(_request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error", exc_info=exc)
    return JSONResponse({"message": "Server Error."}, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(PoolTimeout, _database_unavailable)
    app.add_exception_handler(Exception, _unexpected_error)

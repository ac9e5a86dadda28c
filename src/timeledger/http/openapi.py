"""What every operation shares, added to the published schema in one place: the
``Idempotency-Key`` header on writes, the rate-limit headers and 429 on authenticated
operations, and 413 wherever a body is accepted; and parameters described as strictly as
the server reads them (``_tighten``), so a request valid by the schema is accepted."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from timeledger.dates import SCHEMA_DAY
from timeledger.http.ratelimit import LIMIT_HEADER, REMAINING_HEADER
from timeledger.http.requestid import HEADER as REQUEST_ID_HEADER
from timeledger.idempotency.schemas import HEADER as IDEMPOTENCY_HEADER
from timeledger.idempotency.schemas import WRITE_METHODS
from timeledger.kit.listing import UUID_LIST_PATTERN, UUID_PATTERN
from timeledger.kit.text import NOT_BLANK
from timeledger.models import TrackableType

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


# Text the database can store has no NUL character (http/storable.py refuses it in a
# body, kit/listing.text_filter in a search filter: 422).
_STORABLE = "^[^\\u0000]*$"
_TEXT_FILTERS = {"filter[name]", "filter[search]"}
DATE_RANGE_PATTERN = f"^{SCHEMA_DAY},{SCHEMA_DAY}$"
# A parameter the client sends is a string or absent, never JSON null; these names carry
# UUIDs (one, or a comma-separated list) whatever the route.
_NULL = {"type": "null"}
_UUID_LIST_FILTERS = {"filter[tags]", "filter[clients]", "filter[accounts_uuids]"}
_ENUM_FILTERS = {"filter[tag_match]": ["any", "all"], "filter[taskable_type]": ["client", "case"]}
# Filters taking a comma-separated list of these words (the server's own lists, as the
# parameters' descriptions say).
_WORD_LIST_FILTERS = {
    "filter[subject_type]": ["billing_rate", "tag", "lock", "invoice", "time_entry"],
    "filter[trackable_type]": [kind.value for kind in TrackableType],
    "filter[type]": ["client", "employee", "external"],
    "filter[role]": [
        "individual",
        "joint",
        "trust",
        "business",
        "owner",
        "admin",
        "member",
        "introducer",
    ],
    "filter[priority]": ["low", "medium", "high", "highest"],
    "filter[level]": ["case_staff", "case", "client_staff", "client", "staff", "firm"],
}
_CLIENT_TYPES = ["business", "individual", "joint", "trust"]
_PATH_ENUMS = {
    "trackable_type": [kind.value for kind in TrackableType],
    "report": ["summary", "weekly", "detailed"],
    "file_format": ["csv", "xlsx", "pdf"],
}
_TIME = r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
_DAY_OR_INSTANT_FILTERS = {
    "filter[start_date_after]",
    "filter[start_date_before]",
    "filter[end_date_after]",
    "filter[end_date_before]",
}


def _word_list(words: list[str]) -> str:
    word = f"({'|'.join(words)})"
    return rf"^{word}(,{word})*$"


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """``anyOf: [X, null]`` (pydantic's ``X | None``) as plain X, keeping X's siblings."""
    branches = schema.get("anyOf")
    if not branches or _NULL not in branches:
        return schema
    rest = [branch for branch in branches if branch != _NULL]
    merged = {key: value for key, value in schema.items() if key != "anyOf"}
    if len(rest) == 1:
        return {**rest[0], **merged}
    return {**merged, "anyOf": rest}


def _tighten(path: str, parameter: dict[str, Any]) -> None:
    """What the server accepts for a parameter, where FastAPI's schema says less: no
    null, a UUID where one is read (an unknown one is then 404: a business rule), the
    UUID-list and enum syntax of the filters."""
    schema = _without_null(parameter.get("schema", {}))
    name = parameter.get("name", "")
    in_path_or_header = parameter.get("in") in {"path", "header"}
    if in_path_or_header and (name == "uuid" or name.lower().endswith(("_uuid", "-uuid"))):
        schema = {**schema, "type": "string", "format": "uuid", "pattern": UUID_PATTERN}
    elif name in _UUID_LIST_FILTERS and "pattern" not in schema:
        schema = {**schema, "pattern": UUID_LIST_PATTERN}
    elif name in _ENUM_FILTERS:
        schema = {**schema, "enum": _ENUM_FILTERS[name]}
    elif name == "filter[between]":
        schema = {**schema, "pattern": DATE_RANGE_PATTERN}
    elif name == "filter[type]" and path == "/api/v1/client":
        # A client's "type" is its role (accounts/service.py).
        schema = {**schema, "pattern": _word_list(_CLIENT_TYPES)}
    elif name in _WORD_LIST_FILTERS:
        schema = {**schema, "pattern": _word_list(_WORD_LIST_FILTERS[name])}
    elif parameter.get("in") == "path" and name in _PATH_ENUMS:
        schema = {**schema, "enum": _PATH_ENUMS[name]}
    elif name in _DAY_OR_INSTANT_FILTERS:
        schema = {**schema, "pattern": f"^{SCHEMA_DAY}({_TIME})?$"}
    elif name == "filter[on]":
        schema = {**schema, "pattern": f"^{SCHEMA_DAY}$"}
    elif name in _TEXT_FILTERS:
        schema = {**schema, "pattern": _STORABLE}
    parameter["schema"] = schema


_STORABLE_NOT_BLANK = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"


def _storable_text(schema: Any) -> None:
    """Every free-text string of a request body says that NUL is refused."""
    if isinstance(schema, list):
        for item in schema:
            _storable_text(item)
        return
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not ({"format", "enum", "const"} & schema.keys()):
        pattern = schema.get("pattern")
        if pattern is None:
            schema["pattern"] = _STORABLE
        elif pattern == NOT_BLANK:
            schema["pattern"] = _STORABLE_NOT_BLANK
    for value in schema.values():
        if isinstance(value, dict | list):
            _storable_text(value)


# Bodies whose ``filter`` object takes the filter keys of a list: component -> list path.
_BODY_FILTERS = {"InvoiceRequest": "/api/v1/time-entry"}


def _body_filters(schema: dict[str, Any]) -> None:
    """A body's ``filter`` keys and values, exactly as the list's ``filter[key]`` reads them."""
    for name, path in _BODY_FILTERS.items():
        keys = {
            parameter["name"][len("filter[") : -1]: dict(parameter["schema"])
            for parameter in schema["paths"][path]["get"]["parameters"]
            if parameter["name"].startswith("filter[")
        }
        field = schema["components"]["schemas"][name]["properties"]["filter"]
        field.update(properties=keys, additionalProperties=False)


_ERROR_BODIES = frozenset({"MessageBody", "ValidationBody"})


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
            for path, methods in schema.get("paths", {}).items():
                for method, operation in methods.items():
                    _decorate(method, operation)
                    for parameter in operation.get("parameters", []):
                        _tighten(path, parameter)
            _body_filters(schema)
            for name, component in schema["components"]["schemas"].items():
                # Only what clients send: error bodies may quote a client's text, NUL too.
                if not name.endswith("Read") and name not in _ERROR_BODIES:
                    _storable_text(component)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

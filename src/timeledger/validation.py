"""Pydantic's validation errors, re-worded the way Laravel words them.

Plannr clients read ``errors.<field>[0]`` and ``message``; this keeps both familiar.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

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


def laravel_errors(raw: Sequence[Mapping[str, Any]]) -> tuple[int, dict[str, Any]]:
    """Turn pydantic's error list into ``(status, body)`` for the response."""
    if any(error.get("type") == "json_invalid" for error in raw):
        return 400, {"message": "The request body is not valid JSON."}
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

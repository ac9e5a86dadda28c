"""The published OpenAPI document's request bodies, walked field by field: tests of a whole
class of body fields (every boolean, every list) take their cases from here, so a field
added later is tested without anyone listing it."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from timeledger.app import create_app


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return _resolve(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    return schema


def _fields(
    schema: dict[str, Any], components: dict[str, Any], prefix: str = ""
) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(dotted name, schema)`` of every field of a body, each member of an ``anyOf``
    resolved; a map's values are named by the first of its keys the schema lists."""
    schema = _resolve(schema, components)
    for variant in schema.get("anyOf") or schema.get("oneOf") or [schema]:
        variant = _resolve(variant, components)
        if prefix:
            yield prefix.rstrip("."), variant
        for name, child in variant.get("properties", {}).items():
            yield from _fields(child, components, f"{prefix}{name}.")
        values = variant.get("additionalProperties")
        if isinstance(values, dict):
            keys = _resolve(variant.get("propertyNames", {}), components).get("enum", ["key"])
            yield from _fields(values, components, f"{prefix}{keys[0]}.")


@cache
def body_fields() -> tuple[tuple[str, str, str, dict[str, Any]], ...]:
    """``(METHOD, path, dotted field name, field schema)`` for every JSON request body."""
    document = create_app().openapi()
    components = document["components"]["schemas"]
    found: list[tuple[str, str, str, dict[str, Any]]] = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema is not None:
                for name, field in _fields(schema, components):
                    found.append((method.upper(), path, name, field))
    return tuple(found)


def body_with(field: str, value: Any) -> dict[str, Any]:
    """A body holding ``value`` at the dotted ``field`` and nothing else."""
    body: dict[str, Any] = {}
    *parents, last = field.split(".")
    inner = body
    for parent in parents:
        inner = inner.setdefault(parent, {})
    inner[last] = value
    return body

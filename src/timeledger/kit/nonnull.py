"""Fields a change may leave out but not send as ``null``: the published schema shows no
``null`` while pydantic still reads ``X | None`` (its own error names and messages, not a
union's), and the service answers ``null`` with its 422."""

from __future__ import annotations

from typing import Any

from pydantic import Field

_NULL = {"type": "null"}


def _without_null(schema: dict[str, Any]) -> None:
    branches = schema.pop("anyOf", None)
    if branches is None:
        return
    rest = [branch for branch in branches if branch != _NULL]
    if len(rest) == 1:
        schema.update({**rest[0], **schema})
    else:
        schema["anyOf"] = rest


# Use as ``name: Annotated[Name | None, NOT_NULL] = None``.
NOT_NULL: Any = Field(json_schema_extra=_without_null)

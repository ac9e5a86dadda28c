"""Field helpers every schema shares: a name is at least one character that is not space;
an optional field that is never null."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

# JSON Schema ``pattern`` is a search: "\S" means "holds a character that is not white
# space", so "   " is refused (422, "The name field is required.") in the schema itself.
NOT_BLANK = r"\S"

Name = Annotated[str, Field(min_length=1, max_length=255, pattern=NOT_BLANK)]


def never_null(schema: dict[str, Any]) -> None:
    """``json_schema_extra`` for an optional field that may be absent but never null: the
    published schema shows the type alone. (``SkipJsonSchema[None]`` would do the same but
    makes a union, whose errors name the member, "billable.bool", instead of the field.)"""
    options = [option for option in schema.pop("anyOf", []) if option != {"type": "null"}]
    if len(options) == 1:
        schema.update(options[0])

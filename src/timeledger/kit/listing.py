"""Laravel-style lists: ``filter[name]=a,b``, ``sort=-field``, ``per_page``/``page``.

``list_query(...)`` builds a FastAPI dependency that declares every allowed filter in the
OpenAPI schema and refuses unknown ones with 400, naming those it allows. The filter
helpers below read the parsed values the same way on every list.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from fastapi import Query, Request

from timeledger.errors import BadRequest, ValidationFailed
from timeledger.kit.ids import parse_uuid, parse_uuids

DEFAULT_PER_PAGE = 15
MAX_PER_PAGE = 500

E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class Sort:
    field: str
    descending: bool


@dataclass(frozen=True)
class ListParams:
    filters: dict[str, list[str]]
    sort: Sort
    page: int
    per_page: int
    url: str
    query: dict[str, str] = field(default_factory=dict)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def _parse_sort(raw: str | None, allowed: Sequence[str], default: str) -> Sort:
    value = (raw or default).strip()
    name = value.removeprefix("-")
    if name not in allowed:
        raise BadRequest(
            f"Requested sort(s) `{value}` is not allowed. Allowed sort(s) are "
            f"`{', '.join(allowed)}`, each optionally prefixed with `-` for descending."
        )
    return Sort(field=name, descending=value.startswith("-"))


def _parse_int(raw: str | None, name: str, default: int, maximum: int | None) -> int:
    label = name.replace("_", " ")
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationFailed.field(name, f"The {label} field must be an integer.") from None
    if value < 1:
        raise ValidationFailed.field(name, f"The {label} field must be at least 1.")
    if maximum is not None and value > maximum:
        raise ValidationFailed.field(name, f"The {label} field must not be greater than {maximum}.")
    return value


def parse_list_params(
    request: Request, *, filters: Sequence[str], sorts: Sequence[str], default_sort: str
) -> ListParams:
    query = request.query_params
    unknown = sorted(
        key[len("filter[") : -1]
        for key in query
        if key.startswith("filter[") and key.endswith("]") and key[7:-1] not in filters
    )
    if unknown:
        raise BadRequest(
            f"Requested filter(s) `{', '.join(unknown)}` are not allowed. Allowed filter(s) "
            f"are `{', '.join(filters)}`."
        )
    parsed = {
        name: [part.strip() for part in query[f"filter[{name}]"].split(",") if part.strip()]
        for name in filters
        if f"filter[{name}]" in query
    }
    # Laravel's 2038-safe page limit: beyond it the offset stops making sense.
    page = _parse_int(query.get("page"), "page", 1, 10_000_000)
    per_page = _parse_int(query.get("per_page"), "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    return ListParams(
        filters=parsed,
        sort=_parse_sort(query.get("sort"), sorts, default_sort),
        page=page,
        per_page=per_page,
        url=_public_url(request),
        query={key: value for key, value in query.items() if key != "page"},
    )


def _public_url(request: Request) -> str:
    """This list's address as clients reach it: the configured public URL (settings'
    ``public_url``) and the request's path; never the Host header a client sent."""
    settings = getattr(request.app.state, "settings", None)
    base = settings.public_url.rstrip("/") if settings is not None else ""
    return f"{base}{request.scope.get('root_path', '')}{request.url.path}"


def list_query(
    *,
    filters: Sequence[str],
    sorts: Sequence[str],
    default_sort: str,
    filter_descriptions: dict[str, str] | None = None,
) -> Callable[..., ListParams]:
    """A dependency parsing a list's query string; its parameters appear in OpenAPI."""
    descriptions = filter_descriptions or {}

    def dependency(request: Request, **_declared: Any) -> ListParams:
        return parse_list_params(request, filters=filters, sorts=sorts, default_sort=default_sort)

    declared = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)
    ]
    for name in filters:
        declared.append(
            _query_param(
                f"filter_{name}",
                f"filter[{name}]",
                descriptions.get(name, "Comma-separated values."),
                pattern=_filter_pattern(name),
            )
        )
    declared += [
        _query_param(
            "sort",
            "sort",
            f"One of {', '.join(sorts)}; prefix `-` for descending. Default `{default_sort}`.",
            pattern=rf"^\s*-?({'|'.join(sorts)})\s*$",
        ),
        _int_param(
            "per_page",
            f"Default {DEFAULT_PER_PAGE}, at most {MAX_PER_PAGE}.",
            maximum=MAX_PER_PAGE,
        ),
        _int_param("page", "From 1.", maximum=10_000_000),
    ]
    dependency.__signature__ = inspect.Signature(declared)  # type: ignore[attr-defined]
    return dependency


_UUID = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
UUID_PATTERN = rf"^{_UUID}$"
UUID_LIST_PATTERN = rf"^\s*{_UUID}\s*(,\s*{_UUID}\s*)*$"
# filter[accounts] also takes "*": every account (managers).
ACCOUNTS_PATTERN = rf"^\s*\*\s*$|{UUID_LIST_PATTERN}"


def _filter_pattern(name: str) -> str | None:
    """What the published schema says a filter's value looks like (documentation: the
    dependency still validates and words the errors)."""
    if name == "accounts":
        return ACCOUNTS_PATTERN
    if name == "uuid" or name.endswith(("_uuid", "_uuids")):
        return UUID_LIST_PATTERN
    return None


def _query_param(
    name: str, alias: str, description: str, *, pattern: str | None = None
) -> inspect.Parameter:
    # Declared as strings so that the dependency, not FastAPI, words the errors; the
    # pattern is published in the schema only.
    extra = {"pattern": pattern} if pattern else None
    return inspect.Parameter(
        name,
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[
            str | None, Query(alias=alias, description=description, json_schema_extra=extra)
        ],
    )


def _int_param(name: str, description: str, *, maximum: int) -> inspect.Parameter:
    # An integer in the schema; FastAPI's errors read as ours ("The page field must be an
    # integer.", "... at least 1.", "... not be greater than N.").
    return inspect.Parameter(
        name,
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[
            int | None, Query(alias=name, description=description, ge=1, le=maximum)
        ],
    )


UUID_EXAMPLE = "0b8f4a0e-4a2b-4c4e-9b1a-2f0d6c1e7a55"


def uuids_of_filter(values: list[str], name: str) -> list[uuid.UUID]:
    """The UUIDs of ``filter[name]``'s comma-separated values; one that is not a UUID is
    422 on ``filter[name]``, quoting it (it would otherwise silently match nothing)."""
    parsed = parse_uuids(values)
    if len(parsed) != len(values):
        bad = next(value for value in values if parse_uuid(value) is None)
        raise ValidationFailed.field(
            f"filter[{name}]",
            f"The filter[{name}] value {bad!r} is not a UUID: send comma-separated UUIDs "
            f"such as {UUID_EXAMPLE}.",
        )
    return parsed


def uuid_filter(params: ListParams, name: str) -> list[uuid.UUID] | None:
    """``filter[name]`` as UUIDs; ``None`` when absent; 422 for a malformed value."""
    if name not in params.filters:
        return None
    return uuids_of_filter(params.filters[name], name)


def like_pattern(text: str) -> str:
    """A case-insensitive ``LIKE`` pattern matching ``text`` anywhere, wildcards escaped."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def enum_filter(
    params: ListParams, name: str, enum: type[E], allowed: Sequence[E] | None = None
) -> list[E]:
    """The values of ``filter[name]`` as members of ``enum``; 422 for any other value."""
    choices = list(allowed if allowed is not None else enum)
    by_value = {member.value: member for member in choices}
    values = params.filters.get(name, [])
    wrong = [value for value in values if value not in by_value]
    if wrong:
        raise ValidationFailed.field(
            f"filter[{name}]",
            f"The selected filter[{name}] is invalid: use {', '.join(by_value)}.",
        )
    return [by_value[value] for value in values]


def text_filter(params: ListParams, name: str) -> str | None:
    """A free-text filter: its values joined back together (a comma is part of the text).

    No stored text holds a NUL character, and PostgreSQL refuses one in a query: 422.
    """
    values = params.filters.get(name)
    if not values:
        return None
    text = ",".join(values)
    if "\x00" in text:
        raise ValidationFailed.field(
            f"filter[{name}]", f"The filter[{name}] must not contain the NUL character."
        )
    return text

"""Laravel-style lists: ``filter[name]=a,b``, ``sort=-field``, ``per_page``/``page``, and
the ``{"data", "links", "meta"}`` envelope of a LengthAwarePaginator.

``list_query(...)`` builds a FastAPI dependency that declares every allowed filter in the
OpenAPI schema and refuses unknown ones with 400, naming those it allows.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlencode

from fastapi import Query, Request
from pydantic import BaseModel, ConfigDict, Field

from timeledger.errors import BadRequest, ValidationFailed

DEFAULT_PER_PAGE = 15
MAX_PER_PAGE = 500
# How many page links Laravel shows on each side of the current page.
ON_EACH_SIDE = 3

T = TypeVar("T")


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


class PageLinks(BaseModel):
    first: str | None
    last: str | None
    prev: str | None
    next: str | None


class MetaLink(BaseModel):
    url: str | None
    label: str
    active: bool


class PageMeta(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    current_page: int
    from_: int | None = Field(alias="from")
    last_page: int
    links: list[MetaLink]
    path: str
    per_page: int
    to: int | None
    total: int


class Page(BaseModel, Generic[T]):
    data: list[T]
    links: PageLinks
    meta: PageMeta


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
        url=str(request.url.replace(query="")),
        query={key: value for key, value in query.items() if key != "page"},
    )


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
            )
        )
    declared += [
        _query_param(
            "sort",
            "sort",
            f"One of {', '.join(sorts)}; prefix `-` for descending. Default `{default_sort}`.",
        ),
        _query_param(
            "per_page", "per_page", f"Default {DEFAULT_PER_PAGE}, at most {MAX_PER_PAGE}."
        ),
        _query_param("page", "page", "From 1."),
    ]
    dependency.__signature__ = inspect.Signature(declared)  # type: ignore[attr-defined]
    return dependency


def _query_param(name: str, alias: str, description: str) -> inspect.Parameter:
    # Declared as strings so that the dependency, not FastAPI, words the errors.
    return inspect.Parameter(
        name,
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[str | None, Query(alias=alias, description=description)],
    )


def build_page(items: list[T], *, total: int, params: ListParams) -> Page[T]:
    last_page = max(1, math.ceil(total / params.per_page))
    first_index = params.offset + 1 if items else None
    last_index = params.offset + len(items) if items else None

    def url(page: int | None) -> str | None:
        if page is None or page < 1 or page > last_page:
            return None
        return f"{params.url}?{urlencode({**params.query, 'page': str(page)})}"

    current = params.page
    return Page[T](
        data=items,
        links=PageLinks(
            first=url(1), last=url(last_page), prev=url(current - 1), next=url(current + 1)
        ),
        meta=PageMeta(
            current_page=current,
            from_=first_index,
            last_page=last_page,
            links=_meta_links(current, last_page, url),
            path=params.url,
            per_page=params.per_page,
            to=last_index,
            total=total,
        ),
    )


def _meta_links(
    current: int, last_page: int, url: Callable[[int | None], str | None]
) -> list[MetaLink]:
    window = set(range(max(1, current - ON_EACH_SIDE), min(last_page, current + ON_EACH_SIDE) + 1))
    window |= {1, 2, last_page - 1, last_page} & set(range(1, last_page + 1))
    links = [MetaLink(url=url(current - 1), label="&laquo; Previous", active=False)]
    previous = 0
    for page in sorted(window):
        if page - previous > 1:
            links.append(MetaLink(url=None, label="...", active=False))
        links.append(MetaLink(url=url(page), label=str(page), active=page == current))
        previous = page
    links.append(MetaLink(url=url(current + 1), label="Next &raquo;", active=False))
    return links

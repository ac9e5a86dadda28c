"""One page of rows, and the ``{"data", "links", "meta"}`` envelope of Laravel's
LengthAwarePaginator around it."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from timeledger.kit.listing import ListParams, Sort

# How many page links Laravel shows on each side of the current page.
ON_EACH_SIDE = 3

T = TypeVar("T")


def page_of(
    session: Session,
    statement: Select[Any],
    *,
    params: ListParams,
    order_by: Sequence[Any],
) -> tuple[list[Any], int]:
    """One page of ``statement``'s rows in the order ``order_by`` gives, and how many rows
    it has in all: ``(rows, total)``.

    A page that is not full tells the total by itself (it is the last one), so only a full
    page, or an empty one past the start, pays for the count.
    """
    offset, limit = params.offset, params.per_page
    rows = list(session.scalars(statement.order_by(*order_by).offset(offset).limit(limit)))
    if len(rows) < limit and (rows or offset == 0):
        return rows, offset + len(rows)
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    return rows, int(total or 0)


def sort_order(
    sort: Sort, columns: Mapping[str, Any], *, tie_breaker: ColumnElement[Any]
) -> list[Any]:
    """The requested sort column (rows without a value last), then ``tie_breaker``, so that
    pages never overlap."""
    column = columns[sort.field]
    ordered = column.desc() if sort.descending else column.asc()
    return [ordered.nulls_last(), tie_breaker]


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

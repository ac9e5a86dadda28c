"""The admin list pages' pages: 100 rows each, newest or first by name as each page sorts,
with links to the others (``_pager.html``) so no row is ever out of reach."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from timeledger.kit.listing import ListParams, Sort

PER_PAGE = 100
# ``?page=`` of a list page; FastAPI's refusal of a bad one is the 400 page (web/errors.py).
PageNumber = Annotated[int, Query(ge=1, le=10_000_000)]


def list_params(
    url: str,
    sort: Sort,
    *,
    page: int = 1,
    query: dict[str, str] | None = None,
    **filters: list[str],
) -> ListParams:
    """Page ``page`` (from 1) of ``PER_PAGE`` rows of the list at ``url``; ``query`` is kept
    in the pager's links (a name filter, archived)."""
    return ListParams(
        filters=dict(filters),
        sort=sort,
        page=page,
        per_page=PER_PAGE,
        url=url,
        query=dict(query or {}),
    )

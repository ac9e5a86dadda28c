"""Tags: staff list them and, with write permission, create them; owners and admins
rename and archive them. The same services and rules as ``/api/v1/tags``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.billing.schemas import TagCreate, TagUpdate
from timeledger.billing.service import tags
from timeledger.dependencies import ClockDep, SessionDep
from timeledger.kit.listing import Sort
from timeledger.permissions import may_create_tags, may_manage_tags, may_use_time_entries
from timeledger.web.actions import attempt
from timeledger.web.deps import WebActorDep
from timeledger.web.firm_settings import refusal
from timeledger.web.paging import PageNumber, list_params
from timeledger.web.templating import render

router = APIRouter(prefix="/app", include_in_schema=False)


def tags_context(
    session: Session, actor: Actor, *, archived: bool = False, page: int = 1, **extra: Any
) -> dict[str, Any]:
    """By name, ``paging.PER_PAGE`` a page."""
    filters = {"archived": ["1"]} if archived else {}
    query = {"archived": "1"} if archived else {}
    sort = Sort(field="name", descending=False)
    params = list_params("/app/tags", sort, page=page, query=query, **filters)
    listing = tags.list_tags(session, actor=actor, params=params)
    return {
        "title": "Tags",
        "actor": actor,
        "tags": listing.data,
        "listing": listing,
        "archived": archived,
        "may_create": bool(may_create_tags(actor)),
        "may_manage": bool(may_manage_tags(actor)),
        **extra,
    }


def _page(
    request: Request, session: Session, actor: Actor, error: str | None, status: str
) -> Response:
    verdict = may_use_time_entries(actor)
    if not verdict:
        # The service refused (and rolled back) already; the list is not theirs to see.
        return refusal(request, actor, verdict)
    context = tags_context(session, actor, error=error, status=None if error else status)
    return render(request, "tags.html", context)


@router.get("/tags", response_class=HTMLResponse)
def tags_page(
    request: Request,
    actor: WebActorDep,
    session: SessionDep,
    archived: str = "",
    page: PageNumber = 1,
) -> Response:
    verdict = may_use_time_entries(actor)
    if not verdict:
        return refusal(request, actor, verdict)
    context = tags_context(session, actor, archived=archived == "1", page=page)
    return render(request, "tags.html", context)


@router.post("/tags", response_class=HTMLResponse)
def add_tag(
    request: Request,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
    name: Annotated[str, Form(max_length=300)],
) -> Response:
    """``POST /api/v1/tags``."""

    def add() -> None:
        data = TagCreate.model_validate({"name": name})
        tags.create_tag(session, actor=actor, data=data, now=clock.now())

    error = attempt(session, add)
    return _page(request, session, actor, error, f"Tag “{' '.join(name.split())}” added.")


@router.post("/tags/{tag_uuid}/rename", response_class=HTMLResponse)
def rename_tag(
    request: Request,
    tag_uuid: str,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
    name: Annotated[str, Form(max_length=300)],
) -> Response:
    """``PUT /api/v1/tags/{uuid}``: owners and admins."""

    def rename() -> None:
        data = TagUpdate.model_validate({"name": name})
        tags.rename_tag(session, actor=actor, raw_uuid=tag_uuid, data=data, now=clock.now())

    error = attempt(session, rename)
    return _page(request, session, actor, error, f"Tag renamed to “{' '.join(name.split())}”.")


@router.post("/tags/{tag_uuid}/archive", response_class=HTMLResponse)
def archive_tag(
    request: Request, tag_uuid: str, actor: WebActorDep, session: SessionDep, clock: ClockDep
) -> Response:
    """``DELETE /api/v1/tags/{uuid}``: owners and admins; the tag stays on its entries."""
    error = attempt(
        session,
        lambda: tags.archive_tag(session, actor=actor, raw_uuid=tag_uuid, now=clock.now()),
    )
    return _page(request, session, actor, error, "Tag archived. It stays on its entries.")

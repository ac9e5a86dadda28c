"""Cases for owners and admins: the list (clients, billing client, archived state), a
form to open one, and archiving, through the API's cases service and rules."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from timeledger.accounts import service as accounts
from timeledger.auth.service import Actor
from timeledger.cases import service as cases
from timeledger.cases.schemas import CaseCreate, CaseResource
from timeledger.dependencies import ClockDep, SessionDep
from timeledger.errors import ValidationFailed
from timeledger.kit.listing import ListParams, Sort
from timeledger.models import AccountType
from timeledger.permissions import may_archive, may_edit_records, may_use_admin_pages
from timeledger.web.actions import attempt
from timeledger.web.deps import WebActorDep
from timeledger.web.paging import PageNumber, list_params
from timeledger.web.pickers import record_uuid
from timeledger.web.templating import render

router = APIRouter(prefix="/app", include_in_schema=False)

# The API's words (participants) are not the form's: its fieldset is "Clients".
NO_CLIENT = "Tick at least one client: a case is always for one or more clients."
# One page, as the clients page: a firm with more cases than this filters by name.
PAGE_SIZE = 500


def _params(sort: str, **filters: list[str]) -> ListParams:
    return ListParams(
        filters=dict(filters),
        sort=Sort(field=sort, descending=False),
        page=1,
        per_page=PAGE_SIZE,
        url="/app/cases",
    )


def billing_client_label(case: CaseResource) -> str:
    """Whose bill the case's time goes to, in words (docs/billing.md's rule): the chosen
    billing client, else the only client participant, else nobody ("several clients")."""
    clients = [p for p in case.participants if p.type == AccountType.CLIENT.value]
    chosen = next((c for c in clients if c.uuid == case.billing_client_uuid), None)
    if chosen is not None:
        return f"{chosen.name} (chosen)"
    if len(clients) == 1:
        return f"{clients[0].name} (only client)"
    return "None: several clients" if clients else "None: no client"


def forbidden(request: Request, actor: Actor, message: str | None) -> Response:
    context = {"title": "Not allowed", "actor": actor, "error": message}
    return render(request, "base.html", context, status_code=403)


def cases_context(
    session: Session,
    actor: Actor,
    *,
    archived: bool,
    name: str = "",
    page: int = 1,
    **extra: Any,
) -> dict[str, Any]:
    filters = {"archived": ["1" if archived else "0"]}
    if name.strip():
        filters["name"] = [name.strip()]
    query = {key: values[0] for key, values in filters.items()}
    sort = Sort(field="name", descending=False)
    listing = cases.list_cases(
        session,
        actor=actor,
        params=list_params("/app/cases", sort, page=page, query=query, **filters),
    )
    clients = accounts.account_choices(
        session, actor=actor, params=_params("first_name"), clients_only=True
    )
    return {
        "title": "Cases",
        "actor": actor,
        "cases": listing.data,
        "listing": listing,
        "archived": archived,
        "name": name,
        "clients": sorted(clients, key=lambda c: c.name.lower()),
        "billing_client": billing_client_label,
        "may_add": bool(may_edit_records(actor)),
        "may_archive": bool(may_archive(actor)),
        **extra,
    }


@router.get("/cases", response_class=HTMLResponse)
def cases_page(
    request: Request,
    actor: WebActorDep,
    session: SessionDep,
    archived: bool = False,
    name: Annotated[str, Query(max_length=255)] = "",
    page: PageNumber = 1,
) -> Response:
    """``?archived=1`` lists archived cases too; ``?name=`` filters by part of the name;
    ``paging.PER_PAGE`` a page, by name."""
    verdict = may_use_admin_pages(actor)
    if not verdict:
        return forbidden(request, actor, verdict.reason)
    context = cases_context(session, actor, archived=archived, name=name, page=page)
    return render(request, "cases.html", context)


@router.post("/cases", response_class=HTMLResponse)
def add_case(
    request: Request,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
    name: Annotated[str, Form(max_length=1000)] = "",
    clients: Annotated[list[str] | None, Form()] = None,
    billing_client: Annotated[str, Form()] = "",
) -> Response:
    """``POST /api/v1/cases`` from a form: the clients ticked are the participants; the
    billing client (optional) must be one of them, as the API checks."""
    verdict = may_use_admin_pages(actor)
    if not verdict:
        return forbidden(request, actor, verdict.reason)

    def add() -> None:
        if not clients:
            raise ValidationFailed.field("clients", NO_CLIENT)
        participants = [record_uuid("clients", value, "clients") for value in clients]
        if billing_client:
            record_uuid("billing_client", billing_client, "the billing client")
        data = CaseCreate.model_validate(
            {
                "name": name,
                "participants": participants,
                "billing_client_uuid": billing_client or None,
            }
        )
        cases.add_case(session, actor=actor, data=data, now=clock.now())

    error = attempt(session, add)
    status = None if error else f"Case {name.strip()} added."
    context = cases_context(session, actor, archived=False, error=error, status=status)
    if error:
        # Keep what was typed, so one fix is enough.
        context["form"] = {"name": name, "clients": set(clients or []), "billing": billing_client}
    return render(request, "cases.html", context)


@router.post("/cases/{case_uuid}/archive", response_class=HTMLResponse)
def archive_case(
    request: Request,
    case_uuid: uuid.UUID,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
) -> Response:
    """``DELETE /api/v1/cases/{uuid}``: archived, never deleted."""
    verdict = may_use_admin_pages(actor)
    if not verdict:
        return forbidden(request, actor, verdict.reason)
    shown: list[CaseResource] = []
    error = attempt(
        session,
        lambda: shown.append(
            cases.archive_case(session, actor=actor, raw_uuid=str(case_uuid), now=clock.now())
        ),
    )
    status = None if error else f"Case {shown[0].name} archived: its time stays in every report."
    context = cases_context(session, actor, archived=False, error=error, status=status)
    return render(request, "cases.html", context)

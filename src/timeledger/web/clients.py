"""Clients (staff read them; staff with write permission add them), through the API's
account services and rules."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from timeledger.accounts import service as accounts
from timeledger.accounts.schemas import AccountCreate
from timeledger.auth.service import Actor
from timeledger.dependencies import ClockDep, SessionDep
from timeledger.kit.listing import Sort
from timeledger.models import AccountRole, AccountType
from timeledger.permissions import may_edit_account, may_read_records
from timeledger.web.actions import attempt
from timeledger.web.deps import WebActorDep
from timeledger.web.paging import PageNumber, list_params
from timeledger.web.templating import render

router = APIRouter(prefix="/app", include_in_schema=False)
CLIENT_ROLES = (AccountRole.INDIVIDUAL, AccountRole.JOINT, AccountRole.TRUST, AccountRole.BUSINESS)


def clients_context(session: Session, actor: Actor, page: int = 1, **extra: Any) -> dict[str, Any]:
    """By first name, ``paging.PER_PAGE`` a page."""
    params = list_params("/app/clients", Sort(field="first_name", descending=False), page=page)
    listing = accounts.list_accounts(session, actor=actor, params=params, clients_only=True)
    return {
        "title": "Clients",
        "actor": actor,
        "clients": listing.data,
        "listing": listing,
        "roles": CLIENT_ROLES,
        "may_add": bool(may_edit_account(actor, AccountType.CLIENT, AccountRole.INDIVIDUAL)),
        **extra,
    }


@router.get("/clients", response_class=HTMLResponse)
def clients_page(
    request: Request, actor: WebActorDep, session: SessionDep, page: PageNumber = 1
) -> Response:
    if not may_read_records(actor):
        context = {"title": "Not allowed", "actor": actor, "error": "Only staff see clients."}
        return render(request, "base.html", context, status_code=403)
    return render(request, "clients.html", clients_context(session, actor, page))


@router.post("/clients", response_class=HTMLResponse)
def add_client(
    request: Request,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
    first_name: Annotated[str, Form(max_length=255)],
    role: Annotated[str, Form()],
    last_name: Annotated[str, Form(max_length=255)] = "",
    email: Annotated[str, Form(max_length=320)] = "",
) -> Response:
    """``POST /api/v1/account`` with ``type: client``, from a form."""

    def add() -> None:
        data = AccountCreate.model_validate(
            {
                "type": AccountType.CLIENT.value,
                "role": role,
                "first_name": first_name,
                "last_name": last_name,
                "email": email.strip() or None,
            }
        )
        accounts.add_account(session, actor=actor, data=data, now=clock.now())

    error = attempt(session, add)
    name = f"{first_name.strip()} {last_name.strip()}".strip()
    status = None if error else f"Client {name} added."
    return render(
        request, "clients.html", clients_context(session, actor, error=error, status=status)
    )

"""Sign-ins and tokens (everyone's own), and staff (owners and admins)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from timeledger.accounts import service as accounts
from timeledger.accounts.staff import add_staff_user
from timeledger.auth.service import Actor
from timeledger.dependencies import ClockDep, SessionDep
from timeledger.errors import ValidationFailed
from timeledger.kit.ids import uuid_or_not_found
from timeledger.kit.listing import ListParams, Sort
from timeledger.models import AccountRole, AccountType
from timeledger.permissions import may_edit_account, may_manage_staff, require
from timeledger.tokens import service as tokens
from timeledger.web import service
from timeledger.web.actions import attempt
from timeledger.web.deps import VisitorDep, WebActorDep
from timeledger.web.service import Visitor
from timeledger.web.templating import render

router = APIRouter(prefix="/app", include_in_schema=False)
STAFF_ROLES = (AccountRole.MEMBER, AccountRole.ADMIN, AccountRole.OWNER)


def _params(sort: str, **filters: list[str]) -> ListParams:
    return ListParams(
        filters=dict(filters),
        sort=Sort(field=sort, descending=sort == "created_at"),
        page=1,
        per_page=100,
        url="/app",
    )


def sessions_context(
    session: Session, visitor: Visitor, actor: Actor, **extra: Any
) -> dict[str, Any]:
    return {
        "title": "Sign-ins and tokens",
        "actor": actor,
        "current": visitor.web_session.id,
        "web_sessions": service.list_sessions(session, user=visitor.user),
        "tokens": tokens.list_tokens(session, actor=actor, params=_params("created_at")).data,
        **extra,
    }


@router.get("/sessions", response_class=HTMLResponse)
def sessions_page(
    request: Request, visitor: VisitorDep, actor: WebActorDep, session: SessionDep
) -> Response:
    response = render(request, "sessions.html", sessions_context(session, visitor, actor))
    # A token created on this page is swapped into it: a page kept for Back (the
    # browser's back-forward cache) would show it again.
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/sessions/{session_uuid}/revoke", response_class=HTMLResponse)
def revoke_web_session(
    request: Request,
    session_uuid: str,
    visitor: VisitorDep,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
) -> Response:
    error = attempt(
        session,
        lambda: service.revoke_session(
            session,
            user=visitor.user,
            session_uuid=uuid_or_not_found(session_uuid),
            now=clock.now(),
        ),
    )
    context = sessions_context(session, visitor, actor, error=error)
    return render(request, "sessions.html", context)


@router.post("/tokens/{token_uuid}/revoke", response_class=HTMLResponse)
def revoke_token(
    request: Request,
    token_uuid: str,
    visitor: VisitorDep,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
) -> Response:
    error = attempt(
        session,
        lambda: tokens.revoke_token(session, actor=actor, raw_uuid=token_uuid, now=clock.now()),
    )
    context = sessions_context(session, visitor, actor, error=error)
    return render(request, "sessions.html", context)


def forbidden(request: Request, actor: Actor) -> Response:
    context = {
        "title": "Not allowed",
        "actor": actor,
        "error": "Only owners and admins manage staff.",
    }
    return render(request, "base.html", context, status_code=403)


def staff_context(session: Session, actor: Actor, **extra: Any) -> dict[str, Any]:
    params = _params("created_at", type=[AccountType.EMPLOYEE.value])
    return {
        "title": "Staff",
        "actor": actor,
        "staff": accounts.list_accounts(session, actor=actor, params=params).data,
        "roles": [
            role for role in STAFF_ROLES if may_edit_account(actor, AccountType.EMPLOYEE, role)
        ],
        **extra,
    }


@router.get("/staff", response_class=HTMLResponse)
def staff_page(request: Request, actor: WebActorDep, session: SessionDep) -> Response:
    if not may_manage_staff(actor):
        return forbidden(request, actor)
    return render(request, "staff.html", staff_context(session, actor))


@router.post("/staff", response_class=HTMLResponse)
def add_staff(
    request: Request,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
    first_name: Annotated[str, Form(max_length=255)],
    last_name: Annotated[str, Form(max_length=255)],
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
    role: Annotated[str, Form()],
) -> Response:
    """A staff member who can sign in: a user (or an existing one), an employee account
    and the login joining them, through the CLI's ``user create`` service, under the API's
    rule for who may create staff of that role."""

    if not may_manage_staff(actor):
        return forbidden(request, actor)

    def add() -> None:
        try:
            chosen = AccountRole(role)
        except ValueError:
            raise ValidationFailed.field("role", "The selected role is invalid.") from None
        if chosen not in STAFF_ROLES:
            raise ValidationFailed.field("role", "The selected role is invalid.")
        require(may_edit_account(actor, AccountType.EMPLOYEE, chosen))
        add_staff_user(
            session,
            firm=actor.firm,
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            role=chosen,
            now=clock.now(),
        )

    error = attempt(session, add)
    status = None if error else f"{first_name} {last_name} can now sign in as {email}."
    context = staff_context(session, actor, error=error, status=status)
    return render(request, "staff.html", context)

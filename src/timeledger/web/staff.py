"""One staff member's role and permission overrides, for owners and admins: the API's
``PUT /api/v1/account/{uuid}`` (role) and ``PUT /api/v1/account/{uuid}/permissions``
(audited overrides), under the same rules and in one unit of work."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from timeledger.accounts import access
from timeledger.accounts import service as accounts
from timeledger.accounts.schemas import (
    AccountResource,
    AccountUpdate,
    PermissionsRead,
    PermissionsUpdate,
)
from timeledger.auth.service import Actor
from timeledger.dependencies import ClockDep, SessionDep
from timeledger.errors import AppError, NotFound, ValidationFailed
from timeledger.kit.listing import ListParams, Sort
from timeledger.models import AccountRole, AccountType
from timeledger.permissions import may_edit_account, may_use_admin_pages
from timeledger.web.actions import attempt
from timeledger.web.admin import STAFF_ROLES
from timeledger.web.deps import WebActorDep
from timeledger.web.templating import render

router = APIRouter(prefix="/app", include_in_schema=False)
# A form's choice for an override: follow the role (null), or set it on or off.
OVERRIDE_VALUES: dict[str, bool | None] = {"role": None, "yes": True, "no": False}
OVERRIDE_FIELDS = {"write": "write_override", "delete": "delete_override"}


def override_choice(value: bool | None) -> str:
    return next(key for key, known in OVERRIDE_VALUES.items() if known is value)


def permission_words(effective: bool, override: bool | None) -> str:
    """``yes (from role)``, ``no (override)``: the state in words, never colour alone."""
    return f"{'yes' if effective else 'no'} ({'from role' if override is None else 'override'})"


def overrides_words(overrides: dict[str, bool | None]) -> str:
    """``write: from role, delete: no`` for one side of a recorded change."""
    parts = []
    for label, name in OVERRIDE_FIELDS.items():
        value = overrides.get(name)
        parts.append(f"{label}: {'from role' if value is None else ('yes' if value else 'no')}")
    return ", ".join(parts)


def _message(request: Request, actor: Actor, message: str | None, status: int) -> Response:
    context = {"title": "Not allowed" if status == 403 else "Not found", "actor": actor}
    return render(request, "base.html", {**context, "error": message}, status_code=status)


def _staff_member(session: Session, actor: Actor, account_uuid: uuid.UUID) -> AccountResource:
    account = accounts.show_account(session, actor=actor, raw_uuid=str(account_uuid))
    if account.type != AccountType.EMPLOYEE.value:
        raise NotFound()
    return account


def _permissions(session: Session, actor: Actor, raw_uuid: str) -> PermissionsRead | None:
    """The login's permissions, or None when nobody logs in as the account."""
    try:
        return access.show_permissions(session, actor=actor, raw_uuid=raw_uuid)
    except NotFound as exc:
        if exc.message != access.NO_LOGIN:
            raise
        return None


def member_context(
    session: Session, actor: Actor, account_uuid: uuid.UUID, **extra: Any
) -> dict[str, Any]:
    person = _staff_member(session, actor, account_uuid)
    permissions = _permissions(session, actor, str(account_uuid))
    params = ListParams(
        filters={"type": [AccountType.EMPLOYEE.value]},
        sort=Sort(field="first_name", descending=False),
        page=1,
        per_page=500,
        url="/app/staff",
    )
    staff = accounts.list_accounts(session, actor=actor, params=params).data
    names = {a.uuid: a.name for a in staff}
    role = AccountRole(person.role)
    return {
        "title": person.name,
        "actor": actor,
        "person": person,
        "permissions": permissions,
        "may_edit": bool(may_edit_account(actor, AccountType.EMPLOYEE, role)),
        "roles": [r for r in STAFF_ROLES if may_edit_account(actor, AccountType.EMPLOYEE, r)],
        "names": names,
        "choice": override_choice,
        "words": permission_words,
        "overrides_words": overrides_words,
        "is_self": person.uuid == actor.account.uuid,
        **extra,
    }


@router.get("/staff/{account_uuid}", response_class=HTMLResponse)
def staff_member_page(
    request: Request, account_uuid: uuid.UUID, actor: WebActorDep, session: SessionDep
) -> Response:
    verdict = may_use_admin_pages(actor)
    if not verdict:
        return _message(request, actor, verdict.reason, 403)
    try:
        context = member_context(session, actor, account_uuid)
    except NotFound:
        return _message(request, actor, "No such staff member in this firm.", 404)
    return render(request, "staff_member.html", context)


def _apply(
    session: Session,
    actor: Actor,
    account_uuid: uuid.UUID,
    form: dict[str, str],
    clock: ClockDep,
) -> bool:
    """Change the role, then the overrides, through the API's services; True when
    anything changed. Any refusal raises (the caller rolls the whole change back)."""
    raw = str(account_uuid)
    person = _staff_member(session, actor, account_uuid)
    changed = False
    if form["role"] != person.role:
        data = AccountUpdate.model_validate({"role": form["role"]})
        accounts.update_account(session, actor=actor, raw_uuid=raw, data=data, now=clock.now())
        changed = True
    current = _permissions(session, actor, raw)
    wanted: dict[str, bool | None] = {}
    for label, name in OVERRIDE_FIELDS.items():
        if form[label] not in OVERRIDE_VALUES:
            raise ValidationFailed.field(name, f"The selected {label} permission is invalid.")
        value = OVERRIDE_VALUES[form[label]]
        if current is None:
            if value is not None:
                raise NotFound(access.NO_LOGIN)
        elif getattr(current, name) is not value:
            wanted[name] = value
    if wanted:
        data_p = PermissionsUpdate.model_validate(wanted)
        access.set_permissions(session, actor=actor, raw_uuid=raw, data=data_p, now=clock.now())
        changed = True
    return changed


@router.post("/staff/{account_uuid}", response_class=HTMLResponse)
def change_staff_member(
    request: Request,
    account_uuid: uuid.UUID,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
    role: Annotated[str, Form(max_length=50)],
    write: Annotated[str, Form(max_length=10)] = "role",
    delete: Annotated[str, Form(max_length=10)] = "role",
) -> Response:
    """Role and overrides in one unit of work: a refusal of either keeps neither."""
    verdict = may_use_admin_pages(actor)
    if not verdict:
        return _message(request, actor, verdict.reason, 403)
    form = {"role": role, "write": write, "delete": delete}
    changed: list[bool] = []
    error = attempt(
        session, lambda: changed.append(_apply(session, actor, account_uuid, form, clock))
    )
    try:
        context = member_context(session, actor, account_uuid, error=error)
    except AppError:
        return _message(request, actor, error or "No such staff member in this firm.", 404)
    if not error:
        name = context["person"].name
        context["status"] = (
            f"Saved {name}'s role and permissions." if changed[0] else ("Nothing changed.")
        )
    return render(request, "staff_member.html", context)

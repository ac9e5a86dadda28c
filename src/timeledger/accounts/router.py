from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from timeledger.accounts import access, service
from timeledger.accounts.schemas import (
    AccountCreate,
    AccountResource,
    AccountUpdate,
    PermissionsRead,
    PermissionsUpdate,
)
from timeledger.dependencies import ActorDep, ClockDep, SessionDep, api_router
from timeledger.errors import error_responses
from timeledger.kit.listing import ListParams, list_query
from timeledger.kit.paging import Page

router = api_router(prefix="/api/v1/account", tags=["Accounts"])
clients_router = api_router(prefix="/api/v1/client", tags=["Accounts"])

AccountList = Annotated[
    ListParams,
    Depends(
        list_query(
            filters=["type", "role", "name"],
            sorts=["first_name", "last_name", "created_at"],
            default_sort="first_name",
            filter_descriptions={
                "type": "client, employee or external; comma-separated.",
                "role": "individual, joint, trust, business, owner, admin, member or "
                "introducer; comma-separated.",
                "name": "Part of the first or last name, any case.",
            },
        )
    ),
]
ClientList = Annotated[
    ListParams,
    Depends(
        list_query(
            filters=["type", "name"],
            sorts=["first_name", "last_name", "created_at"],
            default_sort="first_name",
            filter_descriptions={
                "type": "The client's role: individual, joint, trust or business.",
                "name": "Part of the first or last name, any case.",
            },
        )
    ),
]
READ_ERRORS = error_responses(400, 401, 403, 404, 422)


@router.get(
    "",
    response_model=Page[AccountResource],
    summary="List accounts",
    description="Live (not archived) accounts of the caller's firm. A client or external sees "
    "only its own account.",
    responses=error_responses(400, 401, 403, 422),
)
def list_accounts(
    actor: ActorDep, session: SessionDep, params: AccountList
) -> Page[AccountResource]:
    return service.list_accounts(session, actor=actor, params=params)


@router.post(
    "",
    response_model=AccountResource,
    summary="Create an account",
    description="Answers 200, as upstream does. Members create clients and externals; only "
    "owners and admins create employees, and only owners create owners.",
    responses=error_responses(400, 401, 403, 422),
)
def create_account(
    body: AccountCreate, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> AccountResource:
    return service.add_account(session, actor=actor, data=body, now=clock.now())


@router.get(
    "/{uuid}", response_model=AccountResource, summary="Get an account", responses=READ_ERRORS
)
def get_account(uuid: str, actor: ActorDep, session: SessionDep) -> AccountResource:
    return service.show_account(session, actor=actor, raw_uuid=uuid)


@router.put(
    "/{uuid}",
    response_model=AccountResource,
    summary="Update an account",
    description="Only the fields sent change. The type cannot change; the role can, within it.",
    responses=READ_ERRORS,
)
def update_account(
    uuid: str, body: AccountUpdate, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> AccountResource:
    return service.update_account(session, actor=actor, raw_uuid=uuid, data=body, now=clock.now())


@router.get(
    "/{uuid}/permissions",
    response_model=PermissionsRead,
    summary="A login's permissions (extension)",
    description="What the account's login may do: the role's permissions with any override "
    "an owner or admin set, and every change to them. Owners and admins see any staff "
    "account's; everyone sees their own.",
    responses=READ_ERRORS,
)
def get_permissions(uuid: str, actor: ActorDep, session: SessionDep) -> PermissionsRead:
    return access.show_permissions(session, actor=actor, raw_uuid=uuid)


@router.put(
    "/{uuid}/permissions",
    response_model=PermissionsRead,
    summary="Override a login's permissions (extension)",
    description="Owners and admins set `write_override` or `delete_override` on a "
    "colleague's login (true or false), or clear one with null so the role decides again. "
    "Only owners change an owner's; nobody changes their own. Each change is recorded.",
    responses=READ_ERRORS,
)
def put_permissions(
    uuid: str, body: PermissionsUpdate, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> PermissionsRead:
    return access.set_permissions(session, actor=actor, raw_uuid=uuid, data=body, now=clock.now())


@router.delete(
    "/{uuid}",
    response_model=AccountResource,
    summary="Archive an account",
    description="Archives rather than deletes: time logged by or against the account stays "
    "readable. An archived account cannot log in, is left out of lists and cannot have new "
    "time logged against it. Needs delete permission.",
    responses=READ_ERRORS,
)
def archive_account(
    uuid: str, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> AccountResource:
    return service.archive_account(session, actor=actor, raw_uuid=uuid, now=clock.now())


@clients_router.get(
    "",
    response_model=Page[AccountResource],
    summary="List clients (deprecated upstream: use the account list)",
    responses=error_responses(400, 401, 403, 422),
)
def list_clients(actor: ActorDep, session: SessionDep, params: ClientList) -> Page[AccountResource]:
    return service.list_accounts(session, actor=actor, params=params, clients_only=True)


@clients_router.get(
    "/{uuid}",
    response_model=AccountResource,
    summary="Get a client (deprecated upstream: use the account route)",
    responses=READ_ERRORS,
)
def get_client(uuid: str, actor: ActorDep, session: SessionDep) -> AccountResource:
    return service.show_account(session, actor=actor, raw_uuid=uuid, clients_only=True)

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from timeledger.dependencies import ActorDep, ClockDep, SessionDep, SettingsDep, api_router
from timeledger.errors import error_responses
from timeledger.kit.listing import ListParams, list_query
from timeledger.kit.paging import Page
from timeledger.tokens import service
from timeledger.tokens.schemas import TokenCreate, TokenCreated, TokenRead

router = api_router(prefix="/api/v1/personal-access-tokens", tags=["Personal access tokens"])

TokenList = Annotated[
    ListParams,
    Depends(
        list_query(
            filters=[], sorts=["created_at", "last_used_at", "name"], default_sort="-created_at"
        )
    ),
]


@router.post(
    "",
    response_model=TokenCreated,
    status_code=201,
    summary="Create a personal access token",
    description="Confirms the user's password, then issues a token for the caller's user. The "
    "token is in the answer and nowhere else: only its SHA-256 is stored.",
    responses=error_responses(400, 401, 403, 422),
)
def create_token(
    body: TokenCreate,
    actor: ActorDep,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> TokenCreated:
    return service.create_token(
        session, actor=actor, data=body, now=clock.now(), lifetime=settings.token_lifetime
    )


@router.get(
    "",
    response_model=Page[TokenRead],
    summary="List your tokens",
    description="The caller's user's tokens, revoked and expired ones included, never the "
    "token itself.",
    responses=error_responses(400, 401, 403, 422),
)
def list_tokens(actor: ActorDep, session: SessionDep, params: TokenList) -> Page[TokenRead]:
    return service.list_tokens(session, actor=actor, params=params)


@router.delete(
    "/{uuid}",
    response_model=TokenRead,
    summary="Revoke a token",
    description="Revokes one of the caller's user's tokens at once, the one in use included.",
    responses=error_responses(400, 401, 403, 404),
)
def revoke_token(uuid: str, actor: ActorDep, session: SessionDep, clock: ClockDep) -> TokenRead:
    return service.revoke_token(session, actor=actor, raw_uuid=uuid, now=clock.now())

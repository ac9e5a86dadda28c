from __future__ import annotations

from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Depends

from timeledger.dependencies import ActorDep, ClockDep, SessionDep, SettingsDep, api_router
from timeledger.errors import error_responses
from timeledger.kit.listing import ListParams, list_query
from timeledger.kit.paging import Page
from timeledger.tokens import service
from timeledger.tokens.schemas import TokenCreate, TokenCreated, TokenRead

PREFIX = "/api/v1/personal-access-tokens"
TAGS: list[str | Enum] = ["Personal access tokens"]
# Creating a token takes the password: checked before the Idempotency-Key is claimed, with
# no transaction open and outside the concurrency gate (dependencies.confirm_password).
_creating = api_router(prefix=PREFIX, tags=TAGS, confirms_password=True)
_managing = api_router(prefix=PREFIX, tags=TAGS)

TokenList = Annotated[
    ListParams,
    Depends(
        list_query(
            filters=[], sorts=["created_at", "last_used_at", "name"], default_sort="-created_at"
        )
    ),
]


@_creating.post(
    "",
    response_model=TokenCreated,
    status_code=201,
    summary="Create a personal access token",
    description="Confirms the user's password (after 10 wrong passwords for a user, or 50 "
    "from one address, in 15 minutes: 429 with Retry-After), then issues a token for the "
    "caller's user. The token is in the answer and nowhere else: only its SHA-256 is stored.",
    responses=error_responses(400, 401, 403, 422, 429),
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


@_managing.get(
    "",
    response_model=Page[TokenRead],
    summary="List your tokens",
    description="The caller's user's tokens, revoked and expired ones included, never the "
    "token itself.",
    responses=error_responses(400, 401, 403, 422),
)
def list_tokens(actor: ActorDep, session: SessionDep, params: TokenList) -> Page[TokenRead]:
    return service.list_tokens(session, actor=actor, params=params)


@_managing.delete(
    "/{uuid}",
    response_model=TokenRead,
    summary="Revoke a token",
    description="Revokes one of the caller's user's tokens at once, the one in use included.",
    responses=error_responses(400, 401, 403, 404),
)
def revoke_token(uuid: str, actor: ActorDep, session: SessionDep, clock: ClockDep) -> TokenRead:
    return service.revoke_token(session, actor=actor, raw_uuid=uuid, now=clock.now())


router = APIRouter()
router.include_router(_creating)
router.include_router(_managing)

from __future__ import annotations

from fastapi import APIRouter

from timeledger.dependencies import ActorDep, BearerDep, ClockDep, SessionDep
from timeledger.errors import error_responses
from timeledger.me import service as profile
from timeledger.me.schemas import LoginList, MeRead

router = APIRouter(prefix="/api/v1", tags=["Me and logins"])


@router.get(
    "/me",
    summary="Get the current user",
    description="The user, the login and the account this request acts as (chosen with "
    "X-PLANNR-ACCOUNT-UUID when the user has several), with the account's running time "
    "entry as current_time_entry.",
    responses=error_responses(400, 401, 403),
)
def show_me(actor: ActorDep, session: SessionDep, clock: ClockDep) -> MeRead:
    return profile.show_me(session, actor=actor, now=clock.now())


@router.get(
    "/logins",
    summary="List your logins",
    description="Every account your user may act as, each with its firm and running time "
    "entry; send one's account.uuid as X-PLANNR-ACCOUNT-UUID. Needs no account header.",
    responses=error_responses(401),
)
def list_logins(credentials: BearerDep, session: SessionDep, clock: ClockDep) -> LoginList:
    return profile.list_logins(
        session, bearer=credentials.credentials if credentials else None, now=clock.now()
    )

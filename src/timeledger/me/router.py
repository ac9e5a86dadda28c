from __future__ import annotations

from timeledger.dependencies import ActorDep, BearerDep, ClockDep, SessionDep, api_router
from timeledger.errors import error_responses
from timeledger.me import service
from timeledger.me.schemas import LoginList, MeRead

router = api_router(prefix="/api/v1", tags=["Me and logins"])
# /logins needs no account (it is how a client finds one), so it neither acts as one nor
# counts against the per-user limit.
logins_router = api_router(prefix="/api/v1", tags=["Me and logins"], acts_as_account=False)


@router.get(
    "/me",
    summary="Get the current user",
    description="The user, the login and the account this request acts as (chosen with "
    "X-PLANNR-ACCOUNT-UUID when the user has several), with the account's running time "
    "entry as current_time_entry.",
    responses=error_responses(400, 401, 403),
)
def show_me(actor: ActorDep, session: SessionDep, clock: ClockDep) -> MeRead:
    return service.show_me(session, actor=actor, now=clock.now())


@logins_router.get(
    "/logins",
    summary="List your logins",
    description="Every account your user may act as, each with its firm and running time "
    "entry; send one's account.uuid as X-PLANNR-ACCOUNT-UUID. Needs no account header.",
    responses=error_responses(401),
)
def list_logins(credentials: BearerDep, session: SessionDep, clock: ClockDep) -> LoginList:
    return service.list_logins(
        session, bearer=credentials.credentials if credentials else None, now=clock.now()
    )

"""FastAPI dependencies shared by every router: the request's session, clock and caller."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from timeledger.auth.service import ACCOUNT_HEADER, Actor, authenticate
from timeledger.clock import Clock
from timeledger.config import Settings
from timeledger.errors import TooManyAttempts
from timeledger.http.middleware import scope_state
from timeledger.http.ratelimit import STATE_KEY as RATE_LIMIT_STATE
from timeledger.http.ratelimit import RateLimiter
from timeledger.idempotency.dependencies import claim_pending, hand_over


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: commit if the handler returned, roll back if it raised.

    Declared with ``scope="function"`` so the commit happens before the response is sent:
    a client that saw 200 can rely on the write being durable. A write that claimed an
    ``Idempotency-Key`` is handed, still open, to the idempotency middleware, which stores
    the response with the key and then commits both, also before the response is sent.
    """
    with ExitStack() as transaction:
        session = transaction.enter_context(request.app.state.session_factory())
        transaction.enter_context(session.begin())
        yield session
        hand_over(request, transaction)


# The two below are async only because they do no I/O: FastAPI runs a sync dependency in
# its thread pool, and each such hop costs more than these functions do.
async def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ClockDep = Annotated[Clock, Depends(get_clock)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]

_bearer = HTTPBearer(auto_error=False, description="A personal access token.")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def get_actor(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    credentials: BearerDep,
    account_uuid: Annotated[
        str | None,
        Header(
            alias=ACCOUNT_HEADER,
            description="Which of the token user's accounts to act as. Needed only when "
            "the user has logins on several accounts and the token is not bound to one.",
        ),
    ] = None,
) -> Actor:
    now = clock.now()
    actor = authenticate(
        session,
        bearer=credentials.credentials if credentials else None,
        account_header=account_uuid,
        now=now,
    )
    _count_request(request, actor)
    settings: Settings = request.app.state.settings
    claim_pending(request, session, actor, now=now, retention=settings.idempotency_retention)
    return actor


def _count_request(request: Request, actor: Actor) -> None:
    """The per-user rate limit; the middleware turns the decision into headers."""
    limiter: RateLimiter = request.app.state.rate_limiter
    decision = limiter.hit(str(actor.user.id))
    if decision is None:
        return
    scope_state(request.scope)[RATE_LIMIT_STATE] = decision
    if not decision.allowed:
        raise TooManyAttempts(decision.reset_after)


ActorDep = Annotated[Actor, Depends(get_actor)]

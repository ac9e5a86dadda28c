"""FastAPI dependencies shared by every router, in the order a request meets them:

1. ``get_session``: the request's unit of work (``db.UnitOfWork``);
2. ``get_actor``: who is calling (identity only: ``auth.authenticate``);
3. ``count_request``: the per-user rate limit, counted with no transaction open;
   (3b. ``confirm_password``, on routes that take the user's password: checked with no
   connection held and outside the concurrency gate, failures limited per user and
   address;)
4. ``claim_idempotency_key``: a keyed write reserves its key in the request's transaction;
5. the handler; then ``http.routing.ApiRoute`` stores a keyed write's response with its
   key, and ``get_session`` commits it all before the response is sent.

``api_router`` builds the routers that run 3 and 4 on every route.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from timeledger.auth.attempts import PasswordAttempts
from timeledger.auth.service import (
    ACCOUNT_HEADER,
    Actor,
    authenticate,
    cached_actor,
    verify_password,
)
from timeledger.clock import Clock
from timeledger.config import Settings
from timeledger.db import UnitOfWork, unit_of_work
from timeledger.errors import TooManyAttempts, ValidationFailed
from timeledger.http.middleware import outside_the_gate, refuse_pending_body, scope_state
from timeledger.http.ratelimit import STATE_KEY as RATE_LIMIT_STATE
from timeledger.http.ratelimit import Decision, RateLimiter
from timeledger.http.routing import ApiRoute, authenticates
from timeledger.idempotency import service as idempotency
from timeledger.idempotency.schemas import HEADER as IDEMPOTENCY_HEADER
from timeledger.idempotency.schemas import STATE_KEY as IDEMPOTENCY_STATE
from timeledger.idempotency.schemas import WRITE_METHODS, PendingKey


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: commit if the handler returned, roll back if it raised.

    Declared with ``scope="function"`` so the commit happens before the response is sent:
    a client that saw 200 can rely on the write being durable. A keyed write's response
    has been stored with its key (by ``ApiRoute``) by then, so both commit together.
    """
    with unit_of_work(request.app.state.session_factory) as session:
        yield session


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


@authenticates
async def get_actor(
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
    """The caller: the bearer token's user acting as one account (401, 403 or 400).

    Async so that a token in the cache (``auth.cache``: no SQL) costs no thread-pool hop;
    a miss queries in the pool."""
    bearer = credentials.credentials if credentials else None
    cache = getattr(request.app.state, "actor_cache", None)
    now = clock.now()
    hit = cached_actor(session, bearer=bearer, account_header=account_uuid, now=now, cache=cache)
    # Whether the rate-limit count may run on the event loop: nothing to commit.
    scope_state(request.scope)[_AUTH_WROTE] = hit is None or _has_changes(session)
    if hit is None:
        hit = await run_in_threadpool(
            lambda: authenticate(
                session, bearer=bearer, account_header=account_uuid, now=now, cache=cache
            )
        )
    # Known caller: now an unreadable body is refused (an unknown one got 401 above).
    refuse_pending_body(request.scope)
    return hit


_AUTH_WROTE = "timeledger.auth.touched_database"


def _has_changes(session: Session) -> bool:
    return bool(session.new or session.dirty or session.deleted)


ActorDep = Annotated[Actor, Depends(get_actor)]


async def count_request(request: Request, actor: ActorDep, session: SessionDep) -> None:
    """The per-user rate limit (429 past it); ``http.edge.EdgeMiddleware`` turns the
    decision into headers.

    Authentication's reads (and the token's last-use stamp) are committed first, so the
    count, which may wait on Redis, runs with no transaction open and, on SQLite, without
    the write lock; the handler's work begins a new transaction. When authentication came
    from the token cache (nothing to commit) and the counters are in memory, nothing here
    waits: it runs on the event loop, without a thread-pool hop.
    """
    limiter: RateLimiter = request.app.state.rate_limiter
    state = scope_state(request.scope)
    if state.get(_AUTH_WROTE, True) or limiter.counters.shared is not None:
        decision = await run_in_threadpool(_checkpoint_and_count, session, limiter, actor)
    else:
        decision = _checkpoint_and_count(session, limiter, actor)
    state[RATE_LIMIT_STATE] = decision
    if not decision.allowed:
        raise TooManyAttempts(decision.reset_after)


def _checkpoint_and_count(session: Session, limiter: RateLimiter, actor: Actor) -> Decision:
    UnitOfWork.of(session).checkpoint()
    return limiter.hit(str(actor.user.id))


async def confirm_password(request: Request, actor: ActorDep) -> None:
    """The body's ``password`` must be the caller's (422 on ``password`` if not; 429 with
    Retry-After once the user or the client address has failed too often, see
    ``auth.attempts``). A body without a string password is left to the body's own
    validation (422).

    Runs after ``count_request`` committed, so no connection or lock is held, and outside
    the concurrency gate: argon2 takes tens of milliseconds of CPU, and on SQLite the gate
    has one place, which others' requests need meanwhile.
    """
    password = await _body_password(request)
    if password is None:
        return
    attempts: PasswordAttempts = request.app.state.password_attempts
    user_key = str(actor.user.id)
    address = request.client.host if request.client else "unknown"
    await run_in_threadpool(lambda: attempts.check(user_key=user_key, address=address))
    async with outside_the_gate(request.scope):
        confirmed = await run_in_threadpool(verify_password, actor.user, password)
    if not confirmed:
        await run_in_threadpool(lambda: attempts.record_failure(user_key=user_key, address=address))
        raise ValidationFailed.field("password", "The password is incorrect.")
    await run_in_threadpool(lambda: attempts.reset(user_key=user_key))


async def _body_password(request: Request) -> str | None:
    try:
        body = await request.json()
    except ValueError:
        return None
    password = body.get("password") if isinstance(body, dict) else None
    return password if isinstance(password, str) and password else None


async def keyed_write(request: Request) -> PendingKey | None:
    """A write's ``Idempotency-Key`` with the fingerprint of the request; None otherwise."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None or request.method not in WRITE_METHODS:
        return None
    return PendingKey(
        key=key,
        fingerprint=idempotency.fingerprint(
            secret=request.app.state.secret_key,
            method=request.method,
            path=request.scope["path"],
            query=bytes(request.scope.get("query_string", b"")).decode("latin-1"),
            body=await request.body(),
        ),
    )


async def claim_idempotency_key(
    request: Request,
    pending: Annotated[PendingKey | None, Depends(keyed_write)],
    actor: ActorDep,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> None:
    """Reserve a keyed write's key in the request's transaction, or answer a retry
    (``Replay``), or refuse a reused key (422) or one in use (409). ``ApiRoute`` later
    stores the response with it.

    Async so that the many requests without a key cost no thread-pool hop; a key's claim
    (database work) runs in the pool."""
    if pending is None:
        return
    pending.record = await run_in_threadpool(
        lambda: idempotency.claim(
            session,
            actor=actor,
            key=pending.key,
            fingerprint=pending.fingerprint,
            now=clock.now(),
            retention=settings.idempotency_retention,
        )
    )
    pending.session = session
    scope_state(request.scope)[IDEMPOTENCY_STATE] = pending


# What every route that acts as an account runs before its handler, besides
# authentication: count the request, then claim its Idempotency-Key.
ACCOUNT_ROUTE_DEPENDENCIES: Sequence[Any] = (
    Depends(count_request),
    Depends(claim_idempotency_key),
)


def api_router(
    *,
    prefix: str = "",
    tags: list[str | Enum],
    acts_as_account: bool = True,
    confirms_password: bool = False,
) -> APIRouter:
    """A router of the API: ``ApiRoute`` routes and, when its routes act as an account
    (all but ``/logins`` and the health checks), the rate-limit count and the idempotency
    claim on each; with ``confirms_password``, ``confirm_password`` between the two."""
    dependencies = list(ACCOUNT_ROUTE_DEPENDENCIES) if acts_as_account else []
    if confirms_password:
        dependencies.insert(1, Depends(confirm_password))
    return APIRouter(
        prefix=prefix,
        tags=tags,
        route_class=ApiRoute,
        dependencies=dependencies or None,
    )

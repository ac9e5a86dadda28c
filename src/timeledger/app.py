"""The application factory. Importing this module does nothing; ``create_app`` builds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi_offline import FastAPIOffline
from sqlalchemy.orm import Session, sessionmaker

from timeledger import __version__
from timeledger.accounts.router import clients_router
from timeledger.accounts.router import router as accounts_router
from timeledger.audit.router import router as audit_router
from timeledger.auth.attempts import PasswordAttempts
from timeledger.auth.cache import ActorCache
from timeledger.billing.router import lock_router as billing_lock_router
from timeledger.billing.router import rates_router as billing_rates_router
from timeledger.billing.router import tags_router as billing_tags_router
from timeledger.board_tasks.router import router as board_tasks_router
from timeledger.cases.router import client_cases_router
from timeledger.cases.router import router as cases_router
from timeledger.circles.router import router as circles_router
from timeledger.clock import Clock, SystemClock
from timeledger.config import Settings, resolve_secret_key
from timeledger.db import (
    build_engine,
    build_probe,
    build_session_factory,
    database_wait_seconds,
    pool_capacity,
)
from timeledger.errors import install_error_handlers
from timeledger.firms.router import router as firms_router
from timeledger.health.router import router as health_router
from timeledger.http.edge import EdgeMiddleware
from timeledger.http.manners import allowed_methods
from timeledger.http.openapi import install_openapi
from timeledger.http.ratelimit import RateLimiter
from timeledger.http.routing import replay_response
from timeledger.idempotency.schemas import Replay
from timeledger.kit.counters import Counters
from timeledger.me.router import logins_router
from timeledger.me.router import router as me_router
from timeledger.reports.router import router as reports_router
from timeledger.tasks.router import router as tasks_router
from timeledger.time_entries.router import client_router as client_time_entries_router
from timeledger.time_entries.router import router as time_entries_router
from timeledger.tokens.router import router as tokens_router
from timeledger.web.install import install_web
from timeledger.webhooks.router import router as webhooks_router

DESCRIPTION = """\
Time tracking for advice firms, compatible with the Plannr CRM time-entry API.

Authenticate with `Authorization: Bearer <personal access token>`; when your user has logins
on several accounts, pick one with `X-PLANNR-ACCOUNT-UUID`. Dates are shown in the firm's
time zone with their offset.
"""

# In the order they are matched. The audit router comes before the time-entry lists: their
# /{trackable_type}/{trackable_uuid} would match /{uuid}/history too.
ROUTERS: tuple[APIRouter, ...] = (
    health_router,
    audit_router,
    time_entries_router,
    client_time_entries_router,
    me_router,
    logins_router,
    accounts_router,
    clients_router,
    client_cases_router,
    cases_router,
    circles_router,
    tasks_router,
    board_tasks_router,
    firms_router,
    tokens_router,
    # Billing (issue 11).
    billing_rates_router,
    billing_tags_router,
    billing_lock_router,
    reports_router,
    webhooks_router,
)


def create_app(
    settings: Settings | None = None,
    *,
    session_factory: sessionmaker[Session] | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    settings = settings or Settings()
    engine = probe_engine = None
    if session_factory is None:
        # Creating an engine opens no connection; the first request does.
        engine = build_engine(settings)
        session_factory = build_session_factory(engine)
        probe_engine = build_probe(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        for built in (engine, probe_engine):
            if built is not None:
                built.dispose()

    # Swagger UI and ReDoc from files inside the fastapi-offline package, not a CDN: the
    # docs work on a server without internet access.
    app = FastAPIOffline(
        title="timeledger",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.secret_key = resolve_secret_key(settings)
    app.state.allowed_methods = lambda scope: allowed_methods(app.router.routes, scope)
    app.state.session_factory = session_factory
    # /readyz's own engine (no pool, short timeouts); tests that bring their own session
    # factory are probed through it.
    app.state.probe = build_session_factory(probe_engine) if probe_engine else session_factory
    app.state.clock = clock or SystemClock()
    counters = Counters(settings)
    app.state.rate_limiter = RateLimiter(settings, counters)
    app.state.actor_cache = ActorCache(settings.auth_cache_seconds)
    app.state.password_attempts = PasswordAttempts(settings, counters)
    install_error_handlers(app)
    app.add_exception_handler(Replay, replay_response)
    for router in ROUTERS:
        app.include_router(router)
    # The web app (issue 13): pages under /app, and / for browsers.
    install_web(app, settings)
    _install_middleware(app, settings)
    install_openapi(app)
    return app


def _install_middleware(app: FastAPI, settings: Settings) -> None:
    """One ASGI layer (``http.edge.EdgeMiddleware``): request id and access log, body
    limit, concurrency gate, security and rate-limit headers; then the routes (whose
    dependencies count the request and claim an Idempotency-Key)."""
    app.add_middleware(
        EdgeMiddleware,
        https=settings.public_url.lower().startswith("https://"),
        max_body_bytes=settings.max_body_bytes,
        capacity=pool_capacity(settings.database_url),
        # The health checks bound their own waits (health/service.py).
        exempt=frozenset({"/healthz", "/readyz"}),
        wait_seconds=database_wait_seconds(settings),
    )

"""Mounting the web app on the API's FastAPI application."""

from __future__ import annotations

import re

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from timeledger.config import Environment, Settings, resolve_secret_key
from timeledger.web import (
    access_tokens,
    admin,
    cases,
    clients,
    days,
    firm_settings,
    imports,
    rates,
    reports,
    staff,
    tags,
    timer,
    webhooks,
    weeks,
)
from timeledger.web.deps import COOKIE, Redirect, redirect_handler
from timeledger.web.errors import PageCsrf, install_error_pages
from timeledger.web.inputs import UnstorableInput, storable_input, unstorable_input_handler
from timeledger.web.manners import AppManners
from timeledger.web.records import RecordNotInPath, record_in_path, record_not_in_path_handler
from timeledger.web.router import SIGN_IN_SUBMIT, router
from timeledger.web.templating import STATIC_DIR, STATIC_URL

# Every router of pages, in the order they are tried.
PAGES = (
    router,
    timer.router,
    days.router,
    weeks.router,
    reports.router,
    clients.router,
    admin.router,
    access_tokens.router,
    cases.router,
    imports.router,
    staff.router,
    firm_settings.router,
    rates.router,
    tags.router,
    webhooks.router,
)
# The pages whose addresses name a record (``/app/<thing>/<uuid>``); every page of theirs
# needs a signed-in user, which the record check asks for first.
RECORD_PAGES = (
    admin.router,
    cases.router,
    days.router,
    rates.router,
    staff.router,
    tags.router,
    webhooks.router,
)
CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "x-csrftoken"


def install_web(app: FastAPI, settings: Settings) -> None:
    """The pages, their static files and CSRF protection (starlette-csrf: a signed
    double-submit cookie, sent back by htmx in the ``X-CSRFToken`` header on every
    state-changing request under ``/app``)."""
    app.add_exception_handler(Redirect, redirect_handler)
    app.add_exception_handler(UnstorableInput, unstorable_input_handler)
    app.add_exception_handler(RecordNotInPath, record_not_in_path_handler)
    install_error_pages(app)
    for pages in PAGES:
        checks = [Depends(storable_input)]
        if pages in RECORD_PAGES:
            checks.append(Depends(record_in_path))
        app.include_router(pages, dependencies=checks)
    app.mount(STATIC_URL, StaticFiles(directory=STATIC_DIR), name="static")
    if settings.environment is Environment.PRODUCTION:
        # Refuse to start without TIMELEDGER_SECRET_KEY rather than at the first page.
        resolve_secret_key(settings)
    app.add_middleware(AppCsrf, settings=settings)


class AppCsrf:
    """starlette-csrf on the web app's paths (``/app``), built at their first request: the
    secret is resolved then (``resolve_secret_key`` may create its file), so an app that
    only ever serves the API or health checks never touches it. Everything else passes
    straight through (the API authenticates with bearer tokens, which browsers never send
    by themselves)."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.protected: ASGIApp | None = None

    def _build(self) -> ASGIApp:
        if self.protected is None:
            csrf = PageCsrf(
                self.app,
                secret=resolve_secret_key(self.settings).decode(),
                # Signing in is checked too (no session cookie yet): no login CSRF.
                required_urls=[re.compile(rf"^{SIGN_IN_SUBMIT}$")],
                sensitive_cookies={COOKIE},
                cookie_name=CSRF_COOKIE,
                header_name=CSRF_HEADER,
                cookie_secure=self.settings.public_url.startswith("https://"),
                cookie_path="/",
            )
            self.protected = AppManners(csrf, static_url=STATIC_URL)
        return self.protected

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] == "http" and (path == "/app" or path.startswith("/app/")):
            await self._build()(scope, receive, send)
            return
        await self.app(scope, receive, send)

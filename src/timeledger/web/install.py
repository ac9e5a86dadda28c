"""Mounting the web app on the API's FastAPI application."""

from __future__ import annotations

import inspect
import re

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette_csrf.middleware import CSRFMiddleware

from timeledger.config import Environment, Settings, resolve_secret_key
from timeledger.errors import laravel_errors
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
from timeledger.web.inputs import UnstorableInput, storable_input, unstorable_input_handler
from timeledger.web.router import SIGN_IN_SUBMIT, router
from timeledger.web.templating import STATIC_DIR, STATIC_URL, render

CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "x-csrftoken"


def install_web(app: FastAPI, settings: Settings) -> None:
    """The pages, their static files and CSRF protection (starlette-csrf: a signed
    double-submit cookie, sent back by htmx in the ``X-CSRFToken`` header on every
    state-changing request under ``/app``)."""
    app.add_exception_handler(Redirect, redirect_handler)
    app.add_exception_handler(UnstorableInput, unstorable_input_handler)
    api_validation_error = app.exception_handlers[RequestValidationError]

    async def validation_error(request: Request, exc: Exception) -> Response:
        # A page's query or form that FastAPI refuses (a bad ?archived=, a name too
        # long) answers a page saying so, not the API's JSON body.
        if not request.url.path.startswith("/app"):
            answer = api_validation_error(request, exc)
            return await answer if inspect.isawaitable(answer) else answer
        assert isinstance(exc, RequestValidationError)
        _status, body = laravel_errors(exc.errors())
        problems = [m for messages in body.get("errors", {}).values() for m in messages]
        context = {
            "title": "Bad request",
            "actor": None,
            "error": " ".join(problems) or body["message"],
        }
        return render(request, "base.html", context, status_code=400)

    app.add_exception_handler(RequestValidationError, validation_error)
    for pages in (
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
    ):
        app.include_router(pages, dependencies=[Depends(storable_input)])
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
            self.protected = CSRFMiddleware(
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
        return self.protected

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] == "http" and (path == "/app" or path.startswith("/app/")):
            await self._build()(scope, receive, send)
            return
        await self.app(scope, receive, send)

"""Mounting the web app on the API's FastAPI application."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette_csrf.middleware import CSRFMiddleware

from timeledger.config import Settings, resolve_secret_key
from timeledger.http.ratelimit import RateLimiter
from timeledger.web import admin, days, timer, weeks
from timeledger.web.attempts import FailedSignIns
from timeledger.web.deps import COOKIE, Redirect, redirect_handler
from timeledger.web.router import SIGN_IN_SUBMIT, router
from timeledger.web.templating import STATIC_DIR, STATIC_URL

CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "x-csrftoken"


def install_web(app: FastAPI, settings: Settings, limiter: RateLimiter) -> None:
    """The pages, their static files and CSRF protection (starlette-csrf: a signed
    double-submit cookie, sent back by htmx in the ``X-CSRFToken`` header on every
    state-changing request). The API (``/api``, bearer tokens) is exempt: browsers do not
    send its credentials by themselves."""
    app.state.failed_sign_ins = FailedSignIns(limiter)
    app.add_exception_handler(Redirect, redirect_handler)
    for pages in (router, timer.router, days.router, weeks.router, admin.router):
        app.include_router(pages)
    app.mount(STATIC_URL, StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(
        CSRFMiddleware,
        secret=resolve_secret_key(settings).decode(),
        # Signing in is checked too (no session cookie yet): no login CSRF.
        required_urls=[re.compile(rf"^{SIGN_IN_SUBMIT}$")],
        exempt_urls=[re.compile(r"^/(api|healthz|docs|openapi)")],
        sensitive_cookies={COOKIE},
        cookie_name=CSRF_COOKIE,
        header_name=CSRF_HEADER,
        cookie_secure=settings.public_url.startswith("https://"),
        cookie_path="/",
    )

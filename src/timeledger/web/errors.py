"""Every refusal under ``/app`` answers the app's error page (``templating.error_page``),
not the API's JSON nor a framework's plain text (docs/web.md, "HTTP"): an unknown page
(404), a method a page does not take (405), a form without its CSRF token (403), a body
past the size limit (413), a query FastAPI refuses (400), and whatever the body checks
and the concurrency gate answer before any page runs. The API under ``/api`` keeps its
JSON. (A request whose headers pass the size limit is refused before it is even parsed:
``http.server`` answers that 431 with a page of its own for paths under ``/app``.)"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException
from starlette.types import Scope
from starlette_csrf.middleware import CSRFMiddleware

from timeledger.errors import AppError, ValidationFailed, laravel_errors
from timeledger.http.middleware import ERROR_PAGE_STATE
from timeledger.web.templating import error_page

CSRF_REFUSED = (
    "This form could not be sent: its security token is missing or out of date. "
    "Reload the page and try again. Nothing was saved."
)
_TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Page not found",
    405: "Not allowed",
    413: "Too large",
    422: "Bad request",
    429: "Too many requests",
    503: "Try again shortly",
}


def is_page_path(path: str) -> bool:
    return path == "/app" or path.startswith("/app/")


def title_of(status: int) -> str:
    return _TITLES.get(status, "Something went wrong")


def _app_error_page(scope: Scope, error: AppError) -> Response | None:
    """``ERROR_PAGE_STATE``: the page for an error answered before any page ran."""
    if not is_page_path(str(scope.get("path", ""))):
        return None
    if isinstance(error, ValidationFailed):
        message = " ".join(m for messages in error.errors.values() for m in messages)
    else:
        message = error.message
    request = Request(scope)
    page = error_page(request, error.status_code, message, title=title_of(error.status_code))
    page.headers.update(error.headers())
    return page


class PageCsrf(CSRFMiddleware):
    """starlette-csrf, refusing with the app's error page instead of plain text."""

    def _get_error_response(self, request: Request) -> Response:
        return error_page(request, 403, CSRF_REFUSED, title=title_of(403))


Handler = Callable[[Request, Exception], Any]


async def _api_answer(handler: Handler, request: Request, exc: Exception) -> Response:
    answer = handler(request, exc)
    result: Response = await answer if inspect.isawaitable(answer) else answer
    return result


def install_error_pages(app: FastAPI) -> None:
    """Page answers for ``/app``; the handlers already installed keep the API's answers."""
    setattr(app.state, ERROR_PAGE_STATE, _app_error_page)
    api_http_error = app.exception_handlers[HTTPException]
    api_validation_error = app.exception_handlers[RequestValidationError]

    async def http_error(request: Request, exc: Exception) -> Response:
        if not is_page_path(request.url.path):
            return await _api_answer(api_http_error, request, exc)
        assert isinstance(exc, HTTPException)
        api = await _api_answer(api_http_error, request, exc)
        if exc.status_code == 404:
            message = (
                "There is no page at this address. Check the link, or start again from the timer."
            )
        elif exc.status_code == 405:
            message = f"This page does not take a {request.method} request."
        else:
            message = str(exc.detail)
        page = error_page(request, exc.status_code, message, title=title_of(exc.status_code))
        if "allow" in api.headers:
            page.headers["Allow"] = api.headers["allow"]
        return page

    async def validation_error(request: Request, exc: Exception) -> Response:
        # A page's query or form that FastAPI refuses (a bad ?archived=, a name too
        # long) answers a page saying so, not the API's JSON body.
        if not is_page_path(request.url.path):
            return await _api_answer(api_validation_error, request, exc)
        assert isinstance(exc, RequestValidationError)
        _status, body = laravel_errors(exc.errors())
        problems = [m for messages in body.get("errors", {}).values() for m in messages]
        return error_page(request, 400, " ".join(problems) or body["message"])

    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)

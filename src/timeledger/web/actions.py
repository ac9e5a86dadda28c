"""Running one service call for a page: a refused action rolls its unit of work back
and becomes a message on the page, never a half-done write."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from timeledger.db import UnitOfWork
from timeledger.errors import AppError, laravel_errors


def attempt(session: Session, action: Callable[[], object]) -> str | None:
    """Run ``action``; None when it succeeded, else the message to show (the API's own
    wording; the unit of work is rolled back first, so nothing of it is kept)."""
    try:
        action()
    except AppError as exc:
        UnitOfWork.of(session).rollback()
        return exc.message
    except ValidationError as exc:
        UnitOfWork.of(session).rollback()
        return str(laravel_errors(exc.errors())[1]["message"])
    return None


def for_htmx(request: Request, response: Response) -> Response:
    """htmx swaps only 2xx answers into the page, so a refused form it posted answers 200
    with its message (role=alert), as every page of the app does; a plain form post or a
    program gets the real status (422, 404)."""
    if request.headers.get("HX-Request") and 400 <= response.status_code < 500:
        response.status_code = 200
    return response

"""Running one service call for a page: a refused action rolls its unit of work back
and becomes a message on the page, never a half-done write."""

from __future__ import annotations

from collections.abc import Callable

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

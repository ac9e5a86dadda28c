"""Creating a personal access token from the Sign-ins and tokens page: the API's
``POST /api/v1/personal-access-tokens`` (``tokens.service.create_token``) behind the same
password confirmation and failed-attempt limits, the token shown once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from timeledger.auth.attempts import PasswordAttempts
from timeledger.auth.service import Actor, verify_password
from timeledger.db import UnitOfWork
from timeledger.dependencies import ClockDep, SessionDep, SettingsDep
from timeledger.errors import AppError, TooManyAttempts, ValidationFailed, laravel_errors
from timeledger.tokens import service as tokens
from timeledger.tokens.schemas import TokenCreate, TokenCreated
from timeledger.web.actions import for_htmx
from timeledger.web.admin import sessions_context
from timeledger.web.deps import VisitorDep, WebActorDep
from timeledger.web.templating import render

router = APIRouter(prefix="/app", include_in_schema=False)
WRONG_PASSWORD = "The password is incorrect."


def _request_body(name: str, password: str, bind: str, actor: Actor) -> TokenCreate:
    """The API's body for the form; ``bind`` keeps the token to the account signed in."""
    body = {"name": name, "password": password}
    if bind:
        body["account_uuid"] = str(actor.account.uuid)
    try:
        return TokenCreate.model_validate(body)
    except ValidationError as exc:
        _status, laravel = laravel_errors(exc.errors())
        raise ValidationFailed(laravel.get("errors") or {"name": [laravel["message"]]}) from None


def confirm_password(request: Request, actor: Actor, password: str) -> None:
    """As the API's ``dependencies.confirm_password``: the same limiter and keys (the
    user's id, the client address), ``TooManyAttempts`` once either is used up,
    ``ValidationFailed`` on ``password`` for a wrong one (counted)."""
    attempts: PasswordAttempts = request.app.state.password_attempts
    user_key = str(actor.user.id)
    address = request.client.host if request.client else "unknown"
    attempts.check(user_key=user_key, address=address)
    if not verify_password(actor.user, password):
        attempts.record_failure(user_key=user_key, address=address)
        raise ValidationFailed.field("password", WRONG_PASSWORD)
    attempts.reset(user_key=user_key)


@router.post("/tokens", response_class=HTMLResponse)
def create_token(
    request: Request,
    visitor: VisitorDep,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    name: Annotated[str, Form(max_length=255)],
    password: Annotated[str, Form(max_length=1024)],
    bind: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """A new token for the signed-in user. The answer shows it once and is never stored
    by a browser or proxy (``Cache-Control: no-store``); the page's address stays
    ``/app/sessions`` (htmx), so reloading it shows the list, not the token."""
    created: TokenCreated | None = None
    error: str | None = None
    headers = {"Cache-Control": "no-store"}
    try:
        body = _request_body(name, password, bind, actor)
        confirm_password(request, actor, password)
        created = tokens.create_token(
            session, actor=actor, data=body, now=clock.now(), lifetime=settings.token_lifetime
        )
        status_code = 201
    except TooManyAttempts as exc:
        UnitOfWork.of(session).rollback()
        minutes = max(1, round(exc.retry_after / 60))
        error = f"Too many failed attempts. Try again in {minutes} minute(s)."
        status_code, headers = 429, {**headers, **exc.headers()}
    except AppError as exc:
        UnitOfWork.of(session).rollback()
        error, status_code = exc.message, exc.status_code
    context = sessions_context(
        session,
        visitor,
        actor,
        error=error,
        new_token=created,
        token_name=name if error else "",
    )
    response = render(request, "sessions.html", context, status_code=status_code)
    response.headers.update(headers)
    return for_htmx(request, response)

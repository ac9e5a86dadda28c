"""Signing in and out, picking an account, and where ``/`` and ``/app`` lead."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from timeledger.auth.attempts import PasswordAttempts
from timeledger.db import UnitOfWork
from timeledger.dependencies import ClockDep, SessionDep, SettingsDep
from timeledger.errors import AppError, TooManyAttempts, ValidationFailed
from timeledger.http.manners import root_message
from timeledger.web import service
from timeledger.web.deps import (
    COOKIE,
    PICKER_PATH,
    SIGN_IN_PATH,
    VisitorDep,
    redirect,
    set_session_cookie,
)
from timeledger.web.templating import render
from timeledger.web.words import counted

router = APIRouter(include_in_schema=False)
HOME = "/app/timer"
# The form posts here: a path of its own, because starlette-csrf checks every method on a
# "required" path and the sign-in page itself must load without a token.
SIGN_IN_SUBMIT = "/app/sign-in/submit"


@router.get("/")
def root(request: Request) -> Response:
    """Browsers go to the app; API clients get a 404 that says where the API and its
    documentation are (echoing no path), with ``docs`` for a program to follow."""
    if "text/html" in request.headers.get("accept", ""):
        return redirect(request, "/app")
    return JSONResponse({"message": root_message(), "docs": "/docs"}, status_code=404)


@router.get("/app")
def app_home(request: Request) -> Response:
    return redirect(request, HOME)


@router.get("/app/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request) -> Response:
    return render(request, "sign_in.html", {"title": "Sign in", "email": ""})


@router.post(SIGN_IN_SUBMIT)
def sign_in(
    request: Request,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> Response:
    address = request.client.host if request.client else "unknown"
    # The same limiter as the API's password checks (auth.attempts): per user (here the
    # email typed, as no user is known before the check) and per client address.
    attempts: PasswordAttempts = request.app.state.password_attempts
    user_key = "email:" + email.strip().lower()
    context = {"title": "Sign in", "email": email}
    try:
        attempts.check(user_key=user_key, address=address)
    except TooManyAttempts as exc:
        minutes = max(1, round(exc.retry_after / 60))
        error = f"Too many failed attempts. Try again in {counted(minutes, 'minute')}."
        return render(request, "sign_in.html", {**context, "error": error}, status_code=429)
    try:
        signed_in = service.sign_in(
            session,
            email=email,
            password=password,
            user_agent=request.headers.get("user-agent", ""),
            now=clock.now(),
            lifetime=settings.web_session_lifetime,
        )
    except ValidationFailed as exc:
        attempts.record_failure(user_key=user_key, address=address)
        return render(request, "sign_in.html", {**context, "error": exc.message})
    attempts.reset(user_key=user_key)
    location = HOME if signed_in.web_session.login_id is not None else PICKER_PATH
    response = redirect(request, location)
    max_age = int(settings.web_session_lifetime.total_seconds())
    set_session_cookie(request, response, signed_in.secret, max_age)
    return response


@router.post("/app/sign-out")
def sign_out(
    request: Request, visitor: VisitorDep, session: SessionDep, clock: ClockDep
) -> Response:
    service.sign_out(session, web_session=visitor.web_session, now=clock.now())
    response = redirect(request, SIGN_IN_PATH)
    response.delete_cookie(COOKIE, path="/app")
    return response


@router.get(PICKER_PATH, response_class=HTMLResponse)
def picker(request: Request, visitor: VisitorDep, session: SessionDep) -> Response:
    choices = service.logins_to_pick(session, user=visitor.user)
    context = {"title": "Choose an account", "choices": choices, "visitor": visitor}
    return render(request, "accounts.html", context)


@router.post(PICKER_PATH)
def pick(
    request: Request,
    account_uuid: Annotated[uuid.UUID, Form()],
    visitor: VisitorDep,
    session: SessionDep,
    clock: ClockDep,
) -> Response:
    try:
        service.choose_login(session, visitor=visitor, account_uuid=account_uuid, now=clock.now())
    except AppError as exc:
        UnitOfWork.of(session).rollback()
        choices = service.logins_to_pick(session, user=visitor.user)
        context = {"title": "Choose an account", "choices": choices, "error": exc.message}
        return render(request, "accounts.html", {**context, "visitor": visitor})
    return redirect(request, HOME)

"""What every page depends on: the session cookie, the signed-in visitor, the actor,
and the redirects when either is missing."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response

from timeledger.auth.service import Actor
from timeledger.dependencies import ClockDep, SessionDep
from timeledger.web import service
from timeledger.web.service import Visitor

COOKIE = "timeledger_session"
SIGN_IN_PATH = "/app/sign-in"
PICKER_PATH = "/app/accounts"


class Redirect(Exception):
    """Leave this page for ``location`` (sign-in, the account picker)."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def redirect(request: Request, location: str) -> Response:
    """A redirect htmx follows as a whole-page visit (``HX-Redirect``), else a 303."""
    if request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)


def redirect_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Redirect)
    return redirect(request, exc.location)


def get_visitor(request: Request, session: SessionDep, clock: ClockDep) -> Visitor:
    found = service.visitor(session, secret=request.cookies.get(COOKIE), now=clock.now())
    if found is None:
        raise Redirect(SIGN_IN_PATH)
    return found


VisitorDep = Annotated[Visitor, Depends(get_visitor)]


def get_web_actor(request: Request, visitor: VisitorDep, session: SessionDep) -> Actor:
    """The picked login's actor; the page header offers "switch" only to a user with
    another login to switch to (``request.state.several_logins``)."""
    if visitor.actor is None:
        raise Redirect(PICKER_PATH)
    request.state.several_logins = service.has_several_logins(session, user=visitor.user)
    return visitor.actor


WebActorDep = Annotated[Actor, Depends(get_web_actor)]


def set_session_cookie(request: Request, response: Response, secret: str, max_age: int) -> None:
    """HttpOnly and SameSite=Lax always; Secure whenever the page came over HTTPS."""
    response.set_cookie(
        COOKIE,
        secret,
        max_age=max_age,
        path="/app",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )

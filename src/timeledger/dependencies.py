"""FastAPI dependencies shared by every router: the request's session, clock and caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from timeledger.auth.service import ACCOUNT_HEADER, Actor, authenticate
from timeledger.clock import Clock
from timeledger.config import Settings


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: commit if the handler returned, roll back if it raised.

    Declared with ``scope="function"`` so the commit happens before the response is sent:
    a client that saw 200 can rely on the write being durable.
    """
    with request.app.state.session_factory() as session, session.begin():
        yield session


# The two below are async only because they do no I/O: FastAPI runs a sync dependency in
# its thread pool, and each such hop costs more than these functions do.
async def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ClockDep = Annotated[Clock, Depends(get_clock)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]

_bearer = HTTPBearer(auto_error=False, description="A personal access token.")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def get_actor(
    session: SessionDep,
    clock: ClockDep,
    credentials: BearerDep,
    account_uuid: Annotated[
        str | None,
        Header(
            alias=ACCOUNT_HEADER,
            description="Which of the token user's accounts to act as. Needed only when "
            "the user has logins on several accounts and the token is not bound to one.",
        ),
    ] = None,
) -> Actor:
    return authenticate(
        session,
        bearer=credentials.credentials if credentials else None,
        account_header=account_uuid,
        now=clock.now(),
    )


ActorDep = Annotated[Actor, Depends(get_actor)]

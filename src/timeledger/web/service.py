"""Signing in to the web app: checking a password, the server-side session behind the
cookie, picking which login (account) to act as, and ending sessions.

The cookie holds a random secret; the table keeps only its SHA-256, as for tokens. A
session resolves to the same ``Actor`` a token does, so every page calls the API's
services with the API's permission rules.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from timeledger.auth import repository as auth_repository
from timeledger.auth.service import Actor, hash_token, verify_password
from timeledger.errors import NotFound, ValidationFailed
from timeledger.models import Account, Firm, Login, User, WebSession
from timeledger.web import repository

# Stamping last_seen_at on every page would turn each read into a write.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)
SIGN_IN_FAILED = "These credentials do not match our records."


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new session and the cookie value that names it (shown to the browser only)."""

    web_session: WebSession
    secret: str


@dataclass(frozen=True, slots=True)
class Visitor:
    """Whoever a session cookie names: the user, and the actor once a login is picked."""

    web_session: WebSession
    user: User
    actor: Actor | None


def sign_in(
    session: Session,
    *,
    email: str,
    password: str,
    user_agent: str,
    now: datetime,
    lifetime: timedelta,
) -> SignedIn:
    """Check the password (argon2) and open a session; ``ValidationFailed`` on the
    ``email`` field when the email is unknown or the password wrong (one message for both,
    so the form does not tell which emails exist). A user with exactly one login acts as
    it at once; with several, ``login_id`` stays null until ``choose_login``."""
    user = auth_repository.user_by_email(session, email)
    if user is None or not verify_password(user, password):
        raise ValidationFailed.field("email", SIGN_IN_FAILED)
    logins = auth_repository.logins_of_user(session, user.id, limit=2)
    secret = secrets.token_urlsafe(32)
    web_session = WebSession(
        user_id=user.id,
        secret_hash=hash_token(secret),
        user_agent=user_agent[:255],
        expires_at=now + lifetime,
        last_seen_at=now,
        created_at=now,
        updated_at=now,
    )
    if len(logins) == 1:
        login, account, _firm = logins[0]
        web_session.login_id, web_session.firm_id = login.id, account.firm_id
    repository.add(session, web_session)
    return SignedIn(web_session=web_session, secret=secret)


def visitor(session: Session, *, secret: str | None, now: datetime) -> Visitor | None:
    """The live session the cookie names, or None (no cookie, unknown, revoked, expired).
    ``actor`` is None while no login is picked or when the picked account is archived."""
    if not secret:
        return None
    found = repository.by_secret_hash(session, hash_token(secret))
    if found is None:
        return None
    web_session, user = found
    if web_session.revoked_at is not None or web_session.expires_at <= now:
        return None
    if web_session.last_seen_at is None or now - web_session.last_seen_at >= LAST_SEEN_RESOLUTION:
        web_session.last_seen_at = web_session.updated_at = now
    actor = None
    if web_session.login_id is not None and web_session.firm_id is not None:
        chosen = repository.login_of(session, web_session.login_id, firm_id=web_session.firm_id)
        if chosen is not None and chosen[1].archived_at is None:
            login, account, firm = chosen
            actor = Actor(user=user, account=account, login=login, firm=firm, token=None)
    return Visitor(web_session=web_session, user=user, actor=actor)


def logins_to_pick(session: Session, *, user: User) -> list[tuple[Login, Account, Firm]]:
    """Every login of the user whose account is live: the account picker's choices."""
    return [
        row
        for row in auth_repository.logins_of_user(session, user.id)
        if row[1].archived_at is None
    ]


def has_several_logins(session: Session, *, user: User) -> bool:
    """Whether the account picker has more than one choice (``logins_to_pick``), without
    loading every login, account and firm on each page."""
    return repository.live_login_count(session, user.id, at_most=2) > 1


def choose_login(
    session: Session, *, visitor: Visitor, account_uuid: uuid.UUID, now: datetime
) -> None:
    """Act as the user's login on ``account_uuid`` from now on; ``NotFound`` when the
    user has no live login there (the web equivalent of ``X-PLANNR-ACCOUNT-UUID``)."""
    found = auth_repository.logins_of_user(session, visitor.user.id, account_uuid=account_uuid)
    if not found or found[0][1].archived_at is not None:
        raise NotFound("You have no login for that account.")
    login, account, _firm = found[0]
    visitor.web_session.login_id, visitor.web_session.firm_id = login.id, account.firm_id
    visitor.web_session.updated_at = now
    repository.flush(session)


def sign_out(session: Session, *, web_session: WebSession, now: datetime) -> None:
    web_session.revoked_at = web_session.updated_at = now
    repository.flush(session)


def list_sessions(session: Session, *, user: User) -> list[WebSession]:
    """The user's sessions, newest first (at most 100), revoked and expired ones too."""
    return repository.sessions_of_user(session, user.id)


def revoke_session(session: Session, *, user: User, session_uuid: uuid.UUID, now: datetime) -> None:
    """End one of the user's own sessions; ``NotFound`` for anyone else's."""
    web_session = repository.session_of_user(session, user.id, session_uuid)
    if web_session is None:
        raise NotFound("No session with that UUID.")
    if web_session.revoked_at is None:
        sign_out(session, web_session=web_session, now=now)

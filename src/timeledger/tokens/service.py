"""Issuing, listing and revoking personal access tokens.

The API works on the caller's own user; the CLI (an administrator on the server) may name
any user by email and revoke any token by UUID. A token bound to one account stays inside
it: through it the user sees, revokes and creates only tokens bound to that account.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from timeledger.auth import repository as auth_repository
from timeledger.auth.service import TOKEN_PREFIX, Actor, hash_token
from timeledger.errors import Forbidden, NotFound, ValidationFailed
from timeledger.kit.ids import uuid_or_not_found
from timeledger.kit.listing import ListParams
from timeledger.kit.paging import Page, build_page
from timeledger.models import Account, PersonalAccessToken, User
from timeledger.tokens import repository
from timeledger.tokens.schemas import TokenCreate, TokenCreated, TokenRead


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: PersonalAccessToken
    plain_text: str


def create_token(
    session: Session, *, actor: Actor, data: TokenCreate, now: datetime, lifetime: timedelta
) -> TokenCreated:
    """A new token for the caller's user. The caller has confirmed ``data.password``
    first, through ``auth.attempts`` and ``auth.service.verify_password`` (the API's
    ``dependencies.confirm_password``), outside any transaction."""
    account_uuid = data.account_uuid
    if actor.token is not None and actor.token.account_id is not None:
        # A bound token mints only tokens bound to its own account (the default).
        if account_uuid is not None and account_uuid != actor.account.uuid:
            raise Forbidden("A token bound to one account may create tokens only for that account.")
        account_uuid = actor.account.uuid
    issued = issue_for_user(
        session,
        user=actor.user,
        name=data.name,
        account_uuid=account_uuid,
        now=now,
        lifetime=lifetime,
    )
    shown = _present(session, [issued.token], actor.firm.time_zone)[0]
    return TokenCreated(**shown.model_dump(), token=issued.plain_text)


def issue_for_user(
    session: Session,
    *,
    user: User,
    name: str,
    account_uuid: uuid.UUID | None,
    now: datetime,
    lifetime: timedelta,
) -> IssuedToken:
    bound = (
        bound_account(session, user=user, account_uuid=account_uuid)
        if account_uuid is not None
        else None
    )
    return issue_token(session, user=user, name=name, now=now, lifetime=lifetime, account=bound)


def list_tokens(session: Session, *, actor: Actor, params: ListParams) -> Page[TokenRead]:
    """The caller's user's tokens, revoked and expired ones included (through a bound
    token: those bound to its account)."""
    rows, total = repository.page_of_tokens(
        session, user_id=actor.user.id, bound_to=_bound_to(actor), params=params
    )
    items = _present(session, rows, actor.firm.time_zone)
    return build_page(items, total=total, params=params)


def revoke_token(session: Session, *, actor: Actor, raw_uuid: str, now: datetime) -> TokenRead:
    """Revoke one of the caller's user's tokens (the one in use included)."""
    token = repository.token_by_uuid(
        session,
        token_uuid=uuid_or_not_found(raw_uuid),
        user_id=actor.user.id,
        bound_to=_bound_to(actor),
    )
    if token is None:
        raise NotFound()
    _revoke(session, token, now)
    return _present(session, [token], actor.firm.time_zone)[0]


def user_by_email(session: Session, email: str) -> User:
    user = auth_repository.user_by_email(session, email)
    if user is None:
        raise NotFound(f"No user with the email {email}.")
    return user


def tokens_of(session: Session, *, user: User) -> list[PersonalAccessToken]:
    return repository.tokens_of_user(session, user.id)


def revoke_any(session: Session, *, token_uuid: uuid.UUID, now: datetime) -> PersonalAccessToken:
    """The CLI's revoke: any user's token, by UUID."""
    token = repository.token_by_uuid(session, token_uuid=token_uuid, user_id=None)
    if token is None:
        raise NotFound(f"No token {token_uuid}.")
    _revoke(session, token, now)
    return token


def revoke_live_named(session: Session, *, user: User, name: str, now: datetime) -> int:
    """Revoke every live token of ``user`` called ``name``; how many were revoked."""
    revoked = 0
    for token in repository.tokens_of_user(session, user.id):
        if token.name == name and token.revoked_at is None and token.expires_at > now:
            _revoke(session, token, now)
            revoked += 1
    return revoked


def _revoke(session: Session, token: PersonalAccessToken, now: datetime) -> None:
    if token.revoked_at is None:
        token.revoked_at = now
        token.updated_at = now
        session.flush()


def _present(
    session: Session, tokens: Sequence[PersonalAccessToken], time_zone: str
) -> list[TokenRead]:
    accounts = repository.bound_accounts(session, tokens)
    return [
        TokenRead.build(
            token,
            account=accounts.get(token.account_id) if token.account_id else None,
            time_zone=time_zone,
        )
        for token in tokens
    ]


def issue_token(
    session: Session,
    *,
    user: User,
    name: str,
    now: datetime,
    lifetime: timedelta,
    account: Account | None = None,
) -> IssuedToken:
    plain_text = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PersonalAccessToken(
        user_id=user.id,
        account_id=account.id if account else None,
        name=name,
        token_hash=hash_token(plain_text),
        expires_at=now + lifetime,
        created_at=now,
        updated_at=now,
    )
    session.add(token)
    session.flush()
    return IssuedToken(token=token, plain_text=plain_text)


def bound_account(session: Session, *, user: User, account_uuid: uuid.UUID) -> Account:
    """The account a new token is bound to: one the user has a login for."""
    rows = auth_repository.logins_of_user(session, user.id, account_uuid=account_uuid)
    if not rows:
        raise ValidationFailed.field("account_uuid", "The user has no login for that account.")
    return rows[0][1]


def _bound_to(actor: Actor) -> int | None:
    """The account a bound token keeps its caller to; None for an unbound token or a
    web-app sign-in (which proved the user's password)."""
    return actor.token.account_id if actor.token is not None else None

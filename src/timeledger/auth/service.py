"""Credentials, tokens and resolving a request to the account it acts as."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy.orm import Session

from timeledger.auth import repository
from timeledger.errors import BadRequest, Forbidden, Unauthenticated, ValidationFailed
from timeledger.models import Account, AccountType, Firm, Login, PersonalAccessToken, User

ACCOUNT_HEADER = "X-PLANNR-ACCOUNT-UUID"
TOKEN_PREFIX = "tl_"
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)

_hasher = PasswordHasher()


@dataclass(frozen=True, slots=True)
class Actor:
    """The caller of one request: a user acting as one account of one firm."""

    user: User
    account: Account
    login: Login
    firm: Firm
    token: PersonalAccessToken


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: PersonalAccessToken
    plain_text: str


def hash_token(plain_text: str) -> str:
    return hashlib.sha256(plain_text.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def create_user(session: Session, *, email: str, password: str, now: datetime) -> User:
    user = User(
        email=email.strip().lower(),
        password_hash=hash_password(password),
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    session.flush()
    return user


def create_login(
    session: Session,
    *,
    user: User,
    account: Account,
    now: datetime,
    has_write_permission: bool = True,
    has_delete_permission: bool = False,
) -> Login:
    login = Login(
        firm_id=account.firm_id,
        user_id=user.id,
        account_id=account.id,
        has_write_permission=has_write_permission,
        has_delete_permission=has_delete_permission,
        created_at=now,
        updated_at=now,
    )
    session.add(login)
    session.flush()
    return login


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
    rows = repository.logins_of_user(session, user.id, account_uuid=account_uuid)
    if not rows:
        raise ValidationFailed.field("account_uuid", "The user has no login for that account.")
    return rows[0][1]


def authenticate(
    session: Session, *, bearer: str | None, account_header: str | None, now: datetime
) -> Actor:
    """Resolve a bearer token and the optional account header to an ``Actor``."""
    token, user = authenticate_token(session, bearer=bearer, now=now)
    login, account, firm = _resolve_login(session, user, token, account_header)
    if account.archived_at is not None:
        raise Forbidden("This account is archived.")
    return Actor(user=user, account=account, login=login, firm=firm, token=token)


def authenticate_token(
    session: Session, *, bearer: str | None, now: datetime
) -> tuple[PersonalAccessToken, User]:
    """The live token and its user, before any account is chosen (``/logins`` needs no
    account: it is how a client finds one)."""
    if not bearer:
        raise Unauthenticated()
    found = repository.token_with_user(session, hash_token(bearer))
    if found is None:
        raise Unauthenticated()
    token, user = found
    if token.revoked_at is not None or token.expires_at <= now:
        raise Unauthenticated()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
    return token, user


def _resolve_login(
    session: Session, user: User, token: PersonalAccessToken, account_header: str | None
) -> tuple[Login, Account, Firm]:
    if account_header is not None and account_header.strip():
        try:
            wanted = uuid.UUID(account_header.strip())
        except ValueError:
            raise BadRequest(f"The {ACCOUNT_HEADER} header must be an account UUID.") from None
        rows = repository.logins_of_user(session, user.id, account_uuid=wanted)
        if not rows or (token.account_id is not None and rows[0][1].id != token.account_id):
            raise Forbidden(f"You have no login for the account in the {ACCOUNT_HEADER} header.")
        return rows[0]
    if token.account_id is not None:
        rows = repository.logins_of_user(session, user.id, account_id=token.account_id)
        if not rows:
            raise Forbidden("The account this token is bound to no longer has your login.")
        return rows[0]
    rows = repository.logins_of_user(session, user.id, limit=2)
    if not rows:
        raise Forbidden("This user has no login on any account.")
    if len(rows) > 1:
        raise BadRequest(
            f"This token can act as several accounts: choose one with the {ACCOUNT_HEADER} header."
        )
    return rows[0]


def require_employee_writer(actor: Actor) -> None:
    """Only a firm's staff with write permission may record time."""
    if actor.account.type != AccountType.EMPLOYEE or not actor.login.has_write_permission:
        raise Forbidden()

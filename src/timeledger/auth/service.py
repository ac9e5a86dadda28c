"""Identity: resolving a request's token to the account it acts as (``Actor``), and the
hashing of passwords and tokens."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy.orm import Session

from timeledger.auth import repository
from timeledger.auth.cache import (
    ActorCache,
    CachedCaller,
    CacheKey,
    attach,
    current_generation,
)
from timeledger.errors import BadRequest, Forbidden, Unauthenticated
from timeledger.kit.ids import parse_uuid
from timeledger.models import Account, Firm, Login, PersonalAccessToken, User

ACCOUNT_HEADER = "X-PLANNR-ACCOUNT-UUID"
TOKEN_PREFIX = "tl_"
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)

_hasher = PasswordHasher()


@dataclass(frozen=True, slots=True)
class Actor:
    """The caller of one request: a user acting as one account of one firm, through a
    personal access token (the API) or a web-app sign-in (``token`` is then None)."""

    user: User
    account: Account
    login: Login
    firm: Firm
    token: PersonalAccessToken | None


def hash_token(plain_text: str) -> str:
    return hashlib.sha256(plain_text.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def authenticate(
    session: Session,
    *,
    bearer: str | None,
    account_header: str | None,
    now: datetime,
    cache: ActorCache | None = None,
) -> Actor:
    """Resolve a bearer token and the optional account header to an ``Actor``: one query
    for the token, its user and the login it acts through (it runs on every request), or
    none when ``cache`` holds the answer (``auth.cache``: revocations and role changes from
    another process apply within its bound; expiry is checked here on every request)."""
    if not bearer:
        raise Unauthenticated()
    wanted = _account_header(account_header)
    if wanted is False:
        authenticate_token(session, bearer=bearer, now=now)
        raise BadRequest(f"The {ACCOUNT_HEADER} header must be an account UUID.")
    key = (hash_token(bearer), wanted)
    if cache is not None and (hit := _from_cache(session, cache, key, now)) is not None:
        return hit
    generation = current_generation()
    rows = repository.token_with_logins(session, key[0], account_uuid=wanted)
    if not rows:
        raise Unauthenticated()
    token, user = rows[0][0], rows[0][1]
    _check_live(token, now)
    login, account, firm = _chosen_login(token, rows, header_sent=wanted is not None)
    if account.archived_at is not None:
        raise Forbidden("This account is archived.")
    if cache is not None:
        cache.put(key, CachedCaller(token, user, login, account, firm), generation=generation)
    return Actor(user=user, account=account, login=login, firm=firm, token=token)


def cached_actor(
    session: Session,
    *,
    bearer: str | None,
    account_header: str | None,
    now: datetime,
    cache: ActorCache | None,
) -> Actor | None:
    """The caller from ``cache`` alone, with no SQL and no I/O (so it may run on the event
    loop); None when ``authenticate`` must run: no cache, a miss, no token or a malformed
    header. Raises ``Unauthenticated`` for a cached token that has expired."""
    if cache is None or not bearer:
        return None
    wanted = _account_header(account_header)
    if wanted is False:
        return None
    return _from_cache(session, cache, (hash_token(bearer), wanted), now)


def _from_cache(session: Session, cache: ActorCache, key: CacheKey, now: datetime) -> Actor | None:
    cached = cache.get(key)
    if cached is None:
        return None
    caller = attach(session, cached)
    if _check_live(caller.token, now):
        # The stamp is a write to the row: the next request reads it afresh.
        cache.discard(key)
    return Actor(
        user=caller.user,
        account=caller.account,
        login=caller.login,
        firm=caller.firm,
        token=caller.token,
    )


def _account_header(value: str | None) -> uuid.UUID | Literal[False] | None:
    """The header's account UUID; None when absent or blank; False when malformed."""
    if value is None or not value.strip():
        return None
    parsed = parse_uuid(value)
    return False if parsed is None else parsed


def _check_live(token: PersonalAccessToken, now: datetime) -> bool:
    """Refuse a revoked or expired token; stamp its last use (True when stamped now)."""
    if token.revoked_at is not None or token.expires_at <= now:
        raise Unauthenticated()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = token.updated_at = now
        return True
    return False


def _chosen_login(
    token: PersonalAccessToken, rows: list[repository.CallerRow], *, header_sent: bool
) -> tuple[Login, Account, Firm]:
    """Which login acts: the header's account, else the token's bound account, else the
    user's only login."""
    found = [
        (login, account, firm)
        for _, _, login, account, firm in rows
        if login is not None and account is not None and firm is not None
    ]
    if header_sent:
        if not found or (token.account_id is not None and found[0][1].id != token.account_id):
            raise Forbidden(f"You have no login for the account in the {ACCOUNT_HEADER} header.")
    elif token.account_id is not None:
        if not found:
            raise Forbidden("The account this token is bound to no longer has your login.")
    elif not found:
        raise Forbidden("This user has no login on any account.")
    elif len(found) > 1:
        raise BadRequest(
            f"This token can act as several accounts: choose one with the {ACCOUNT_HEADER} header."
        )
    return found[0]


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
    _check_live(token, now)
    return token, user

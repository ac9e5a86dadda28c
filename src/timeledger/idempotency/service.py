"""The rules of idempotency keys: fingerprint, claim, replay, remember the response."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.errors import BadRequest, Conflict, ValidationFailed
from timeledger.idempotency import repository
from timeledger.idempotency.schemas import HEADER, Replay, StoredResponse
from timeledger.models import IdempotencyKey

MAX_KEY_LENGTH = 255
_VALID_KEY = re.compile(r"^[\x21-\x7e][\x20-\x7e]{0,254}$")


def fingerprint(*, secret: bytes, method: str, path: str, query: str, body: bytes) -> str:
    """HMAC-SHA-256, keyed with the server secret, of what makes two requests "the same":
    method, path, query and body (64 hex characters).

    A JSON body is compared by content, so key order and spacing do not matter. Keyed, so
    a stored fingerprint of a body that holds a password cannot be tested against guesses
    without the server's secret.
    """
    try:
        canonical = json.dumps(
            json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=True
        ).encode()
    except (ValueError, UnicodeDecodeError, RecursionError):
        canonical = body
    digest = hmac.new(secret, digestmod=hashlib.sha256)
    for part in (method.upper().encode(), path.encode(), query.encode()):
        digest.update(part + b"\n")
    digest.update(canonical)
    return digest.hexdigest()


def check_key(key: str) -> str:
    key = key.strip()
    if not _VALID_KEY.match(key):
        raise BadRequest(
            f"The {HEADER} header must be 1 to {MAX_KEY_LENGTH} printable ASCII characters."
        )
    return key


def claim(
    session: Session,
    *,
    actor: Actor,
    key: str,
    fingerprint: str,
    now: datetime,
    retention: timedelta,
) -> IdempotencyKey:
    """Reserve ``key`` for this request inside its transaction, or answer a retry.

    Raises ``Replay`` when the key already holds a response to the same request, and 422
    when it was used for a different one.
    """
    key = check_key(key)
    repository.purge_expired(session, now)
    record = IdempotencyKey(
        firm_id=actor.firm.id,
        account_id=actor.account.id,
        key=key,
        fingerprint=fingerprint,
        created_at=now,
        expires_at=now + retention,
    )
    existing = repository.find(session, actor.account.firm_id, actor.account.id, key)
    if existing is None and repository.try_insert(session, record):
        return record
    # Another transaction holds the key: it committed (with its response) before we read.
    existing = existing or repository.find(session, actor.account.firm_id, actor.account.id, key)
    if existing is None or existing.status_code is None:
        raise Conflict(f"A request with this {HEADER} is in progress; retry it shortly.")
    if existing.fingerprint != fingerprint:
        raise ValidationFailed.field(
            "idempotency_key",
            f"This {HEADER} was already used for a different request; send a new key "
            "for a new request.",
        )
    raise Replay(
        StoredResponse(
            status_code=existing.status_code,
            content_type=existing.content_type or "application/json",
            body=(existing.response_body or "").encode(),
        )
    )


def remember(
    session: Session,
    record: IdempotencyKey,
    response: StoredResponse,
    *,
    secret_fields: frozenset[str] = frozenset(),
) -> None:
    """Store the response with the key, in the transaction that made it.

    ``secret_fields`` (a response model's ``SECRET_FIELDS``, such as a new token) are
    stored as null: a secret lives only in the one response that shows it, so a retry
    replays the rest of that response with those fields null (docs/reliability.md).
    """
    record.status_code = response.status_code
    record.content_type = response.content_type
    body = response.body
    if secret_fields:
        body = redact(body, secret_fields)
    record.response_body = body.decode("utf-8", errors="replace")
    repository.save(session, record)


def redact(body: bytes, secret_fields: frozenset[str]) -> bytes:
    """``body`` with every JSON member named in ``secret_fields`` set to null, at any
    depth; a body that is not JSON is replaced by an empty one (never stored as sent)."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return b""

    def scrub(value: object) -> object:
        if isinstance(value, dict):
            return {
                key: None if key in secret_fields else scrub(item) for key, item in value.items()
            }
        if isinstance(value, list):
            return [scrub(item) for item in value]
        return value

    return json.dumps(scrub(document), separators=(",", ":")).encode()

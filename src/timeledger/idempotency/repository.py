from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from timeledger.models import IdempotencyKey


def find(session: Session, firm_id: int, account_id: int, key: str) -> IdempotencyKey | None:
    """The account's key: one probe of ``uq_idempotency_keys_account_id (firm, account, key)``."""
    return session.scalars(
        select(IdempotencyKey).where(
            IdempotencyKey.firm_id == firm_id,
            IdempotencyKey.account_id == account_id,
            IdempotencyKey.key == key,
        )
    ).first()


def purge_expired(session: Session, now: datetime) -> None:
    """Forget every account's expired keys (and the responses stored with them)."""
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at <= now))


def try_insert(session: Session, record: IdempotencyKey) -> bool:
    """Insert the key; False when another transaction committed the same key first.

    On PostgreSQL a concurrent insert of the same key waits here until the first
    transaction ends; on SQLite write transactions are serial already.
    """
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError:
        return False
    return True


def save(session: Session, record: IdempotencyKey) -> None:
    session.add(record)
    session.flush()

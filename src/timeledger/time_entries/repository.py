from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from timeledger.models import Account, TimeEntry


def lock_account(session: Session, account_id: int) -> None:
    """Serialise timer changes of one account (a row lock on PostgreSQL; SQLite's write
    transactions are serial already)."""
    session.execute(select(Account.id).where(Account.id == account_id).with_for_update())


def running_entry(session: Session, account_id: int) -> TimeEntry | None:
    return session.scalars(
        select(TimeEntry).where(
            TimeEntry.account_id == account_id,
            TimeEntry.ended_at.is_(None),
            TimeEntry.deleted_at.is_(None),
        )
    ).first()


def add(session: Session, entry: TimeEntry) -> None:
    session.add(entry)
    session.flush()

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from timeledger.models import (
    Account,
    AuditEvent,
    PersonalAccessToken,
    TimeEntry,
    TimeEntryEvent,
)


def add_event(session: Session, event: TimeEntryEvent) -> None:
    session.add(event)


def add_change(session: Session, event: AuditEvent) -> None:
    session.add(event)


def changes_of(session: Session, *, firm_id: int, subject_type: str) -> list[AuditEvent]:
    """A firm's billing audit events of one kind, oldest first."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.firm_id == firm_id, AuditEvent.subject_type == subject_type)
            .order_by(AuditEvent.id)
        )
    )


def entry_in_firm(session: Session, *, firm_id: int, entry_uuid: object) -> TimeEntry | None:
    """Deleted entries included: their history stays readable."""
    return session.scalars(
        select(TimeEntry).where(TimeEntry.uuid == entry_uuid, TimeEntry.firm_id == firm_id)
    ).first()


def events_of(
    session: Session, entry_id: int
) -> list[tuple[TimeEntryEvent, Account | None, PersonalAccessToken | None]]:
    statement = (
        select(TimeEntryEvent, Account, PersonalAccessToken)
        .outerjoin(Account, Account.id == TimeEntryEvent.account_id)
        .outerjoin(PersonalAccessToken, PersonalAccessToken.id == TimeEntryEvent.token_id)
        .where(TimeEntryEvent.time_entry_id == entry_id)
        .order_by(TimeEntryEvent.id)
    )
    return [(event, account, token) for event, account, token in session.execute(statement)]

"""Marking time entries invoiced, in bulk: all the named entries or none."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from timeledger.audit import service as audit
from timeledger.auth.service import Actor
from timeledger.billing.service import locks
from timeledger.dates import to_utc
from timeledger.errors import ValidationFailed
from timeledger.models import TimeEntry, TimeEntryAction
from timeledger.permissions import may_manage_billing, require
from timeledger.time_entries import repository
from timeledger.time_entries.schemas import InvoiceRequest, InvoiceResult
from timeledger.time_entries.service import announce as webhooks
from timeledger.time_entries.service.read import entry_conditions

MAX_ENTRIES = 10_000


def invoice_entries(
    session: Session, *, actor: Actor, data: InvoiceRequest, now: datetime
) -> InvoiceResult:
    """Set ``invoiced_at`` (default now) and ``invoice_ref`` on the entries named by UUID,
    or on exactly those ``GET /api/v1/time-entry`` lists with ``filter`` (its filter keys).
    Owners and admins. 422, and nothing written, when a UUID is not a live entry of the
    firm, an entry is running or already invoiced, or there are more than 10,000.

    Invoicing locks an entry (issue 11), so each one is announced as
    ``time-entry.locked``, or ``time-entry.updated`` when the period lock already held it
    (issue 14, docs/webhooks.md)."""
    require(may_manage_billing(actor))
    at = _instant(data, actor.firm.time_zone) or now
    entries = _entries(session, actor, data)
    if not entries:
        raise ValidationFailed.field("uuids", "No time entries match.")
    if len(entries) > MAX_ENTRIES:
        raise ValidationFailed.field(
            "uuids", f"At most {MAX_ENTRIES} time entries can be invoiced at once."
        )
    problems = [
        f"{entry.uuid}: "
        + ("it is running." if entry.ended_at is None else "it is already invoiced.")
        for entry in entries
        if entry.ended_at is None or locks.lock_reason(entry, actor.firm) == locks.INVOICED
    ]
    if problems:
        raise ValidationFailed({"uuids": problems})
    _mark_all(session, actor, entries, at=at, ref=data.invoice_ref, now=now)
    audit.record_change(
        session,
        firm_id=actor.firm.id,
        subject_type="invoice",
        subject_uuid=None,
        action="invoiced",
        actor=actor,
        before=None,
        after={
            "invoice_ref": data.invoice_ref,
            "invoiced_at": at.isoformat(),
            "entries": [str(entry.uuid) for entry in entries],
        },
        now=now,
    )
    return InvoiceResult(invoiced=len(entries), uuids=[entry.uuid for entry in entries])


def _entries(session: Session, actor: Actor, data: InvoiceRequest) -> list[TimeEntry]:
    if data.uuids is not None:
        found = {
            entry.uuid: entry
            for entry in repository.entries_in_firm(
                session, firm_id=actor.firm.id, uuids=set(data.uuids)
            )
        }
        missing = [
            f"The selected uuids.{n} is invalid."
            for n, entry_uuid in enumerate(data.uuids)
            if entry_uuid not in found
        ]
        if missing:
            raise ValidationFailed({"uuids": missing})
        return sorted(found.values(), key=lambda entry: entry.id)
    filters = {key: [v.strip() for v in value.split(",")] for key, value in data.filter.items()}
    conditions = entry_conditions(actor, filters)
    return repository.matching(session, actor.firm.id, conditions, limit=MAX_ENTRIES + 1)


def _mark_all(
    session: Session,
    actor: Actor,
    entries: list[TimeEntry],
    *,
    at: datetime,
    ref: str | None,
    now: datetime,
) -> None:
    """Mark each entry invoiced and announce it: ``time-entry.locked``, or ``.updated``
    when the period lock already held it."""
    event_types = [
        webhooks.UPDATED if locks.lock_reason(entry, actor.firm) else webhooks.LOCKED
        for entry in entries
    ]
    shown_before = webhooks.shown_before_many(session, actor, entries, set(event_types), now=now)
    for entry in entries:
        _mark(session, actor, entry, at=at, ref=ref, now=now)
    webhooks.announce_many(
        session, actor, event_types, entries=entries, before=shown_before, now=now
    )


def _mark(
    session: Session,
    actor: Actor,
    entry: TimeEntry,
    *,
    at: datetime,
    ref: str | None,
    now: datetime,
) -> None:
    before = audit.snapshot(entry)
    entry.invoiced_at, entry.invoice_ref, entry.updated_at = at, ref, now
    repository.flush(session)
    audit.record(
        session, entry=entry, action=TimeEntryAction.INVOICED, actor=actor, before=before, now=now
    )


def _instant(data: InvoiceRequest, time_zone: str) -> datetime | None:
    if data.invoiced_at is None:
        return None
    try:
        return to_utc(data.invoiced_at, time_zone)
    except ValueError:
        raise ValidationFailed.field(
            "invoiced_at", "The invoiced at field must be a date between the years 1900 and 9998."
        ) from None

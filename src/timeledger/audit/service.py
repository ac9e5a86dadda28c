"""Recording and reading the audit trail: of time entries (``time_entry_events``) and of
the firm's billing data (``audit_events``: rates, tags, the lock, invoices, overrides)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from timeledger.audit import repository
from timeledger.audit.schemas import AuditEventRead, TimeEntryEventRead, TimeEntryHistory
from timeledger.auth.service import Actor
from timeledger.errors import NotFound
from timeledger.kit.listing import ListParams, uuids_of_filter
from timeledger.kit.paging import Page, build_page, page_of
from timeledger.models import AuditEvent, TimeEntry, TimeEntryAction, TimeEntryEvent
from timeledger.permissions import may_manage_billing, may_read_history, may_see_amounts, require


def snapshot(entry: TimeEntry) -> dict[str, Any]:
    """The fields a change can touch, in UTC, as they were at this moment."""
    return {
        "name": entry.name,
        "description": entry.description,
        "trackable_type": entry.trackable_type.value,
        "trackable_id": entry.trackable_id,
        "account_id": entry.account_id,
        "start_date": entry.started_at.isoformat(),
        "end_date": entry.ended_at.isoformat() if entry.ended_at else None,
        "deleted_at": entry.deleted_at.isoformat() if entry.deleted_at else None,
        "billable": entry.billable,
        "hourly_rate_minor": entry.hourly_rate_minor,
        "currency": entry.currency,
        "rate_id": entry.rate_id,
        "invoiced_at": entry.invoiced_at.isoformat() if entry.invoiced_at else None,
        "invoice_ref": entry.invoice_ref,
    }


def record_change(
    session: Session,
    *,
    firm_id: int,
    subject_type: str,
    subject_uuid: uuid.UUID | None,
    action: str,
    actor: Actor | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    now: datetime,
) -> None:
    """Add one billing audit event (a rate, tag, lock, invoice, reprice or lock override)
    in the caller's transaction. ``before``/``after`` are JSON-ready dicts (UTC dates)."""
    repository.add_change(
        session,
        AuditEvent(
            firm_id=firm_id,
            subject_type=subject_type,
            subject_uuid=subject_uuid,
            action=action,
            account_id=actor.account.id if actor else None,
            user_id=actor.user.id if actor else None,
            token_id=actor.token.id if actor and actor.token else None,
            before=before,
            after=after,
            created_at=now,
        ),
    )


def record(
    session: Session,
    *,
    entry: TimeEntry,
    action: TimeEntryAction,
    actor: Actor | None,
    before: dict[str, Any] | None,
    now: datetime,
) -> None:
    """Add one event in the caller's transaction: the change and its record commit together."""
    repository.add_event(
        session,
        TimeEntryEvent(
            firm_id=entry.firm_id,
            time_entry_id=entry.id,
            action=action,
            account_id=actor.account.id if actor else None,
            user_id=actor.user.id if actor else None,
            token_id=actor.token.id if actor and actor.token else None,
            before=before,
            after=snapshot(entry),
            created_at=now,
        ),
    )


def history(session: Session, *, actor: Actor, entry_uuid: uuid.UUID) -> TimeEntryHistory:
    """Owners, admins and the entry's own account may read it; deleted entries included."""
    require(may_read_history(actor))
    entry = repository.entry_in_firm(session, firm_id=actor.firm.id, entry_uuid=entry_uuid)
    if entry is None:
        raise NotFound("No time entry with that UUID.")
    require(may_read_history(actor, entry))
    time_zone = actor.firm.time_zone
    hide = () if may_see_amounts(actor) else _AMOUNT_FIELDS
    events = repository.events_of(session, entry.id, firm_id=actor.firm.id)
    snapshots = [s for event, _, _ in events for s in (event.before, event.after) if s]
    uuids = repository.uuids_by_row(
        session, (ref for s in snapshots for ref in _refs(s)), firm_id=actor.firm.id
    )
    return TimeEntryHistory(
        data=[
            TimeEntryEventRead.build(
                event,
                account=account,
                token=token,
                time_zone=time_zone,
                before=_without(_public(event.before, uuids), hide),
                after=_without(_public(event.after, uuids), hide),
            )
            for event, account, token in events
        ]
    )


# The rate snapshot, hidden from members unless the firm shows them amounts (issue 11).
_AMOUNT_FIELDS = ("hourly_rate_minor", "currency", "rate_uuid")


def list_changes(session: Session, *, actor: Actor, params: ListParams) -> Page[AuditEventRead]:
    """The firm's billing audit trail, newest first (``sort=created_at``: oldest first).
    Owners and admins. Filters: ``subject_type``, ``subject_uuid``."""
    require(may_manage_billing(actor))
    statement = repository.firm_changes(actor.firm.id)
    if params.filters.get("subject_type"):
        statement = statement.where(repository.subject_type_in(params.filters["subject_type"]))
    if params.filters.get("subject_uuid"):
        uuids = uuids_of_filter(params.filters["subject_uuid"], "subject_uuid")
        statement = statement.where(repository.subject_uuid_in(uuids))
    order = repository.change_order(params.sort.descending)
    events, total = page_of(session, statement, params=params, order_by=order)
    accounts, tokens = repository.accounts_and_tokens(session, events, firm_id=actor.firm.id)
    time_zone = actor.firm.time_zone
    items = [
        AuditEventRead.build(
            event,
            account=accounts.get(event.account_id) if event.account_id else None,
            token=tokens.get(event.token_id) if event.token_id else None,
            time_zone=time_zone,
        )
        for event in events
    ]
    return build_page(items, total=total, params=params)


def _refs(snapshot: dict[str, Any]) -> list[tuple[str, int]]:
    refs = []
    if isinstance(snapshot.get("account_id"), int):
        refs.append(("account", snapshot["account_id"]))
    if isinstance(snapshot.get("trackable_id"), int):
        refs.append((str(snapshot.get("trackable_type")), snapshot["trackable_id"]))
    if isinstance(snapshot.get("rate_id"), int):
        refs.append(("billing_rate", snapshot["rate_id"]))
    return refs


def _public(
    snapshot: dict[str, Any] | None, uuids: dict[tuple[str, int], uuid.UUID]
) -> dict[str, Any] | None:
    """A stored snapshot as the API shows it: row ids (internal, and counting other
    firms' rows) replaced by the records' UUIDs."""
    if snapshot is None:
        return None
    internal = {"account_id", "trackable_id", "rate_id"}
    shown = {k: v for k, v in snapshot.items() if k not in internal}
    if "trackable_id" in snapshot:
        ref = (str(snapshot.get("trackable_type")), snapshot["trackable_id"])
        found = uuids.get(ref)
        shown["trackable_uuid"] = str(found) if found else None
    if "account_id" in snapshot:
        found = uuids.get(("account", snapshot["account_id"]))
        shown["account_uuid"] = str(found) if found else None
    if "rate_id" in snapshot:
        found = uuids.get(("billing_rate", snapshot["rate_id"])) if snapshot["rate_id"] else None
        shown["rate_uuid"] = str(found) if found else None
    return shown


def _without(fields: dict[str, Any] | None, hide: tuple[str, ...]) -> dict[str, Any] | None:
    if fields is None or not hide:
        return fields
    return {key: value for key, value in fields.items() if key not in hide}

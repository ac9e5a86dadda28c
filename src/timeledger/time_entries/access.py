"""Who may read, change and delete which time entries, and finding the entry a path names.

Employees read every entry of their firm. Owners and admins change and delete any entry of
the firm, members only their own; changing needs the login's write permission, deleting
its delete permission. Client and external accounts may not use the time-entry routes.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.errors import Forbidden, NotFound
from timeledger.models import AccountRole, AccountType, TimeEntry
from timeledger.time_entries import repository

_MANAGERS = frozenset({AccountRole.OWNER, AccountRole.ADMIN})
NOT_FOUND = "No time entry with that UUID."


def require_employee(actor: Actor) -> None:
    if actor.account.type != AccountType.EMPLOYEE:
        raise Forbidden("Only the firm's employees may use time entries.")


def require_writer(actor: Actor, entry: TimeEntry) -> None:
    if not actor.login.has_write_permission:
        raise Forbidden("Your login has no write permission.")
    _require_owner_or_manager(actor, entry, "change")


def require_deleter(actor: Actor, entry: TimeEntry) -> None:
    if not actor.login.has_delete_permission:
        raise Forbidden("Your login has no delete permission.")
    _require_owner_or_manager(actor, entry, "delete")


def _require_owner_or_manager(actor: Actor, entry: TimeEntry, verb: str) -> None:
    if actor.account.role not in _MANAGERS and entry.account_id != actor.account.id:
        raise Forbidden(f"Members may {verb} only their own time entries.")


def parse_uuid(value: str | uuid.UUID) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        return None


def find_entry(session: Session, *, actor: Actor, entry_uuid: str | uuid.UUID) -> TimeEntry:
    """The live entry of the caller's firm the path names; 404 for anything else,
    a malformed UUID included."""
    require_employee(actor)
    parsed = parse_uuid(entry_uuid)
    entry = None
    if parsed is not None:
        entry = repository.live_entry(session, firm_id=actor.firm.id, entry_uuid=parsed)
    if entry is None:
        raise NotFound(NOT_FOUND)
    return entry

"""Who may do what: every rule of the firm's roles and login permissions, in one vocabulary,
for every domain and every client of the services (API, CLI, web app).

Each rule is ``may_<verb>(actor, ...)`` and answers with a ``Verdict``: true when the
action is allowed; when it is refused, it carries the reason a 403 gives (``None``: the
generic "This action is unauthorized."). ``require(verdict)`` raises that 403. A screen
can ask the same rule to decide whether to offer the action at all.

The rules:

- Staff (employee accounts) read every record of their firm. Clients and externals read
  only what concerns them: their own account and the cases they take part in; everything
  else answers 404 (a single record) or 403 (a whole resource).
- Creating or editing records (clients, externals, cases, circles, tasks, board tasks)
  needs a staff account whose login has write permission; archiving also needs delete
  permission.
- Owners and admins ("managers") manage staff (employee accounts); only an owner changes
  the firm's settings or edits or makes an owner.
- Time entries are for staff only. Recording time needs write permission. Owners and
  admins change and delete any entry of the firm, members only their own; changing needs
  write permission, deleting delete permission. An entry's history is for managers and
  the entry's own account.
"""

from __future__ import annotations

from dataclasses import dataclass

from timeledger.auth.service import Actor
from timeledger.errors import Forbidden
from timeledger.models import AccountRole, AccountType, TimeEntry

MANAGER_ROLES = frozenset({AccountRole.OWNER, AccountRole.ADMIN})


@dataclass(frozen=True, slots=True)
class Verdict:
    """A rule's answer: truthy when allowed; ``reason`` says why not (the 403's message)."""

    allowed: bool
    reason: str | None = None

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Verdict(allowed=True)


def refused(reason: str | None = None) -> Verdict:
    return Verdict(allowed=False, reason=reason)


def require(verdict: Verdict) -> None:
    """Raise ``Forbidden`` (403) with the verdict's reason unless it allows."""
    if not verdict.allowed:
        raise Forbidden(verdict.reason)


def is_staff(actor: Actor) -> bool:
    return actor.account.type == AccountType.EMPLOYEE


def is_manager(actor: Actor) -> bool:
    return is_staff(actor) and actor.account.role in MANAGER_ROLES


def _verdict(allowed: bool, reason: str | None = None) -> Verdict:
    return ALLOWED if allowed else refused(reason)


# Records --------------------------------------------------------------------------------


def may_read_records(actor: Actor) -> Verdict:
    """Read the firm's records as a whole (lists, and records one takes no part in)."""
    return _verdict(is_staff(actor))


def may_edit_records(actor: Actor) -> Verdict:
    """Create or edit clients, externals, cases, circles, tasks and board tasks."""
    return _verdict(is_staff(actor) and actor.login.has_write_permission)


def may_archive(actor: Actor) -> Verdict:
    """Archive a record (what ``DELETE`` does to records)."""
    return _verdict(bool(may_edit_records(actor)) and actor.login.has_delete_permission)


def may_manage_staff(actor: Actor) -> Verdict:
    """Create or edit staff (employee accounts)."""
    return _verdict(bool(may_edit_records(actor)) and is_manager(actor))


def may_change_firm(actor: Actor) -> Verdict:
    """Change the firm's settings; also needed to edit an owner or make one."""
    return _verdict(bool(may_edit_records(actor)) and actor.account.role == AccountRole.OWNER)


def may_edit_account(actor: Actor, account_type: AccountType, role: AccountRole) -> Verdict:
    """Edit (or create, or archive) an account of this type and role: members edit clients
    and externals; staff accounts need a manager; owner accounts an owner."""
    verdict = may_edit_records(actor)
    if verdict and account_type == AccountType.EMPLOYEE:
        verdict = may_manage_staff(actor)
    if verdict and role == AccountRole.OWNER:
        verdict = may_change_firm(actor)
    return verdict


# Time entries ---------------------------------------------------------------------------


def may_use_time_entries(actor: Actor) -> Verdict:
    """Read the firm's time entries (and reach any time-entry route at all)."""
    return _verdict(is_staff(actor), "Only the firm's employees may use time entries.")


def may_record_time(actor: Actor) -> Verdict:
    """Create a time entry (or start a timer) as oneself."""
    return _verdict(is_staff(actor) and actor.login.has_write_permission)


def may_change_entry(actor: Actor, entry: TimeEntry) -> Verdict:
    """Update, patch, stop or reopen ``entry``."""
    if not actor.login.has_write_permission:
        return refused("Your login has no write permission.")
    return _own_or_managed(actor, entry, "change")


def may_delete_entry(actor: Actor, entry: TimeEntry) -> Verdict:
    if not actor.login.has_delete_permission:
        return refused("Your login has no delete permission.")
    return _own_or_managed(actor, entry, "delete")


def may_read_history(actor: Actor, entry: TimeEntry | None = None) -> Verdict:
    """Read ``entry``'s audit trail; without an entry, whether any history is readable."""
    if not is_staff(actor):
        return refused()
    if entry is None:
        return ALLOWED
    return _verdict(is_manager(actor) or entry.account_id == actor.account.id)


def _own_or_managed(actor: Actor, entry: TimeEntry, verb: str) -> Verdict:
    return _verdict(
        actor.account.role in MANAGER_ROLES or entry.account_id == actor.account.id,
        f"Members may {verb} only their own time entries.",
    )


# Reports (issue 12) ---------------------------------------------------------------------


def may_read_reports(actor: Actor) -> Verdict:
    """Run reports at all: the firm's employees."""
    return _verdict(is_staff(actor), "Only the firm's employees may run reports.")


def reports_default_to_own_time(actor: Actor) -> bool:
    """Owners and admins report on the whole firm by default; members on their own time,
    unless ``filter[staff]`` names others, which they may, as every employee reads every
    entry of the firm (docs/api.md)."""
    return not is_manager(actor)

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
- A login's write and delete permissions follow its account's role
  (``role_permissions``: every staff role may write and delete; clients and externals may
  write, not delete) unless an owner or admin set an override on it (audited).
- Creating or editing records (clients, externals, cases, circles, tasks, board tasks)
  needs a staff account whose login has write permission; archiving also needs delete
  permission.
- Owners and admins ("managers") manage staff (employee accounts); only an owner changes
  the firm's settings or edits or makes an owner. The web app's admin pages (staff, cases,
  the CSV import) are for managers; importing records there also needs write permission.
- Time entries are for staff only. Recording time needs write permission. Owners and
  admins change and delete any entry of the firm, members only their own; changing needs
  write permission, deleting delete permission. An entry's history is for managers and
  the entry's own account.
- Billing: owners and admins manage rates, billing settings, invoices and the lock; only
  owners override a lock. Rates and amounts are visible to owners and admins, and to
  members when the firm allows (``members_see_amounts``).
"""

from __future__ import annotations

from dataclasses import dataclass

from timeledger.auth.service import Actor
from timeledger.errors import Forbidden
from timeledger.models import Account, AccountRole, AccountType, Login, TimeEntry

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


@dataclass(frozen=True, slots=True)
class LoginPermissions:
    write: bool
    delete: bool


def role_permissions(account: Account) -> LoginPermissions:
    """What a login may do by its account's role alone: staff write and delete (members
    only their own time entries, by the rules below); clients and externals write only."""
    staff = account.type == AccountType.EMPLOYEE
    return LoginPermissions(write=True, delete=staff)


def login_permissions(login: Login, account: Account) -> LoginPermissions:
    """The role's permissions with the login's overrides applied."""
    default = role_permissions(account)
    return LoginPermissions(
        write=default.write if login.write_override is None else login.write_override,
        delete=default.delete if login.delete_override is None else login.delete_override,
    )


def can_write(actor: Actor) -> bool:
    return login_permissions(actor.login, actor.account).write


def can_delete(actor: Actor) -> bool:
    return login_permissions(actor.login, actor.account).delete


def _verdict(allowed: bool, reason: str | None = None) -> Verdict:
    return ALLOWED if allowed else refused(reason)


# Records --------------------------------------------------------------------------------


def may_read_records(actor: Actor) -> Verdict:
    """Read the firm's records as a whole (lists, and records one takes no part in)."""
    return _verdict(is_staff(actor))


def may_edit_records(actor: Actor) -> Verdict:
    """Create or edit clients, externals, cases, circles, tasks and board tasks."""
    return _verdict(is_staff(actor) and can_write(actor))


def may_archive(actor: Actor) -> Verdict:
    """Archive a record (what ``DELETE`` does to records)."""
    return _verdict(bool(may_edit_records(actor)) and can_delete(actor))


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


def may_use_admin_pages(actor: Actor) -> Verdict:
    """Use the web app's firm admin pages (staff, cases, the CSV import): owners and
    admins. Each action on them still asks its own rule (``may_edit_records``...)."""
    return _verdict(is_manager(actor), "Only owners and admins manage the firm here.")


def may_import_records(actor: Actor) -> Verdict:
    """Import clients, cases and tasks from a CSV file in the web app (the CLI's
    ``import records`` is the server administrator's): owners and admins with write
    permission."""
    return _verdict(
        is_manager(actor) and can_write(actor),
        "Only owners and admins with write permission may import records.",
    )


# Webhooks -------------------------------------------------------------------------------


def may_manage_webhooks(actor: Actor) -> Verdict:
    """Create, read, change or delete the firm's webhook subscriptions (they carry the
    signing secret and receive client data): owners and admins only."""
    return _verdict(is_manager(actor), "Only the firm's owners and admins manage webhooks.")


# Time entries ---------------------------------------------------------------------------


def may_use_time_entries(actor: Actor) -> Verdict:
    """Read the firm's time entries (and reach any time-entry route at all)."""
    return _verdict(is_staff(actor), "Only the firm's employees may use time entries.")


def may_list_every_accounts_entries(actor: Actor) -> Verdict:
    """List every account's entries at once (``filter[accounts]=*``): managers only."""
    return _verdict(
        is_manager(actor), "Only owners and admins may list every account's time entries."
    )


def may_record_time(actor: Actor) -> Verdict:
    """Create a time entry (or start a timer) as oneself."""
    return _verdict(is_staff(actor) and can_write(actor))


def may_change_entry(actor: Actor, entry: TimeEntry) -> Verdict:
    """Update, patch, stop or reopen ``entry``."""
    if not can_write(actor):
        return refused("Your login has no write permission.")
    return _own_or_managed(actor, entry, "change")


def may_delete_entry(actor: Actor, entry: TimeEntry) -> Verdict:
    if not can_delete(actor):
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


# Billing (issue 11) ---------------------------------------------------------------------
# Owners and admins manage rates, the firm's billing settings, invoices and the lock; only
# owners override a lock (and the audit trail records it). Rates and amounts are shown to
# owners and admins, and to members only when the firm turns ``members_see_amounts`` on.
# Staff read tags and, with write permission, create them; managers rename and archive.


def may_manage_billing(actor: Actor) -> Verdict:
    """Rates, billing settings, invoicing, repricing and the lock boundary."""
    return _verdict(
        is_manager(actor) and can_write(actor),
        "Only owners and admins may manage billing.",
    )


def may_override_lock(actor: Actor) -> Verdict:
    """Change a locked time entry (or unlock a period) anyway."""
    return _verdict(
        is_staff(actor) and actor.account.role == AccountRole.OWNER and can_write(actor),
        "Only owners may override a lock.",
    )


def may_see_amounts(actor: Actor) -> bool:
    """Whether time-entry resources show this caller rates and amounts."""
    return is_manager(actor) or (is_staff(actor) and actor.firm.members_see_amounts)


def may_create_tags(actor: Actor) -> Verdict:
    return _verdict(is_staff(actor) and can_write(actor))


def may_manage_tags(actor: Actor) -> Verdict:
    """Rename or archive a tag."""
    return _verdict(
        is_manager(actor) and can_write(actor),
        "Only owners and admins may rename or archive tags.",
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

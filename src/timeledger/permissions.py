"""Who may do what with a firm's records.

- Owners and admins manage records and staff (employee accounts).
- Members create and edit records (clients, externals, cases, circles, tasks, board tasks).
- Clients and externals only read what concerns them: their own account and the cases they
  take part in. Everything else answers 404 (a single record) or 403 (a whole resource).
- A login without write permission reads only; archiving also needs delete permission.
- Only an owner changes the firm's settings or makes another account an owner.
"""

from __future__ import annotations

from timeledger.auth.service import Actor
from timeledger.errors import Forbidden
from timeledger.models import AccountRole, AccountType

MANAGER_ROLES = frozenset({AccountRole.OWNER, AccountRole.ADMIN})


def is_staff(actor: Actor) -> bool:
    return actor.account.type == AccountType.EMPLOYEE


def is_manager(actor: Actor) -> bool:
    return is_staff(actor) and actor.account.role in MANAGER_ROLES


def require_staff(actor: Actor) -> None:
    """Reading a whole resource that clients and externals have no part in."""
    if not is_staff(actor):
        raise Forbidden()


def require_writer(actor: Actor) -> None:
    """Creating or editing records."""
    if not is_staff(actor) or not actor.login.has_write_permission:
        raise Forbidden()


def require_manager(actor: Actor) -> None:
    """Creating or editing staff."""
    require_writer(actor)
    if not is_manager(actor):
        raise Forbidden()


def require_archiver(actor: Actor) -> None:
    """Archiving records (what ``DELETE`` does)."""
    require_writer(actor)
    if not actor.login.has_delete_permission:
        raise Forbidden()


def require_owner(actor: Actor) -> None:
    require_writer(actor)
    if actor.account.role != AccountRole.OWNER:
        raise Forbidden()

"""A login's permissions: what its account's role gives, and the overrides owners and
admins set on it (API) or an administrator sets on the server (CLI), each change recorded
in ``permission_changes`` in the same transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from timeledger.accounts import repository
from timeledger.accounts.schemas import (
    PermissionChangeRead,
    PermissionsRead,
    PermissionsUpdate,
)
from timeledger.accounts.service import visible_account
from timeledger.auth.service import Actor
from timeledger.errors import NotFound, ValidationFailed
from timeledger.models import Account, Login, PermissionChange
from timeledger.permissions import login_permissions, may_edit_account, may_manage_staff, require

NO_LOGIN = "That account has no login: nobody logs in as it."


def _overrides(login: Login) -> dict[str, bool | None]:
    return {"write_override": login.write_override, "delete_override": login.delete_override}


def _login_of(session: Session, account: Account) -> Login:
    login = repository.first_login(session, firm_id=account.firm_id, account_id=account.id)
    if login is None:
        raise NotFound(NO_LOGIN)
    return login


def present(session: Session, account: Account, login: Login, time_zone: str) -> PermissionsRead:
    """The login's permissions now, with every recorded change oldest first."""
    effective = login_permissions(login, account)
    rows = repository.permission_changes(session, firm_id=account.firm_id, account_id=account.id)
    return PermissionsRead(
        account_uuid=account.uuid,
        role=account.role.value,
        has_write_permission=effective.write,
        has_delete_permission=effective.delete,
        write_override=login.write_override,
        delete_override=login.delete_override,
        changes=[
            PermissionChangeRead.build(change, changed_by=by, time_zone=time_zone)
            for change, by in rows
        ],
    )


def change_overrides(
    session: Session,
    *,
    account: Account,
    login: Login,
    changes: dict[str, bool | None],
    changed_by: Account | None,
    now: datetime,
) -> None:
    """Set ``write_override``/``delete_override`` (null: follow the role) and record the
    change; a change that changes nothing records nothing."""
    before = _overrides(login)
    for name, value in changes.items():
        setattr(login, name, value)
    after = _overrides(login)
    if after == before:
        return
    login.updated_at = now
    session.add(
        PermissionChange(
            firm_id=account.firm_id,
            account_id=account.id,
            login_id=login.id,
            changed_by_account_id=changed_by.id if changed_by else None,
            before=before,
            after=after,
            created_at=now,
        )
    )
    session.flush()


def show_permissions(session: Session, *, actor: Actor, raw_uuid: str) -> PermissionsRead:
    """Owners and admins see any staff login's permissions; anyone sees their own."""
    account = visible_account(session, actor=actor, raw_uuid=raw_uuid)
    if account.id != actor.account.id:
        require(may_manage_staff(actor))
    return present(session, account, _login_of(session, account), actor.firm.time_zone)


def set_permissions(
    session: Session, *, actor: Actor, raw_uuid: str, data: PermissionsUpdate, now: datetime
) -> PermissionsRead:
    """Owners and admins override a colleague's permissions (an owner's: owners only);
    nobody changes their own."""
    require(may_manage_staff(actor))
    account = visible_account(session, actor=actor, raw_uuid=raw_uuid)
    require(may_edit_account(actor, account.type, account.role))
    if account.id == actor.account.id:
        raise ValidationFailed.field(
            "uuid", "You cannot change your own permissions: ask another owner or admin."
        )
    login = _login_of(session, account)
    changes = {name: getattr(data, name) for name in data.model_fields_set}
    change_overrides(
        session, account=account, login=login, changes=changes, changed_by=actor.account, now=now
    )
    return present(session, account, login, actor.firm.time_zone)

"""Creating, finding, listing, editing and archiving accounts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import NamedTuple

from sqlalchemy.orm import Session

from timeledger.accounts import repository
from timeledger.accounts.schemas import AccountCreate, AccountResource, AccountUpdate
from timeledger.auth.service import Actor
from timeledger.errors import NotFound, ValidationFailed
from timeledger.kit.ids import uuid_or_not_found
from timeledger.kit.listing import ListParams, enum_filter, text_filter
from timeledger.kit.paging import Page, build_page
from timeledger.models import ROLES_BY_TYPE, Account, AccountRole, AccountType, Firm
from timeledger.permissions import (
    may_archive,
    may_edit_account,
    may_edit_records,
    may_read_records,
    require,
)
from timeledger.webhooks import outbox

CLIENT_ROLES = sorted(ROLES_BY_TYPE[AccountType.CLIENT])


def create_account(
    session: Session,
    *,
    firm: Firm,
    account_type: AccountType,
    role: AccountRole,
    first_name: str,
    last_name: str = "",
    email: str | None = None,
    now: datetime,
) -> Account:
    _check_role(account_type, role)
    account = Account(
        firm_id=firm.id,
        type=account_type,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        created_at=now,
        updated_at=now,
    )
    session.add(account)
    session.flush()
    return account


def find_by_name(
    session: Session, *, firm: Firm, first_name: str, last_name: str
) -> Account | None:
    return repository.account_by_name(
        session, firm_id=firm.id, first_name=first_name, last_name=last_name
    )


def _listed(
    session: Session, actor: Actor, params: ListParams, clients_only: bool
) -> tuple[list[Account], int]:
    """The list's rows and total: its filters, order and who sees what."""
    if clients_only:
        types = [AccountType.CLIENT]
        roles = enum_filter(params, "type", AccountRole, CLIENT_ROLES)
    else:
        types = enum_filter(params, "type", AccountType)
        roles = enum_filter(params, "role", AccountRole)
    rows, total = repository.page_of_accounts(
        session,
        firm_id=actor.firm.id,
        params=params,
        types=types,
        roles=roles,
        name=text_filter(params, "name"),
        only_id=None if may_read_records(actor) else actor.account.id,
    )
    return list(rows), total


def list_accounts(
    session: Session, *, actor: Actor, params: ListParams, clients_only: bool = False
) -> Page[AccountResource]:
    """The firm's live accounts; a client or external sees only its own."""
    rows, total = _listed(session, actor, params, clients_only)
    time_zone = actor.firm.time_zone
    items = [AccountResource.build(account, time_zone=time_zone) for account in rows]
    return build_page(items, total=total, params=params)


class AccountChoice(NamedTuple):
    """One account as a picker offers it."""

    uuid: str
    name: str
    role: str


def account_choices(
    session: Session, *, actor: Actor, params: ListParams, clients_only: bool = False
) -> list[AccountChoice]:
    """``list_accounts``'s rows as uuid, name and role only, for a web picker: the same
    filters and order, without building each API resource the picker would throw away."""
    rows, _ = _listed(session, actor, params, clients_only)
    return [AccountChoice(str(a.uuid), a.name, a.role.value) for a in rows]


def visible_account(
    session: Session, *, actor: Actor, raw_uuid: str, clients_only: bool = False
) -> Account:
    """An account of the caller's firm the caller may read, or 404."""
    account = repository.account_by_uuid(
        session,
        firm_id=actor.firm.id,
        account_uuid=uuid_or_not_found(raw_uuid),
        account_type=AccountType.CLIENT if clients_only else None,
    )
    if account is None or (not may_read_records(actor) and account.id != actor.account.id):
        raise NotFound()
    return account


def show_account(
    session: Session, *, actor: Actor, raw_uuid: str, clients_only: bool = False
) -> AccountResource:
    account = visible_account(session, actor=actor, raw_uuid=raw_uuid, clients_only=clients_only)
    return AccountResource.build(account, time_zone=actor.firm.time_zone)


def add_account(
    session: Session, *, actor: Actor, data: AccountCreate, now: datetime
) -> AccountResource:
    require(may_edit_account(actor, data.type, data.role))
    account = create_account(
        session,
        firm=actor.firm,
        account_type=data.type,
        role=data.role,
        first_name=data.first_name,
        last_name=data.last_name,
        email=data.email,
        now=now,
    )
    shown = AccountResource.build(account, time_zone=actor.firm.time_zone)
    outbox.announce(
        session, actor=actor, event_type="account.created", shown=shown, before=None, now=now
    )
    return shown


def update_account(
    session: Session, *, actor: Actor, raw_uuid: str, data: AccountUpdate, now: datetime
) -> AccountResource:
    require(may_edit_records(actor))
    account = visible_account(session, actor=actor, raw_uuid=raw_uuid)
    require(may_edit_account(actor, account.type, account.role))
    before = outbox.shown_before(
        session,
        actor=actor,
        event_type="account.updated",
        present=lambda: AccountResource.build(account, time_zone=actor.firm.time_zone),
    )
    changes = data.model_dump(exclude_unset=True)
    for name in ("first_name", "role"):
        if name in changes and changes[name] is None:
            raise ValidationFailed.field(name, f"The {name.replace('_', ' ')} field is required.")
    if data.role is not None:
        _check_role(account.type, data.role)
        require(may_edit_account(actor, account.type, data.role))
        if data.role != AccountRole.OWNER:
            _keep_an_owner(session, account, field="role")
        account.role = data.role
    if data.first_name is not None:
        account.first_name = data.first_name
    if "last_name" in changes:
        account.last_name = data.last_name or ""
    if "email" in changes:
        account.email = data.email
    account.updated_at = now
    session.flush()
    shown = AccountResource.build(account, time_zone=actor.firm.time_zone)
    outbox.announce(
        session, actor=actor, event_type="account.updated", shown=shown, before=before, now=now
    )
    return shown


def archive_account(
    session: Session, *, actor: Actor, raw_uuid: str, now: datetime
) -> AccountResource:
    """Archive, never delete: the account's time entries and those logged against it stay."""
    require(may_archive(actor))
    account = visible_account(session, actor=actor, raw_uuid=raw_uuid)
    require(may_edit_account(actor, account.type, account.role))
    if account.id == actor.account.id:
        raise ValidationFailed.field("uuid", "You cannot archive your own account.")
    _keep_an_owner(session, account, field="uuid")
    if account.archived_at is not None:
        return AccountResource.build(account, time_zone=actor.firm.time_zone)
    account.archived_at = now
    account.updated_at = now
    session.flush()
    shown = AccountResource.build(account, time_zone=actor.firm.time_zone)
    outbox.announce(
        session, actor=actor, event_type="account.deleted", shown=shown, before=None, now=now
    )
    return shown


def _keep_an_owner(session: Session, account: Account, *, field: str) -> None:
    """422 when ``account`` is the firm's last live owner: a firm always keeps one."""
    if (
        account.type == AccountType.EMPLOYEE
        and account.role == AccountRole.OWNER
        and account.archived_at is None
        and repository.live_owner_count(session, account.firm_id) <= 1
    ):
        raise ValidationFailed.field(
            field,
            "A firm must keep at least one owner: make another account an owner first.",
        )


def _check_role(account_type: AccountType, role: AccountRole) -> None:
    if role not in ROLES_BY_TYPE[account_type]:
        raise ValidationFailed.field(
            "role", f"The role {role.value} is not valid for a {account_type.value} account."
        )


def referenced_accounts(
    session: Session, *, firm: Firm, uuids: list[uuid.UUID], field: str
) -> list[Account]:
    """The live accounts of ``firm`` a request body names, in order; 422 naming each UUID
    that is not one (an account of another firm is, to this firm, no account at all)."""
    found = repository.accounts_by_uuids(session, firm_id=firm.id, uuids=uuids)
    errors = {
        f"{field}.{index}": [f"The selected {field}.{index} is invalid."]
        for index, account_uuid in enumerate(uuids)
        if account_uuid not in found
    }
    if errors:
        raise ValidationFailed(errors)
    unique = list(dict.fromkeys(uuids))
    return [found[account_uuid] for account_uuid in unique]

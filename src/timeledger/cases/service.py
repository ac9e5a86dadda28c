"""The rules of cases: participants are accounts of the firm and include a client; clients
and externals see only the cases they take part in."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from slugify import slugify
from sqlalchemy.orm import Session

from timeledger.accounts.service import referenced_accounts, visible_account
from timeledger.auth.service import Actor
from timeledger.cases import repository
from timeledger.cases.schemas import MAX_PARTICIPANTS, CaseCreate, CaseResource, CaseUpdate
from timeledger.errors import NotFound, ValidationFailed
from timeledger.kit.ids import uuid_or_not_found
from timeledger.kit.listing import ListParams, text_filter, uuid_filter
from timeledger.kit.paging import Page, build_page
from timeledger.models import Account, AccountType, Case, CaseParticipant, Firm
from timeledger.permissions import may_archive, may_edit_records, may_read_records, require
from timeledger.webhooks import outbox


def participants_for(session: Session, *, firm: Firm, uuids: list[uuid.UUID]) -> list[Account]:
    if not uuids:
        raise ValidationFailed.field("participants", "The participants field is required.")
    if len(uuids) > MAX_PARTICIPANTS:
        raise ValidationFailed.field(
            "participants",
            f"The participants field must not have more than {MAX_PARTICIPANTS} items.",
        )
    accounts = referenced_accounts(session, firm=firm, uuids=uuids, field="participants")
    if not any(account.type == AccountType.CLIENT for account in accounts):
        raise ValidationFailed.field("participants", "The participants must include a client.")
    return accounts


def list_cases(
    session: Session, *, actor: Actor, params: ListParams, client_uuid: str | None = None
) -> Page[CaseResource]:
    account_uuids = uuid_filter(params, "account_uuids")
    if client_uuid is not None:
        client = visible_account(session, actor=actor, raw_uuid=client_uuid, clients_only=True)
        account_uuids = [client.uuid]
    rows, total = repository.page_of_cases(
        session,
        firm_id=actor.firm.id,
        params=params,
        uuids=uuid_filter(params, "uuid"),
        account_uuids=account_uuids,
        name=text_filter(params, "name"),
        participant_id=None if may_read_records(actor) else actor.account.id,
        include_archived=(params.filters.get("archived") or ["0"])[0] in {"1", "true"},
    )
    return build_page(_present(session, rows, actor.firm), total=total, params=params)


def case_choices(session: Session, *, actor: Actor, params: ListParams) -> list[tuple[str, str]]:
    """``list_cases``'s rows as (uuid, name) only, for a web picker: the same filters and
    order, without loading each case's participants the picker never shows."""
    rows, _ = repository.page_of_cases(
        session,
        firm_id=actor.firm.id,
        params=params,
        uuids=uuid_filter(params, "uuid"),
        account_uuids=uuid_filter(params, "account_uuids"),
        name=text_filter(params, "name"),
        participant_id=None if may_read_records(actor) else actor.account.id,
        include_archived=(params.filters.get("archived") or ["0"])[0] in {"1", "true"},
    )
    return [(str(case.uuid), case.name) for case in rows]


def show_case(session: Session, *, actor: Actor, raw_uuid: str) -> CaseResource:
    case = _visible_case(session, actor, raw_uuid)
    return _present(session, [case], actor.firm)[0]


def add_case(session: Session, *, actor: Actor, data: CaseCreate, now: datetime) -> CaseResource:
    require(may_edit_records(actor))
    participants = participants_for(session, firm=actor.firm, uuids=data.participants)
    billing_client = _billing_client(data.billing_client_uuid, participants)
    case = create_case(
        session,
        firm=actor.firm,
        name=data.name,
        participants=participants,
        now=now,
        billing_client_id=billing_client,
    )
    shown = _present(session, [case], actor.firm)[0]
    outbox.announce(
        session, actor=actor, event_type="case.created", shown=shown, before=None, now=now
    )
    return shown


def update_case(
    session: Session, *, actor: Actor, raw_uuid: str, data: CaseUpdate, now: datetime
) -> CaseResource:
    require(may_edit_records(actor))
    case = _visible_case(session, actor, raw_uuid)
    before = outbox.shown_before(
        session,
        actor=actor,
        event_type="case.updated",
        present=lambda: _present(session, [case], actor.firm)[0],
    )
    changes = data.model_dump(exclude_unset=True)
    for name in ("name", "participants"):
        if name in changes and changes[name] is None:
            raise ValidationFailed.field(name, f"The {name} field is required.")
    participants = None
    if data.participants is not None:
        participants = participants_for(session, firm=actor.firm, uuids=data.participants)
        repository.replace_participants(session, case, participants)
    _keep_billing_client(session, case, data, participants)
    if data.name is not None:
        case.name = data.name
        case.slug = case_slug(case.name)
    case.updated_at = now
    session.flush()
    shown = _present(session, [case], actor.firm)[0]
    outbox.announce(
        session, actor=actor, event_type="case.updated", shown=shown, before=before, now=now
    )
    return shown


def archive_case(session: Session, *, actor: Actor, raw_uuid: str, now: datetime) -> CaseResource:
    """Archive, never delete: time logged against the case stays readable."""
    require(may_archive(actor))
    case = _visible_case(session, actor, raw_uuid)
    if case.archived_at is not None:
        return _present(session, [case], actor.firm)[0]
    case.archived_at = now
    case.updated_at = now
    session.flush()
    shown = _present(session, [case], actor.firm)[0]
    outbox.announce(
        session, actor=actor, event_type="case.deleted", shown=shown, before=None, now=now
    )
    return shown


def live_case(session: Session, *, firm: Firm, case_uuid: uuid.UUID) -> Case | None:
    return repository.live_case_by_uuid(session, firm_id=firm.id, case_uuid=case_uuid)


def _visible_case(session: Session, actor: Actor, raw_uuid: str) -> Case:
    case = repository.case_by_uuid(
        session,
        firm_id=actor.firm.id,
        case_uuid=uuid_or_not_found(raw_uuid),
        participant_id=None if may_read_records(actor) else actor.account.id,
    )
    if case is None:
        raise NotFound()
    return case


def _present(session: Session, cases: Sequence[Case], firm: Firm) -> list[CaseResource]:
    participants = repository.participants_of(session, [case.id for case in cases], firm_id=firm.id)
    return [
        CaseResource.build_with(case, participants=participants[case.id], time_zone=firm.time_zone)
        for case in cases
    ]


def _billing_client(chosen: uuid.UUID | None, participants: Sequence[Account]) -> int | None:
    """The id of the chosen billing client; 422 unless it is a client participant."""
    if chosen is None:
        return None
    for account in participants:
        if account.uuid == chosen and account.type == AccountType.CLIENT:
            return account.id
    raise ValidationFailed.field(
        "billing_client_uuid", "The billing client must be one of the case's client participants."
    )


def _keep_billing_client(
    session: Session, case: Case, data: CaseUpdate, participants: Sequence[Account] | None
) -> None:
    """Set (or clear) the billing client when sent; refuse a participant change that would
    drop the current one without choosing again."""
    current = participants
    if current is None:
        current = repository.participants_of(session, [case.id], firm_id=case.firm_id)[case.id]
    if "billing_client_uuid" in data.model_fields_set:
        case.billing_client_id = _billing_client(data.billing_client_uuid, current)
    elif case.billing_client_id is not None and case.billing_client_id not in {
        a.id for a in current
    }:
        raise ValidationFailed.field(
            "billing_client_uuid",
            "The case's billing client is no longer a participant; choose another, or null.",
        )


def case_slug(name: str) -> str:
    return slugify(name, max_length=200) or "case"


def create_case(
    session: Session,
    *,
    firm: Firm,
    name: str,
    participants: Sequence[Account],
    now: datetime,
    billing_client_id: int | None = None,
) -> Case:
    case = Case(
        firm_id=firm.id,
        name=name,
        slug=case_slug(name),
        billing_client_id=billing_client_id,
        created_at=now,
        updated_at=now,
    )
    session.add(case)
    session.flush()
    session.add_all(
        CaseParticipant(firm_id=firm.id, case_id=case.id, account_id=account.id)
        for account in participants
    )
    session.flush()
    return case

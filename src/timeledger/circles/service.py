"""The rules of circles: 2 to 50 distinct accounts of the firm; staff only."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from timeledger.accounts.service import referenced_accounts
from timeledger.auth.service import Actor
from timeledger.circles import repository
from timeledger.circles.schemas import (
    MAX_MEMBERS,
    MIN_MEMBERS,
    CircleCreate,
    CircleResource,
    CircleUpdate,
)
from timeledger.errors import NotFound, ValidationFailed
from timeledger.kit.ids import uuid_or_not_found
from timeledger.kit.listing import ListParams, text_filter, uuid_filter
from timeledger.kit.paging import Page, build_page
from timeledger.models import Account, Circle, CircleMember, Firm
from timeledger.permissions import may_archive, may_edit_records, may_read_records, require
from timeledger.webhooks import outbox


def list_circles(session: Session, *, actor: Actor, params: ListParams) -> Page[CircleResource]:
    require(may_read_records(actor))
    rows, total = repository.page_of_circles(
        session,
        firm_id=actor.firm.id,
        params=params,
        uuids=uuid_filter(params, "uuid"),
        account_uuids=uuid_filter(params, "account_uuids"),
        name=text_filter(params, "name"),
    )
    return build_page(_present(session, rows, actor.firm), total=total, params=params)


def show_circle(session: Session, *, actor: Actor, raw_uuid: str) -> CircleResource:
    require(may_read_records(actor))
    return _present(session, [_circle(session, actor, raw_uuid)], actor.firm)[0]


def add_circle(
    session: Session, *, actor: Actor, data: CircleCreate, now: datetime
) -> CircleResource:
    require(may_edit_records(actor))
    members = _members(session, actor.firm, data.account_uuids)
    circle = create_circle(session, firm=actor.firm, name=data.name, members=members, now=now)
    shown = _present(session, [circle], actor.firm)[0]
    outbox.announce(
        session, actor=actor, event_type="circle.created", shown=shown, before=None, now=now
    )
    return shown


def update_circle(
    session: Session, *, actor: Actor, raw_uuid: str, data: CircleUpdate, now: datetime
) -> CircleResource:
    require(may_edit_records(actor))
    circle = _circle(session, actor, raw_uuid)
    before = outbox.shown_before(
        session,
        actor=actor,
        event_type="circle.updated",
        present=lambda: _present(session, [circle], actor.firm)[0],
    )
    changes = data.model_dump(exclude_unset=True)
    for name in ("name", "account_uuids"):
        if name in changes and changes[name] is None:
            raise ValidationFailed.field(name, f"The {name.replace('_', ' ')} field is required.")
    if data.account_uuids is not None:
        repository.replace_members(
            session, circle, _members(session, actor.firm, data.account_uuids)
        )
    if data.name is not None:
        circle.name = data.name
    circle.updated_at = now
    session.flush()
    shown = _present(session, [circle], actor.firm)[0]
    outbox.announce(
        session, actor=actor, event_type="circle.updated", shown=shown, before=before, now=now
    )
    return shown


def archive_circle(
    session: Session, *, actor: Actor, raw_uuid: str, now: datetime
) -> CircleResource:
    """Archive, never delete: time logged against the circle stays readable."""
    require(may_archive(actor))
    circle = _circle(session, actor, raw_uuid)
    if circle.archived_at is not None:
        return _present(session, [circle], actor.firm)[0]
    circle.archived_at = now
    circle.updated_at = now
    session.flush()
    shown = _present(session, [circle], actor.firm)[0]
    outbox.announce(
        session, actor=actor, event_type="circle.deleted", shown=shown, before=None, now=now
    )
    return shown


def _members(session: Session, firm: Firm, uuids: list[uuid.UUID]) -> list[Account]:
    if not MIN_MEMBERS <= len(uuids) <= MAX_MEMBERS:
        raise ValidationFailed.field(
            "account_uuids",
            f"The account uuids field must have between {MIN_MEMBERS} and {MAX_MEMBERS} items.",
        )
    accounts = referenced_accounts(session, firm=firm, uuids=uuids, field="account_uuids")
    if len(accounts) < MIN_MEMBERS:
        raise ValidationFailed.field(
            "account_uuids", "The account uuids field must name at least 2 different accounts."
        )
    return accounts


def _circle(session: Session, actor: Actor, raw_uuid: str) -> Circle:
    circle = repository.circle_by_uuid(
        session, firm_id=actor.firm.id, circle_uuid=uuid_or_not_found(raw_uuid)
    )
    if circle is None:
        raise NotFound()
    return circle


def _present(session: Session, circles: Sequence[Circle], firm: Firm) -> list[CircleResource]:
    members = repository.members_of(session, [circle.id for circle in circles], firm_id=firm.id)
    return [
        CircleResource.build_with(circle, accounts=members[circle.id], time_zone=firm.time_zone)
        for circle in circles
    ]


def create_circle(
    session: Session, *, firm: Firm, name: str, members: Sequence[Account], now: datetime
) -> Circle:
    circle = Circle(firm_id=firm.id, name=name, created_at=now, updated_at=now)
    session.add(circle)
    session.flush()
    session.add_all(
        CircleMember(firm_id=firm.id, circle_id=circle.id, account_id=account.id)
        for account in members
    )
    session.flush()
    return circle

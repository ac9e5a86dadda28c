"""Creating firms, showing the caller's own, and letting its owners rename it or change its
time zone."""

from __future__ import annotations

from datetime import datetime

from slugify import slugify
from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.dates import is_iana_zone
from timeledger.errors import NotFound, ValidationFailed
from timeledger.firms import repository
from timeledger.firms.schemas import FirmRead, FirmUpdate
from timeledger.kit.ids import parse_uuid, uuid_or_not_found
from timeledger.models import Firm
from timeledger.models.firm import DEFAULT_TIME_ZONE
from timeledger.permissions import may_change_firm, may_manage_billing, require


def firm_slug(name: str) -> str:
    return slugify(name, max_length=200) or "firm"


def find_by_name(session: Session, name: str) -> Firm | None:
    return repository.firm_by_slug(session, firm_slug(name))


def create_firm(
    session: Session, *, name: str, now: datetime, time_zone: str = DEFAULT_TIME_ZONE
) -> Firm:
    if not name.strip():
        raise ValidationFailed.field("name", "The name field is required.")
    if not is_iana_zone(time_zone):
        raise ValidationFailed.field(
            "time_zone", "The time zone must be an IANA zone name, such as Europe/London."
        )
    base = firm_slug(name)
    taken = repository.slugs_like(session, base)
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    firm = Firm(name=name, slug=slug, time_zone=time_zone, created_at=now, updated_at=now)
    session.add(firm)
    session.flush()
    return firm


def find_firm(session: Session, reference: str) -> Firm | None:
    """A firm by UUID or slug (for the CLI)."""
    parsed = parse_uuid(reference)
    if parsed is not None:
        return repository.firm_by_uuid(session, parsed)
    return repository.firm_by_slug(session, reference)


def show_firm(*, actor: Actor, raw_uuid: str) -> FirmRead:
    """The caller's own firm; any other UUID is 404, whether or not that firm exists."""
    if uuid_or_not_found(raw_uuid) != actor.firm.uuid:
        raise NotFound()
    return FirmRead.build(actor.firm, time_zone=actor.firm.time_zone)


def update_firm(
    session: Session, *, actor: Actor, raw_uuid: str, data: FirmUpdate, now: datetime
) -> FirmRead:
    """Owners set the firm's name and time zone (the slug stays, so links keep working);
    owners and admins its billing settings. Only the fields sent change."""
    if uuid_or_not_found(raw_uuid) != actor.firm.uuid:
        raise NotFound()
    changes = data.model_dump(exclude_unset=True)
    owners_only = changes.keys() & {"name", "time_zone"}
    require(may_change_firm(actor) if owners_only else may_manage_billing(actor))
    firm = actor.firm
    for name in changes:
        if changes[name] is None:
            raise ValidationFailed.field(name, f"The {name.replace('_', ' ')} field is required.")
    _billing_settings(firm, data)
    if data.time_zone is not None:
        if not is_iana_zone(data.time_zone):
            raise ValidationFailed.field(
                "time_zone", "The time zone must be an IANA zone name, such as Europe/London."
            )
        firm.time_zone = data.time_zone
    if data.name is not None:
        if not data.name.strip():
            raise ValidationFailed.field("name", "The name field is required.")
        firm.name = data.name
    firm.updated_at = now
    session.flush()
    return FirmRead.build(firm, time_zone=firm.time_zone)


def _billing_settings(firm: Firm, data: FirmUpdate) -> None:
    if data.currency is not None:
        firm.currency = data.currency
    if data.week_start is not None:
        firm.week_start = data.week_start
    if data.billable_default is not None:
        # A new dict: the JSON column notices replacement, not changes in place.
        firm.billable_default = {
            **firm.billable_default,
            **{kind.value: value for kind, value in data.billable_default.items()},
        }
    if data.members_see_amounts is not None:
        firm.members_see_amounts = data.members_see_amounts

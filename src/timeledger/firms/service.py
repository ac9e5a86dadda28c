"""Creating firms."""

from __future__ import annotations

from datetime import datetime

from slugify import slugify
from sqlalchemy.orm import Session

from timeledger.dates import is_time_zone
from timeledger.errors import ValidationFailed
from timeledger.firms import repository
from timeledger.models import Firm
from timeledger.models.firm import DEFAULT_TIME_ZONE


def firm_slug(name: str) -> str:
    return slugify(name, max_length=200) or "firm"


def find_by_name(session: Session, name: str) -> Firm | None:
    return repository.firm_by_slug(session, firm_slug(name))


def create_firm(
    session: Session, *, name: str, now: datetime, time_zone: str = DEFAULT_TIME_ZONE
) -> Firm:
    if not name.strip():
        raise ValidationFailed.field("name", "The name field is required.")
    if not is_time_zone(time_zone):
        raise ValidationFailed.field("time_zone", "The time zone must be an IANA zone name.")
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

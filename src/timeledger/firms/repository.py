from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from timeledger.models import Firm


def firm_by_slug(session: Session, slug: str) -> Firm | None:
    return session.scalars(select(Firm).where(Firm.slug == slug)).first()


def slugs_like(session: Session, base: str) -> set[str]:
    return set(session.scalars(select(Firm.slug).where(Firm.slug.like(f"{base}%"))))


def firm_by_uuid(session: Session, firm_uuid: uuid.UUID) -> Firm | None:
    return session.scalars(select(Firm).where(Firm.uuid == firm_uuid)).first()

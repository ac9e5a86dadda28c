from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from timeledger.errors import ServiceUnavailable
from timeledger.health import repository
from timeledger.health.schemas import HealthRead

logger = logging.getLogger(__name__)


def alive() -> HealthRead:
    return HealthRead(status="ok")


def ready(session_factory: sessionmaker[Session]) -> HealthRead:
    """One round trip to the database, in a transaction of its own (a read)."""
    try:
        with session_factory() as session:
            repository.ping(session)
    except SQLAlchemyError:
        logger.warning("readiness check: database unreachable", exc_info=True)
        raise ServiceUnavailable("The database is unreachable.") from None
    return HealthRead(status="ok")

"""The health checks. ``/readyz`` answers within ``READY_WITHIN_SECONDS`` whatever the
database or Redis do: each probe runs in a worker thread with its own short timeouts, and
the answer does not wait for a probe past the deadline."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from timeledger.errors import DATABASE_UNAVAILABLE, ServiceUnavailable
from timeledger.health import repository
from timeledger.health.schemas import HealthRead, ReadinessRead

logger = logging.getLogger(__name__)

# /readyz never takes longer than this (load balancers commonly wait 2 s).
READY_WITHIN_SECONDS = 1.5


def alive() -> HealthRead:
    return HealthRead(status="ok")


def database_answers(probe: sessionmaker[Session]) -> bool:
    """One round trip to the database, in a transaction of its own."""
    try:
        with probe() as session:
            repository.ping(session)
    except SQLAlchemyError as exc:
        logger.warning("readiness check: database unreachable (%s)", type(exc).__name__)
        return False
    return True


async def ready(
    probe: sessionmaker[Session], redis_answers: Callable[[], bool | None]
) -> ReadinessRead:
    """Both dependencies probed at once; 503 (``ServiceUnavailable``) when the database
    does not answer within the deadline; 200 ``degraded`` when only Redis does not."""
    database = asyncio.create_task(_within(lambda: database_answers(probe)))
    redis = asyncio.create_task(_within(redis_answers))
    database_ok, redis_ok = await database, await redis
    if database_ok is not True:
        raise ServiceUnavailable(DATABASE_UNAVAILABLE)
    redis_state = {None: "not configured", True: "ok"}.get(redis_ok, "unreachable")
    return ReadinessRead(
        status="ok" if redis_state != "unreachable" else "degraded",
        database="ok",
        redis=redis_state,
    )


async def _within(check: Callable[[], bool | None]) -> bool | None:
    """``check()`` in a worker thread; False if it has not answered by the deadline (the
    thread finishes on its own, bounded by the check's own timeouts)."""
    try:
        return await asyncio.wait_for(asyncio.to_thread(check), READY_WITHIN_SECONDS)
    except TimeoutError:
        return False

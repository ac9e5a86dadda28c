"""The health checks. ``/readyz`` answers within ``READY_WITHIN_SECONDS`` whatever the
database or Redis do: each probe runs in a worker thread with its own short timeouts, and
the answer does not wait for a probe past the deadline."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from timeledger.errors import ServiceUnavailable
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


class NotReady(ServiceUnavailable):
    """503 with ``Retry-After``: a dependency did not answer. The body names it, so an
    operator reading a load balancer's log knows where to look."""

    def __init__(self, database: str, redis: str) -> None:
        down = [
            name
            for name, state in (("the database", database), ("Redis", redis))
            if state == "unreachable"
        ]
        super().__init__(
            f"Not ready: {' and '.join(down)} {'is' if len(down) == 1 else 'are'} "
            "unreachable. Try again in a few seconds."
        )
        self.database = database
        self.redis = redis

    def body(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "status": "unavailable",
            "database": self.database,
            "redis": self.redis,
        }


async def ready(
    probe: sessionmaker[Session], redis_answers: Callable[[], bool | None]
) -> ReadinessRead:
    """Both dependencies probed at once, answered within ``READY_WITHIN_SECONDS``.

    Raises ``NotReady`` (503) when the database or a configured Redis does not answer:
    requests themselves still fail open while only Redis is down (they are rate-limited
    in memory, docs/reliability.md section 4), but an instance that cannot share its
    counts is not fully ready, and a load balancer should prefer one that can."""
    database = asyncio.create_task(_within(lambda: database_answers(probe)))
    redis = asyncio.create_task(_within(redis_answers))
    database_ok, redis_ok = await database, await redis
    database_state = "ok" if database_ok is True else "unreachable"
    redis_state = {None: "not configured", True: "ok"}.get(redis_ok, "unreachable")
    if "unreachable" in (database_state, redis_state):
        raise NotReady(database=database_state, redis=redis_state)
    return ReadinessRead(status="ok", database=database_state, redis=redis_state)


async def _within(check: Callable[[], bool | None]) -> bool | None:
    """``check()`` in a worker thread; False if it has not answered by the deadline (the
    thread finishes on its own, bounded by the check's own timeouts)."""
    try:
        return await asyncio.wait_for(asyncio.to_thread(check), READY_WITHIN_SECONDS)
    except TimeoutError:
        return False

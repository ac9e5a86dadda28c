from __future__ import annotations

from fastapi import Request

from timeledger.dependencies import api_router
from timeledger.errors import error_responses
from timeledger.health import service
from timeledger.health.schemas import HealthRead, ReadinessRead

router = api_router(tags=["Operations"], acts_as_account=False)


@router.get("/healthz", response_model=HealthRead, summary="The process is up")
def healthz() -> HealthRead:
    return service.alive()


@router.get(
    "/readyz",
    response_model=ReadinessRead,
    summary="The database is reachable",
    description="Answers within 2 s: 503 with Retry-After while the database cannot be "
    "reached (or is locked by another process); 200 with `status: degraded` while only "
    "Redis is down (requests are then rate-limited in memory).",
    responses=error_responses(503),
)
async def readyz(request: Request) -> ReadinessRead:
    return await service.ready(
        request.app.state.probe, request.app.state.rate_limiter.redis_answers
    )

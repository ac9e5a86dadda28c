from __future__ import annotations

from fastapi import Request

from timeledger.dependencies import api_router
from timeledger.health import service
from timeledger.health.schemas import HealthRead, NotReadyBody, ReadinessRead

router = api_router(tags=["Operations"], acts_as_account=False)


@router.get("/healthz", response_model=HealthRead, summary="The process is up")
def healthz() -> HealthRead:
    return service.alive()


@router.get(
    "/readyz",
    response_model=ReadinessRead,
    summary="The database and Redis are reachable",
    description="Answers within 2 s: 200 while every dependency answers; 503 with "
    "Retry-After, naming the dependency that is down, while the database cannot be "
    "reached (or is locked by another process) or a configured Redis does not answer "
    "(requests themselves still fail open then: they are rate-limited in memory).",
    responses={503: {"model": NotReadyBody, "description": "A dependency is down."}},
)
async def readyz(request: Request) -> ReadinessRead:
    return await service.ready(
        request.app.state.probe, request.app.state.rate_limiter.redis_answers
    )

from __future__ import annotations

from fastapi import Request

from timeledger.dependencies import api_router
from timeledger.errors import error_responses
from timeledger.health import service
from timeledger.health.schemas import HealthRead

router = api_router(tags=["Operations"], acts_as_account=False)


@router.get("/healthz", response_model=HealthRead, summary="The process is up")
def healthz() -> HealthRead:
    return service.alive()


@router.get(
    "/readyz",
    response_model=HealthRead,
    summary="The database is reachable",
    description="503 while the database cannot be reached.",
    responses=error_responses(503),
)
def readyz(request: Request) -> HealthRead:
    return service.ready(request.app.state.session_factory)

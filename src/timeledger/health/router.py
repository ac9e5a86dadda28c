from __future__ import annotations

from fastapi import APIRouter, Request

from timeledger.errors import error_responses
from timeledger.health import service
from timeledger.health.schemas import HealthRead

router = APIRouter(tags=["Operations"])


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

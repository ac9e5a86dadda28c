from __future__ import annotations

from fastapi import APIRouter

from timeledger.dependencies import ActorDep, ClockDep, SessionDep, SettingsDep
from timeledger.errors import error_responses
from timeledger.time_entries import service
from timeledger.time_entries.schemas import SEED_RESPONSE, TimeEntryCreate, TimeEntryRead

router = APIRouter(prefix="/api/v1/time-entry", tags=["Time entries"])


@router.post(
    "",
    response_model=TimeEntryRead,
    summary="Create a time entry",
    description="Records finished time, or starts a timer. Which of start_date, end_date and "
    "total_time_in_minutes define the interval is explained in docs/api.md. Answers 200, as "
    "upstream does.",
    responses={
        200: {"content": {"application/json": {"example": SEED_RESPONSE}}},
        **error_responses(400, 401, 403, 409, 422),
    },
)
def create_time_entry(
    body: TimeEntryCreate,
    actor: ActorDep,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> TimeEntryRead:
    return service.create_time_entry(
        session,
        actor=actor,
        data=body,
        now=clock.now(),
        clock_skew=settings.clock_skew,
    )

from __future__ import annotations

from timeledger.audit import service
from timeledger.audit.schemas import TimeEntryHistory
from timeledger.dependencies import ActorDep, SessionDep, api_router
from timeledger.errors import error_responses
from timeledger.kit.ids import uuid_or_not_found

router = api_router(tags=["Time entries"])


@router.get(
    "/api/v1/time-entry/{uuid}/history",
    response_model=TimeEntryHistory,
    summary="The history of a time entry (extension)",
    description="Every create, update, stop and delete of the entry, oldest first: who, when, "
    "through which token, and the fields before and after (dates in UTC). For owners, admins "
    "and the entry's own account; a deleted entry keeps its history.",
    responses=error_responses(400, 401, 403, 404),
)
def time_entry_history(uuid: str, actor: ActorDep, session: SessionDep) -> TimeEntryHistory:
    return service.history(session, actor=actor, entry_uuid=uuid_or_not_found(uuid))

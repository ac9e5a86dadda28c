from __future__ import annotations

from timeledger.dependencies import ActorDep, ClockDep, SessionDep, api_router
from timeledger.errors import error_responses
from timeledger.firms import service
from timeledger.firms.schemas import FirmRead, FirmUpdate

router = api_router(prefix="/api/v1/firm", tags=["Firm"])


@router.get(
    "/{uuid}",
    response_model=FirmRead,
    summary="Get the firm",
    description="Only the caller's own firm; any other UUID is 404.",
    responses=error_responses(400, 401, 403, 404),
)
def get_firm(uuid: str, actor: ActorDep) -> FirmRead:
    return service.show_firm(actor=actor, raw_uuid=uuid)


@router.put(
    "/{uuid}",
    response_model=FirmRead,
    summary="Update the firm's name, time zone and billing settings",
    description="Name and time zone: owners only. Changing the time zone changes how every "
    "date is shown and how dates without an offset are read; stored instants do not move. "
    "Billing settings (currency, week_start, billable_default, members_see_amounts; "
    "extensions): owners and admins.",
    responses=error_responses(400, 401, 403, 404, 422),
)
def update_firm(
    uuid: str, body: FirmUpdate, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> FirmRead:
    return service.update_firm(session, actor=actor, raw_uuid=uuid, data=body, now=clock.now())

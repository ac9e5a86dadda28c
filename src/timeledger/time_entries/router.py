from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from timeledger.dependencies import ActorDep, ClockDep, SessionDep, SettingsDep, api_router
from timeledger.errors import error_responses
from timeledger.kit.listing import ListParams, list_query
from timeledger.kit.paging import Page
from timeledger.time_entries import service
from timeledger.time_entries.schemas import (
    SEED_RESPONSE,
    InvoiceRequest,
    InvoiceResult,
    TimeEntryCreate,
    TimeEntryPatch,
    TimeEntryRead,
    TimeEntryStop,
    TimeEntryUpdate,
)
from timeledger.time_entries.service import invoice, read

router = api_router(prefix="/api/v1/time-entry", tags=["Time entries"])
client_router = api_router(prefix="/api/v1/client", tags=["Time entries"])

EntryListParams = Annotated[
    ListParams,
    Depends(
        list_query(
            filters=read.ENTRY_FILTERS,
            sorts=read.SORTS,
            default_sort=read.DEFAULT_SORT,
            filter_descriptions=read.ENTRY_FILTER_DESCRIPTIONS,
        )
    ),
]
ClientListParams = Annotated[
    ListParams,
    Depends(
        list_query(
            filters=read.CLIENT_FILTERS,
            sorts=read.SORTS,
            default_sort=read.DEFAULT_SORT,
            filter_descriptions=read.CLIENT_FILTER_DESCRIPTIONS,
        )
    ),
]
OverrideLock = Annotated[
    bool,
    Query(
        description="Extension: owners only; change a locked entry (or write into the locked "
        "period) anyway. The audit trail records every override."
    ),
]
_LIST_ERRORS = error_responses(400, 401, 403, 404, 422)
_CHANGE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)
_LIST_DESCRIPTION = (
    "Without filter[accounts], only your own entries. Default sort -end_date (running "
    "entries first); ties are broken by creation order, so pages never repeat an entry."
)


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
    override_lock: OverrideLock = False,
) -> TimeEntryRead:
    return service.create_time_entry(
        session,
        actor=actor,
        data=body,
        now=clock.now(),
        clock_skew=settings.clock_skew,
        override_lock=override_lock,
    )


@router.get(
    "",
    summary="List your time entries",
    description=_LIST_DESCRIPTION,
    responses=_LIST_ERRORS,
)
def list_time_entries(
    params: EntryListParams, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> Page[TimeEntryRead]:
    return service.list_time_entries(session, actor=actor, params=params, now=clock.now())


# Matches UUIDs only, so that /time-entry/{trackable_type} below gets everything else.
@router.get(
    "/{uuid:uuid}",
    summary="Get a time entry",
    responses=error_responses(400, 401, 403, 404),
)
def show_time_entry(
    uuid: uuid.UUID, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> TimeEntryRead:
    return service.show_time_entry(session, actor=actor, entry_uuid=uuid, now=clock.now())


@router.get(
    "/{trackable_type}",
    summary="List time entries on one trackable type",
    description=_LIST_DESCRIPTION,
    responses=_LIST_ERRORS,
)
def list_time_entries_of_type(
    trackable_type: str,
    params: EntryListParams,
    actor: ActorDep,
    session: SessionDep,
    clock: ClockDep,
) -> Page[TimeEntryRead]:
    return service.list_time_entries(
        session, actor=actor, params=params, now=clock.now(), trackable_type=trackable_type
    )


@router.get(
    "/{trackable_type}/{trackable_uuid}",
    summary="Get time entries",
    description=_LIST_DESCRIPTION,
    responses=_LIST_ERRORS,
)
def list_time_entries_of_trackable(
    trackable_type: str,
    trackable_uuid: str,
    params: EntryListParams,
    actor: ActorDep,
    session: SessionDep,
    clock: ClockDep,
) -> Page[TimeEntryRead]:
    return service.list_time_entries(
        session,
        actor=actor,
        params=params,
        now=clock.now(),
        trackable_type=trackable_type,
        trackable_uuid=trackable_uuid,
    )


@router.put(
    "/{uuid}",
    summary="Update a time entry",
    description="trackable_type and trackable_uuid are required, as upstream; every other "
    "field keeps its value when absent. end_date: null makes the entry run again.",
    responses=_CHANGE_ERRORS,
)
def update_time_entry(
    uuid: str,
    body: TimeEntryUpdate,
    actor: ActorDep,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    override_lock: OverrideLock = False,
) -> TimeEntryRead:
    return service.change_time_entry(
        session,
        actor=actor,
        entry_uuid=uuid,
        data=body,
        now=clock.now(),
        clock_skew=settings.clock_skew,
        override_lock=override_lock,
    )


@router.patch(
    "/{uuid}",
    summary="Change some fields of a time entry (extension)",
    description="As PUT, with every field optional. Not in upstream's API.",
    responses=_CHANGE_ERRORS,
)
def patch_time_entry(
    uuid: str,
    body: TimeEntryPatch,
    actor: ActorDep,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    override_lock: OverrideLock = False,
) -> TimeEntryRead:
    return service.change_time_entry(
        session,
        actor=actor,
        entry_uuid=uuid,
        data=body,
        now=clock.now(),
        clock_skew=settings.clock_skew,
        override_lock=override_lock,
    )


@router.post(
    "/{uuid}/stop",
    summary="Stop a running time entry (extension)",
    description="Stops it now, or at end_date when sent; 422 if it is not running. Not in "
    "upstream's API.",
    responses=_CHANGE_ERRORS,
)
def stop_time_entry(
    uuid: str,
    actor: ActorDep,
    session: SessionDep,
    clock: ClockDep,
    body: TimeEntryStop | None = None,
    override_lock: OverrideLock = False,
) -> TimeEntryRead:
    return service.stop_time_entry(
        session,
        actor=actor,
        entry_uuid=uuid,
        data=body,
        now=clock.now(),
        override_lock=override_lock,
    )


@router.delete(
    "/{uuid}",
    summary="Delete a time entry",
    description="Answers 200 with the deleted entry, as upstream. The entry is kept, marked "
    "deleted, and no read shows it again.",
    responses=error_responses(400, 401, 403, 404),
)
def delete_time_entry(
    uuid: str,
    actor: ActorDep,
    session: SessionDep,
    clock: ClockDep,
    override_lock: OverrideLock = False,
) -> TimeEntryRead:
    return service.delete_time_entry(
        session, actor=actor, entry_uuid=uuid, now=clock.now(), override_lock=override_lock
    )


@router.post(
    "/invoice",
    response_model=InvoiceResult,
    summary="Mark time entries invoiced (extension)",
    description="Owners and admins. By uuids, or by filter (the filters of GET "
    "/api/v1/time-entry). All the entries or none: 422 when one is unknown, running or "
    "already invoiced. Invoiced entries are locked.",
    responses=error_responses(400, 401, 403, 422),
)
def invoice_time_entries(
    body: InvoiceRequest, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> InvoiceResult:
    return invoice.invoice_entries(session, actor=actor, data=body, now=clock.now())


@client_router.get(
    "/{client_uuid}/all-time-entries",
    summary="Get all time entries for a client",
    description="Entries on the client, on the cases it takes part in, and on the tasks and "
    "board tasks of the client or those cases. "
    + _LIST_DESCRIPTION.replace("filter[accounts]", "filter[account_uuids]"),
    responses=_LIST_ERRORS,
)
def list_client_time_entries(
    client_uuid: str,
    params: ClientListParams,
    actor: ActorDep,
    session: SessionDep,
    clock: ClockDep,
) -> Page[TimeEntryRead]:
    return service.list_client_time_entries(
        session, actor=actor, client_uuid=client_uuid, params=params, now=clock.now()
    )

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from timeledger.cases import service
from timeledger.cases.schemas import CaseCreate, CaseResource, CaseUpdate
from timeledger.dependencies import ActorDep, ClockDep, SessionDep, api_router
from timeledger.errors import LIST_ERRORS, ONE_ERRORS
from timeledger.kit.listing import ListParams, list_query
from timeledger.kit.paging import Page

router = api_router(prefix="/api/v1/cases", tags=["Cases"])
client_cases_router = api_router(prefix="/api/v1/client", tags=["Cases"])

CaseList = Annotated[
    ListParams,
    Depends(
        list_query(
            filters=["uuid", "account_uuids", "name", "archived"],
            sorts=["name", "created_at", "updated_at"],
            default_sort="name",
            filter_descriptions={
                "uuid": "Case UUIDs, comma-separated.",
                "account_uuids": "Cases any of these accounts take part in.",
                "name": "Part of the name, any case.",
                "archived": "1: archived cases too.",
            },
        )
    ),
]


@router.get(
    "",
    response_model=Page[CaseResource],
    summary="List cases",
    description="Live cases of the caller's firm (`filter[archived]=1`: archived ones too); "
    "a client or external sees only the cases it takes part in.",
    responses=LIST_ERRORS,
)
def list_cases(actor: ActorDep, session: SessionDep, params: CaseList) -> Page[CaseResource]:
    return service.list_cases(session, actor=actor, params=params)


@router.post(
    "",
    response_model=CaseResource,
    summary="Create a case",
    description="Answers 200, as upstream does.",
    responses=LIST_ERRORS,
)
def create_case(
    body: CaseCreate, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> CaseResource:
    return service.add_case(session, actor=actor, data=body, now=clock.now())


@router.get("/{uuid}", response_model=CaseResource, summary="Get a case", responses=ONE_ERRORS)
def get_case(uuid: str, actor: ActorDep, session: SessionDep) -> CaseResource:
    return service.show_case(session, actor=actor, raw_uuid=uuid)


@router.put("/{uuid}", response_model=CaseResource, summary="Update a case", responses=ONE_ERRORS)
def update_case(
    uuid: str, body: CaseUpdate, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> CaseResource:
    return service.update_case(session, actor=actor, raw_uuid=uuid, data=body, now=clock.now())


@router.delete(
    "/{uuid}",
    response_model=CaseResource,
    summary="Archive a case",
    description="Archives rather than deletes, so time logged against it stays readable.",
    responses=ONE_ERRORS,
)
def archive_case(uuid: str, actor: ActorDep, session: SessionDep, clock: ClockDep) -> CaseResource:
    return service.archive_case(session, actor=actor, raw_uuid=uuid, now=clock.now())


@client_cases_router.get(
    "/{client_uuid}/cases",
    response_model=Page[CaseResource],
    summary="List a client's cases",
    responses=ONE_ERRORS,
)
def list_client_cases(
    client_uuid: str, actor: ActorDep, session: SessionDep, params: CaseList
) -> Page[CaseResource]:
    return service.list_cases(session, actor=actor, params=params, client_uuid=client_uuid)

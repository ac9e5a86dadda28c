from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from timeledger.circles import service
from timeledger.circles.schemas import CircleCreate, CircleResource, CircleUpdate
from timeledger.dependencies import ActorDep, ClockDep, SessionDep, api_router
from timeledger.errors import LIST_ERRORS, ONE_ERRORS
from timeledger.kit.listing import ListParams, list_query
from timeledger.kit.paging import Page

router = api_router(prefix="/api/v1/circles", tags=["Circles"])

CircleList = Annotated[
    ListParams,
    Depends(
        list_query(
            filters=["uuid", "account_uuids", "name"],
            sorts=["name", "created_at", "updated_at"],
            default_sort="name",
            filter_descriptions={
                "uuid": "Circle UUIDs, comma-separated.",
                "account_uuids": "Circles with any of these accounts.",
                "name": "Part of the name, any case.",
            },
        )
    ),
]


@router.get(
    "",
    response_model=Page[CircleResource],
    summary="List circles",
    description="Live circles of the caller's firm. Staff only.",
    responses=LIST_ERRORS,
)
def list_circles(actor: ActorDep, session: SessionDep, params: CircleList) -> Page[CircleResource]:
    return service.list_circles(session, actor=actor, params=params)


@router.post(
    "",
    response_model=CircleResource,
    status_code=201,
    summary="Create a circle",
    description="Answers 201, as upstream does.",
    responses=LIST_ERRORS,
)
def create_circle(
    body: CircleCreate, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> CircleResource:
    return service.add_circle(session, actor=actor, data=body, now=clock.now())


@router.get("/{uuid}", response_model=CircleResource, summary="Get a circle", responses=ONE_ERRORS)
def get_circle(uuid: str, actor: ActorDep, session: SessionDep) -> CircleResource:
    return service.show_circle(session, actor=actor, raw_uuid=uuid)


@router.put(
    "/{uuid}", response_model=CircleResource, summary="Update a circle", responses=ONE_ERRORS
)
def update_circle(
    uuid: str, body: CircleUpdate, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> CircleResource:
    return service.update_circle(session, actor=actor, raw_uuid=uuid, data=body, now=clock.now())


@router.delete(
    "/{uuid}",
    response_model=CircleResource,
    summary="Archive a circle",
    description="Archives rather than deletes, so time logged against it stays readable.",
    responses=ONE_ERRORS,
)
def archive_circle(
    uuid: str, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> CircleResource:
    return service.archive_circle(session, actor=actor, raw_uuid=uuid, now=clock.now())

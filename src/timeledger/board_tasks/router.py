from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from timeledger.board_tasks import service
from timeledger.board_tasks.schemas import BoardTaskCreate, BoardTaskResource, BoardTaskUpdate
from timeledger.dependencies import ActorDep, ClockDep, SessionDep, api_router
from timeledger.errors import LIST_ERRORS, ONE_ERRORS
from timeledger.kit.listing import ListParams, list_query
from timeledger.kit.paging import Page

router = api_router(prefix="/api/v1/board-task", tags=["Board tasks"])

BoardTaskList = Annotated[
    ListParams,
    Depends(
        list_query(
            filters=["uuid", "case_uuid", "name"],
            sorts=["created_at", "updated_at", "name"],
            default_sort="created_at",
            filter_descriptions={
                "uuid": "Board task UUIDs, comma-separated.",
                "case_uuid": "Board tasks on any of these cases.",
                "name": "Part of the name, any case.",
            },
        )
    ),
]


@router.get(
    "",
    response_model=Page[BoardTaskResource],
    summary="List board tasks",
    description="Live board tasks of the caller's firm. Staff only.",
    responses=LIST_ERRORS,
)
def list_board_tasks(
    actor: ActorDep, session: SessionDep, params: BoardTaskList
) -> Page[BoardTaskResource]:
    return service.list_board_tasks(session, actor=actor, params=params)


@router.post(
    "",
    response_model=BoardTaskResource,
    status_code=201,
    summary="Create a board task",
    description="Answers 201, as task creation does upstream.",
    responses=LIST_ERRORS,
)
def create_board_task(
    body: BoardTaskCreate, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> BoardTaskResource:
    return service.add_board_task(session, actor=actor, data=body, now=clock.now())


@router.get(
    "/{uuid}", response_model=BoardTaskResource, summary="Get a board task", responses=ONE_ERRORS
)
def get_board_task(uuid: str, actor: ActorDep, session: SessionDep) -> BoardTaskResource:
    return service.show_board_task(session, actor=actor, raw_uuid=uuid)


@router.put(
    "/{uuid}", response_model=BoardTaskResource, summary="Update a board task", responses=ONE_ERRORS
)
def update_board_task(
    uuid: str, body: BoardTaskUpdate, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> BoardTaskResource:
    return service.update_board_task(
        session, actor=actor, raw_uuid=uuid, data=body, now=clock.now()
    )


@router.delete(
    "/{uuid}",
    response_model=BoardTaskResource,
    summary="Archive a board task",
    description="Archives rather than deletes, so time logged against it stays readable.",
    responses=ONE_ERRORS,
)
def archive_board_task(
    uuid: str, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> BoardTaskResource:
    return service.archive_board_task(session, actor=actor, raw_uuid=uuid, now=clock.now())

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from timeledger.dependencies import ActorDep, ClockDep, SessionDep, api_router
from timeledger.errors import LIST_ERRORS, ONE_ERRORS
from timeledger.kit.listing import ListParams, list_query
from timeledger.kit.paging import Page
from timeledger.tasks import service
from timeledger.tasks.schemas import TaskCreate, TaskResource, TaskUpdate

router = api_router(prefix="/api/v1/task", tags=["Tasks"])

TaskList = Annotated[
    ListParams,
    Depends(
        list_query(
            filters=["uuid", "name", "priority", "taskable_type", "taskable_uuid"],
            sorts=["created_at", "updated_at", "name", "due_at"],
            default_sort="created_at",
            filter_descriptions={
                "uuid": "Task UUIDs, comma-separated.",
                "name": "Part of the name, any case.",
                "priority": "low, medium, high or highest; comma-separated.",
                "taskable_type": "client or case.",
                "taskable_uuid": "Tasks on any of these clients or cases.",
            },
        )
    ),
]


@router.get(
    "",
    response_model=Page[TaskResource],
    summary="List tasks",
    description="Live tasks of the caller's firm, on clients and cases. Staff only.",
    responses=LIST_ERRORS,
)
def list_tasks(actor: ActorDep, session: SessionDep, params: TaskList) -> Page[TaskResource]:
    return service.list_tasks(session, actor=actor, params=params)


@router.post(
    "",
    response_model=TaskResource,
    status_code=201,
    summary="Create a task",
    description="Answers 201, as upstream does.",
    responses=LIST_ERRORS,
)
def create_task(
    body: TaskCreate, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> TaskResource:
    return service.add_task(session, actor=actor, data=body, now=clock.now())


@router.get("/{uuid}", response_model=TaskResource, summary="Get a task", responses=ONE_ERRORS)
def get_task(uuid: str, actor: ActorDep, session: SessionDep) -> TaskResource:
    return service.show_task(session, actor=actor, raw_uuid=uuid)


@router.put("/{uuid}", response_model=TaskResource, summary="Update a task", responses=ONE_ERRORS)
def update_task(
    uuid: str, body: TaskUpdate, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> TaskResource:
    return service.update_task(session, actor=actor, raw_uuid=uuid, data=body, now=clock.now())


@router.delete(
    "/{uuid}",
    response_model=TaskResource,
    summary="Archive a task",
    description="Archives rather than deletes, so time logged against it stays readable.",
    responses=ONE_ERRORS,
)
def archive_task(uuid: str, actor: ActorDep, session: SessionDep, clock: ClockDep) -> TaskResource:
    return service.archive_task(session, actor=actor, raw_uuid=uuid, now=clock.now())

"""The rules of tasks: on a live client or case of the firm; staff only."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from timeledger.accounts import repository as accounts
from timeledger.auth.service import Actor
from timeledger.cases.service import live_case
from timeledger.dates import to_utc
from timeledger.errors import NotFound, ValidationFailed
from timeledger.kit.ids import uuid_or_not_found
from timeledger.kit.listing import ListParams, enum_filter, text_filter, uuid_filter
from timeledger.kit.paging import Page, build_page
from timeledger.models import Account, AccountType, Case, Firm, Task, TaskPriority
from timeledger.permissions import may_archive, may_edit_records, may_read_records, require
from timeledger.tasks import repository
from timeledger.tasks.schemas import TaskableType, TaskCreate, TaskResource, TaskUpdate
from timeledger.webhooks import outbox


def list_tasks(session: Session, *, actor: Actor, params: ListParams) -> Page[TaskResource]:
    require(may_read_records(actor))
    types = enum_filter(params, "taskable_type", TaskableType)
    rows, total = repository.page_of_tasks(
        session,
        firm_id=actor.firm.id,
        params=params,
        uuids=uuid_filter(params, "uuid"),
        priorities=enum_filter(params, "priority", TaskPriority),
        name=text_filter(params, "name"),
        on_clients=None if len(set(types)) != 1 else types[0] == TaskableType.CLIENT,
        taskable_uuids=uuid_filter(params, "taskable_uuid"),
    )
    return build_page(_present(session, rows, actor.firm), total=total, params=params)


def show_task(session: Session, *, actor: Actor, raw_uuid: str) -> TaskResource:
    require(may_read_records(actor))
    return _present(session, [_task(session, actor, raw_uuid)], actor.firm)[0]


def add_task(session: Session, *, actor: Actor, data: TaskCreate, now: datetime) -> TaskResource:
    require(may_edit_records(actor))
    taskable = taskable_for(
        session, firm=actor.firm, taskable_type=data.taskable_type, taskable_uuid=data.taskable_uuid
    )
    task = create_task(
        session,
        firm=actor.firm,
        name=data.name,
        on=taskable,
        description=data.description,
        priority=data.priority,
        due_at=_due_at(data.due_at, actor.firm),
        now=now,
    )
    shown = _present(session, [task], actor.firm)[0]
    outbox.announce(
        session, actor=actor, event_type="task.created", shown=shown, before=None, now=now
    )
    return shown


def update_task(
    session: Session, *, actor: Actor, raw_uuid: str, data: TaskUpdate, now: datetime
) -> TaskResource:
    require(may_edit_records(actor))
    task = _task(session, actor, raw_uuid)
    before = outbox.shown_before(
        session,
        actor=actor,
        event_type="task.updated",
        present=lambda: _present(session, [task], actor.firm)[0],
    )
    changes = data.model_dump(exclude_unset=True)
    for name in ("name", "priority", "taskable_type", "taskable_uuid"):
        if name in changes and changes[name] is None:
            raise ValidationFailed.field(name, f"The {name.replace('_', ' ')} field is required.")
    if ("taskable_type" in changes) != ("taskable_uuid" in changes):
        raise ValidationFailed.field(
            "taskable_uuid", "Send taskable type and taskable uuid together to move a task."
        )
    if data.taskable_type is not None and data.taskable_uuid is not None:
        on = taskable_for(
            session,
            firm=actor.firm,
            taskable_type=data.taskable_type,
            taskable_uuid=data.taskable_uuid,
        )
        task.account_id = on.id if isinstance(on, Account) else None
        task.case_id = on.id if isinstance(on, Case) else None
    for name in ("name", "priority", "description"):
        if name in changes:
            setattr(task, name, getattr(data, name))
    if "due_at" in changes:
        task.due_at = _due_at(data.due_at, actor.firm)
    task.updated_at = now
    session.flush()
    shown = _present(session, [task], actor.firm)[0]
    outbox.announce(
        session, actor=actor, event_type="task.updated", shown=shown, before=before, now=now
    )
    return shown


def archive_task(session: Session, *, actor: Actor, raw_uuid: str, now: datetime) -> TaskResource:
    """Archive, never delete: time logged against the task stays readable."""
    require(may_archive(actor))
    task = _task(session, actor, raw_uuid)
    if task.archived_at is not None:
        return _present(session, [task], actor.firm)[0]
    task.archived_at = now
    task.updated_at = now
    session.flush()
    shown = _present(session, [task], actor.firm)[0]
    outbox.announce(
        session, actor=actor, event_type="task.deleted", shown=shown, before=None, now=now
    )
    return shown


def taskable_for(
    session: Session, *, firm: Firm, taskable_type: TaskableType, taskable_uuid: uuid.UUID
) -> Account | Case:
    """The live client or case a task is to be on, or 422."""
    found: Account | Case | None
    if taskable_type == TaskableType.CLIENT:
        found = accounts.account_by_uuid(
            session, firm_id=firm.id, account_uuid=taskable_uuid, account_type=AccountType.CLIENT
        )
    else:
        found = live_case(session, firm=firm, case_uuid=taskable_uuid)
    if found is None or found.archived_at is not None:
        raise ValidationFailed.field("taskable_uuid", "The selected taskable uuid is invalid.")
    return found


def _due_at(value: datetime | None, firm: Firm) -> datetime | None:
    if value is None:
        return None
    try:
        return to_utc(value, firm.time_zone)
    except ValueError:
        raise ValidationFailed.field(
            "due_at", "The due at field must be a date between the years 1900 and 9998."
        ) from None


def _task(session: Session, actor: Actor, raw_uuid: str) -> Task:
    task = repository.task_by_uuid(
        session, firm_id=actor.firm.id, task_uuid=uuid_or_not_found(raw_uuid)
    )
    if task is None:
        raise NotFound()
    return task


def _present(session: Session, tasks: Sequence[Task], firm: Firm) -> list[TaskResource]:
    clients, cases = repository.taskables_of(session, tasks)
    return [
        TaskResource.build_with(
            task,
            taskable=clients[task.account_id]
            if task.account_id is not None
            else cases[task.case_id or 0],
            time_zone=firm.time_zone,
        )
        for task in tasks
    ]


def create_task(
    session: Session,
    *,
    firm: Firm,
    name: str,
    on: Account | Case,
    now: datetime,
    description: str | None = None,
    priority: TaskPriority = TaskPriority.MEDIUM,
    due_at: datetime | None = None,
) -> Task:
    if isinstance(on, Account) and on.type != AccountType.CLIENT:
        raise ValueError("a task belongs to a client or a case")
    task = Task(
        firm_id=firm.id,
        name=name,
        description=description,
        priority=priority,
        due_at=due_at,
        account_id=on.id if isinstance(on, Account) else None,
        case_id=on.id if isinstance(on, Case) else None,
        created_at=now,
        updated_at=now,
    )
    session.add(task)
    session.flush()
    return task

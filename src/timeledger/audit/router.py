from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from timeledger.audit import service
from timeledger.audit.schemas import AuditEventRead, TimeEntryHistory
from timeledger.dependencies import ActorDep, SessionDep, api_router
from timeledger.errors import LIST_ERRORS, error_responses
from timeledger.kit.ids import uuid_or_not_found
from timeledger.kit.listing import ListParams, list_query
from timeledger.kit.paging import Page

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


ChangeList = Annotated[
    ListParams,
    Depends(
        list_query(
            filters=["subject_type", "subject_uuid"],
            sorts=["created_at"],
            default_sort="-created_at",
            filter_descriptions={
                "subject_type": "billing_rate, tag, lock, invoice, time_entry; comma-separated.",
                "subject_uuid": "The UUIDs of the rates, tags, firm or entries changed.",
            },
        )
    ),
]


@router.get(
    "/api/v1/audit-events",
    response_model=Page[AuditEventRead],
    summary="The firm's billing audit trail (extension)",
    description="Owners and admins. Every change to rates, tags, the lock, invoices, reprices "
    "and every lock override, newest first: who, when, through which token, before and after.",
    responses=LIST_ERRORS,
)
def list_audit_events(
    params: ChangeList, actor: ActorDep, session: SessionDep
) -> Page[AuditEventRead]:
    return service.list_changes(session, actor=actor, params=params)

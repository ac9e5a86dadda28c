"""Billing routes (extensions): rates, tags and the firm's lock boundary."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from timeledger.billing.schemas import (
    BillingRateCreate,
    BillingRateRead,
    BillingRateUpdate,
    LockRead,
    LockUpdate,
    RepriceRequest,
    RepriceResult,
    TagCreate,
    TagRead,
    TagUpdate,
)
from timeledger.billing.service import locks, rates, tags
from timeledger.dependencies import ActorDep, ClockDep, SessionDep, api_router
from timeledger.errors import LIST_ERRORS, ONE_ERRORS
from timeledger.kit.listing import ListParams, list_query
from timeledger.kit.paging import Page

rates_router = api_router(prefix="/api/v1/billing-rates", tags=["Billing"])
tags_router = api_router(prefix="/api/v1/tags", tags=["Billing"])
lock_router = api_router(prefix="/api/v1/firm", tags=["Billing"])

RateList = Annotated[
    ListParams,
    Depends(
        list_query(
            filters=rates.RATE_FILTERS,
            sorts=["effective_from"],
            default_sort="-effective_from",
            filter_descriptions={
                "level": "case_staff, case, client_staff, client, staff or firm; comma-separated.",
                "staff_uuid": "Rules for these staff accounts.",
                "client_uuid": "Rules for these clients.",
                "case_uuid": "Rules for these cases.",
                "on": "A local date (Y-m-d): rules in effect on it.",
                "archived": "1: archived rules too.",
            },
        )
    ),
]
TagList = Annotated[
    ListParams,
    Depends(
        list_query(
            filters=["search", "archived"],
            sorts=["name"],
            default_sort="name",
            filter_descriptions={
                "search": "Part of the name, any case.",
                "archived": "1: archived tags too.",
            },
        )
    ),
]


@rates_router.get(
    "",
    response_model=Page[BillingRateRead],
    summary="List billing rates (extension)",
    description="Owners and admins. Live rules, latest start first.",
    responses=LIST_ERRORS,
)
def list_rates(params: RateList, actor: ActorDep, session: SessionDep) -> Page[BillingRateRead]:
    return rates.list_rates(session, actor=actor, params=params)


@rates_router.post(
    "",
    response_model=BillingRateRead,
    summary="Create a billing rate (extension)",
    description="Owners and admins. 422 when its dates overlap a live rule of the same level "
    "and scope. Entries already written keep their rate: see reprice.",
    responses=LIST_ERRORS,
)
def create_rate(
    body: BillingRateCreate, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> BillingRateRead:
    return rates.create_rate(session, actor=actor, data=body, now=clock.now())


@rates_router.get(
    "/{uuid}", response_model=BillingRateRead, summary="Get a billing rate", responses=ONE_ERRORS
)
def show_rate(uuid: str, actor: ActorDep, session: SessionDep) -> BillingRateRead:
    return rates.show_rate(session, actor=actor, raw_uuid=uuid)


@rates_router.put(
    "/{uuid}",
    response_model=BillingRateRead,
    summary="Change a billing rate (extension)",
    description="Rate, currency or dates; the fields sent change. Entries keep their rate.",
    responses=ONE_ERRORS,
)
def update_rate(
    uuid: str, body: BillingRateUpdate, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> BillingRateRead:
    return rates.update_rate(session, actor=actor, raw_uuid=uuid, data=body, now=clock.now())


@rates_router.delete(
    "/{uuid}",
    response_model=BillingRateRead,
    summary="Archive a billing rate (extension)",
    description="It applies to no new entry; entries that used it keep their rate.",
    responses=ONE_ERRORS,
)
def archive_rate(
    uuid: str, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> BillingRateRead:
    return rates.archive_rate(session, actor=actor, raw_uuid=uuid, now=clock.now())


@rates_router.post(
    "/{uuid}/reprice",
    response_model=RepriceResult,
    summary="Re-resolve the rates of past entries (extension)",
    description="Owners and admins. Entries starting in the local date range (of the rule's "
    "staff member, if it has one) get their rate re-resolved; locked entries are skipped. "
    "Audited; says how many changed.",
    responses=ONE_ERRORS,
)
def reprice(
    uuid: str, body: RepriceRequest, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> RepriceResult:
    return rates.reprice(session, actor=actor, raw_uuid=uuid, data=body, now=clock.now())


@tags_router.get(
    "", response_model=Page[TagRead], summary="List tags (extension)", responses=LIST_ERRORS
)
def list_tags(params: TagList, actor: ActorDep, session: SessionDep) -> Page[TagRead]:
    return tags.list_tags(session, actor=actor, params=params)


@tags_router.post(
    "",
    response_model=TagRead,
    summary="Create a tag (extension)",
    description="Staff with write permission. Names are unique per firm, ignoring case.",
    responses=LIST_ERRORS,
)
def create_tag(body: TagCreate, actor: ActorDep, session: SessionDep, clock: ClockDep) -> TagRead:
    return tags.create_tag(session, actor=actor, data=body, now=clock.now())


@tags_router.get("/{uuid}", response_model=TagRead, summary="Get a tag", responses=ONE_ERRORS)
def show_tag(uuid: str, actor: ActorDep, session: SessionDep) -> TagRead:
    return tags.show_tag(session, actor=actor, raw_uuid=uuid)


@tags_router.put(
    "/{uuid}",
    response_model=TagRead,
    summary="Rename a tag (extension)",
    description="Owners and admins.",
    responses=ONE_ERRORS,
)
def rename_tag(
    uuid: str, body: TagUpdate, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> TagRead:
    return tags.rename_tag(session, actor=actor, raw_uuid=uuid, data=body, now=clock.now())


@tags_router.delete(
    "/{uuid}",
    response_model=TagRead,
    summary="Archive a tag (extension)",
    description="Owners and admins. It stays on its entries; it cannot be added to more.",
    responses=ONE_ERRORS,
)
def archive_tag(uuid: str, actor: ActorDep, session: SessionDep, clock: ClockDep) -> TagRead:
    return tags.archive_tag(session, actor=actor, raw_uuid=uuid, now=clock.now())


@lock_router.put(
    "/{uuid}/lock",
    response_model=LockRead,
    summary="Set the firm's lock boundary (extension)",
    description="Owners and admins; moving it earlier or removing it (unlocking time) needs "
    "an owner. Time starting before local midnight of locked_before is locked. Running "
    "timers that started before it make this 422 unless stop_running is true.",
    responses=ONE_ERRORS,
)
def set_lock(
    uuid: str, body: LockUpdate, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> LockRead:
    return locks.set_lock(session, actor=actor, raw_uuid=uuid, data=body, now=clock.now())

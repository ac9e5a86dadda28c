from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from timeledger.dependencies import ActorDep, ClockDep, SessionDep, SettingsDep, api_router
from timeledger.errors import error_responses
from timeledger.kit.listing import ListParams, list_query
from timeledger.kit.paging import Page
from timeledger.webhooks import service
from timeledger.webhooks.schemas import (
    WebhookDeliveryRead,
    WebhookSubscriptionCreate,
    WebhookSubscriptionRead,
    WebhookSubscriptionUpdate,
)
from timeledger.webhooks.ssrf import AllowList

router = api_router(prefix="/api/v2/webhook-subscriptions", tags=["Webhook subscriptions"])

ONE_ERRORS = error_responses(400, 401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 422)
Listing = Annotated[
    ListParams, Depends(list_query(filters=[], sorts=["created_at"], default_sort="created_at"))
]
DeliveryListing = Annotated[
    ListParams, Depends(list_query(filters=[], sorts=["created_at"], default_sort="-created_at"))
]


def _allow(settings: SettingsDep) -> AllowList:
    return AllowList.parse(settings.webhook_allow_hosts)


AllowDep = Annotated[AllowList, Depends(_allow)]


@router.post(
    "",
    response_model=WebhookSubscriptionRead,
    status_code=201,
    summary="Create a webhook subscription",
    description="Owners and admins. The URL must be https and reach a public address "
    "(docs/webhooks.md: the allow-list). The answer carries the signing secret.",
    responses=error_responses(400, 401, 403, 422),
)
def create_subscription(
    body: WebhookSubscriptionCreate,
    actor: ActorDep,
    session: SessionDep,
    clock: ClockDep,
    allow: AllowDep,
) -> WebhookSubscriptionRead:
    return service.create_subscription(
        session, actor=actor, data=body, allow=allow, now=clock.now()
    )


@router.get(
    "",
    response_model=Page[WebhookSubscriptionRead],
    summary="List the firm's webhook subscriptions",
    responses=error_responses(400, 401, 403, 422),
)
def list_subscriptions(
    actor: ActorDep, session: SessionDep, params: Listing
) -> Page[WebhookSubscriptionRead]:
    return service.list_subscriptions(session, actor=actor, params=params)


@router.post(
    "/deliveries/{uuid}/retry",
    response_model=WebhookDeliveryRead,
    summary="Retry a delivery now",
    description="One more attempt at once, with the same webhook-id.",
    responses=WRITE_ERRORS,
)
def retry_delivery(
    uuid: str, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> WebhookDeliveryRead:
    return service.retry_delivery(session, actor=actor, raw_uuid=uuid, now=clock.now())


@router.get(
    "/{uuid}",
    response_model=WebhookSubscriptionRead,
    summary="Get a webhook subscription",
    responses=ONE_ERRORS,
)
def get_subscription(uuid: str, actor: ActorDep, session: SessionDep) -> WebhookSubscriptionRead:
    return service.get_subscription(session, actor=actor, raw_uuid=uuid)


@router.put(
    "/{uuid}",
    response_model=WebhookSubscriptionRead,
    summary="Change a webhook subscription",
    description="The fields sent change. Enabling a disabled subscription clears its "
    "disabled_reason.",
    responses=WRITE_ERRORS,
)
def update_subscription(
    uuid: str,
    body: WebhookSubscriptionUpdate,
    actor: ActorDep,
    session: SessionDep,
    clock: ClockDep,
    allow: AllowDep,
) -> WebhookSubscriptionRead:
    return service.update_subscription(
        session, actor=actor, raw_uuid=uuid, data=body, allow=allow, now=clock.now()
    )


@router.delete(
    "/{uuid}",
    response_model=WebhookSubscriptionRead,
    summary="Delete a webhook subscription",
    description="Nothing more is sent to it; its delivery log is kept until retention.",
    responses=ONE_ERRORS,
)
def delete_subscription(
    uuid: str, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> WebhookSubscriptionRead:
    return service.delete_subscription(session, actor=actor, raw_uuid=uuid, now=clock.now())


@router.post(
    "/{uuid}/ping",
    response_model=WebhookDeliveryRead,
    status_code=202,
    summary="Send a test event",
    description="Queues a webhook.ping to this subscription; its result shows in the log.",
    responses=ONE_ERRORS,
)
def ping(uuid: str, actor: ActorDep, session: SessionDep, clock: ClockDep) -> WebhookDeliveryRead:
    return service.ping(session, actor=actor, raw_uuid=uuid, now=clock.now())


@router.post(
    "/{uuid}/rotate-secret",
    response_model=WebhookSubscriptionRead,
    summary="Rotate the signing secret",
    description="A new secret now; the old one keeps signing beside it for 24 hours.",
    responses=ONE_ERRORS,
)
def rotate_secret(
    uuid: str, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> WebhookSubscriptionRead:
    return service.rotate_secret(session, actor=actor, raw_uuid=uuid, now=clock.now())


@router.get(
    "/{uuid}/deliveries",
    response_model=Page[WebhookDeliveryRead],
    summary="The delivery log",
    description="Newest first: attempts, status codes, errors and the start of each answer.",
    responses=ONE_ERRORS,
)
def list_deliveries(
    uuid: str, actor: ActorDep, session: SessionDep, params: DeliveryListing
) -> Page[WebhookDeliveryRead]:
    return service.list_deliveries(session, actor=actor, raw_uuid=uuid, params=params)


@router.post(
    "/{uuid}/deliveries/{delivery_uuid}/retry",
    response_model=WebhookDeliveryRead,
    summary="Retry a delivery of this subscription now",
    responses=WRITE_ERRORS,
)
def retry_subscription_delivery(
    uuid: str, delivery_uuid: str, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> WebhookDeliveryRead:
    return service.retry_delivery(
        session, actor=actor, raw_uuid=delivery_uuid, now=clock.now(), subscription_uuid=uuid
    )

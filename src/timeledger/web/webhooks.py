"""The Webhooks admin page (owners and admins): subscriptions listed, created, changed,
deleted, pinged and given a new secret, and each one's delivery log with a retry button,
all through ``webhooks.service`` (the API's ``/api/v2/webhook-subscriptions``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.db import UnitOfWork
from timeledger.dependencies import ClockDep, SessionDep, SettingsDep
from timeledger.errors import AppError, ValidationFailed, laravel_errors
from timeledger.kit.listing import ListParams, Sort
from timeledger.permissions import may_manage_webhooks
from timeledger.web.actions import attempt, for_htmx
from timeledger.web.deps import WebActorDep
from timeledger.web.paging import PageNumber, list_params
from timeledger.web.templating import render
from timeledger.webhooks import service
from timeledger.webhooks.events import ENTITIES, EVENT_TYPES
from timeledger.webhooks.schemas import WebhookSubscriptionCreate, WebhookSubscriptionUpdate
from timeledger.webhooks.ssrf import AllowList

router = APIRouter(prefix="/app", include_in_schema=False)
PAGE = "/app/webhooks"
# The delivery log shows the newest this many deliveries (the API pages through all).
LOG_SIZE = 100
# What the create and edit forms offer: everything, every event of one kind, or one event.
EVENT_CHOICES: tuple[tuple[str, str], ...] = (
    ("*", "Every event (*)"),
    *((f"{entity}.*", f"Every {entity} event ({entity}.*)") for entity in sorted(ENTITIES)),
    *((name, name) for name in EVENT_TYPES),
)
ROTATED = (
    "A new signing secret is in use. The old secret keeps signing beside it for 24 hours, "
    "so update your receiver before then."
)


def _params(url: str, sort: Sort, per_page: int) -> ListParams:
    return ListParams(filters={}, sort=sort, page=1, per_page=per_page, url=url)


def _forbidden(request: Request, actor: Actor) -> Response | None:
    verdict = may_manage_webhooks(actor)
    if verdict:
        return None
    context = {"title": "Not allowed", "actor": actor, "error": verdict.reason}
    return render(request, "base.html", context, status_code=403)


def list_context(session: Session, actor: Actor, page: int = 1, **extra: Any) -> dict[str, Any]:
    """Oldest first, ``paging.PER_PAGE`` a page."""
    params = list_params(PAGE, Sort(field="created_at", descending=False), page=page)
    listing = service.list_subscriptions(session, actor=actor, params=params)
    return {
        "title": "Webhooks",
        "actor": actor,
        "subscriptions": listing.data,
        "listing": listing,
        "choices": EVENT_CHOICES,
        "form": {"url": "", "events": [], "description": ""},
        **extra,
    }


def detail_context(session: Session, actor: Actor, raw_uuid: str, **extra: Any) -> dict[str, Any]:
    """The subscription, its edit form and its newest deliveries (``NotFound`` for an
    unknown or another firm's UUID)."""
    subscription = service.get_subscription(session, actor=actor, raw_uuid=raw_uuid)
    params = _params(f"{PAGE}/{raw_uuid}", Sort(field="created_at", descending=True), LOG_SIZE)
    log = service.list_deliveries(session, actor=actor, raw_uuid=raw_uuid, params=params)
    return {
        "title": "Webhook subscription",
        "actor": actor,
        "subscription": subscription,
        "deliveries": log.data,
        "total_deliveries": log.meta.total,
        "log_size": LOG_SIZE,
        "choices": EVENT_CHOICES,
        **extra,
    }


def _detail(
    request: Request,
    session: Session,
    actor: Actor,
    raw_uuid: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    """The detail page, or the list with the API's message when the subscription is not
    there (deleted, unknown, another firm's): 404 then."""
    try:
        context = detail_context(session, actor, raw_uuid, **extra)
    except AppError as exc:
        UnitOfWork.of(session).rollback()
        context = list_context(session, actor, error=exc.message)
        return render(request, "webhooks.html", context, status_code=exc.status_code)
    return render(request, "webhook.html", context, status_code=status_code)


def _allow(settings: SettingsDep) -> AllowList:
    return AllowList.parse(settings.webhook_allow_hosts)


@router.get("/webhooks", response_class=HTMLResponse)
def webhooks_page(
    request: Request, actor: WebActorDep, session: SessionDep, page: PageNumber = 1
) -> Response:
    return _forbidden(request, actor) or render(
        request, "webhooks.html", list_context(session, actor, page)
    )


@router.post("/webhooks", response_class=HTMLResponse)
def create_webhook(
    request: Request,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    url: Annotated[str, Form(max_length=2048)] = "",
    events: Annotated[list[str] | None, Form()] = None,
    description: Annotated[str, Form(max_length=255)] = "",
) -> Response:
    """``POST /api/v2/webhook-subscriptions`` from the form; the answer shows the secret
    once, in full, beside the new subscription."""
    if refused := _forbidden(request, actor):
        return refused
    created: dict[str, Any] = {}

    chosen = [name for name in events or [] if name.strip()]

    def create() -> None:
        if not chosen:
            raise ValidationFailed.field("events", "Tick at least one event.")
        data = WebhookSubscriptionCreate.model_validate(
            {"url": url.strip(), "events": chosen, "description": description.strip() or None}
        )
        created["row"] = service.create_subscription(
            session, actor=actor, data=data, allow=_allow(settings), now=clock.now()
        )

    error = attempt(session, create)
    if error is not None:
        form = {"url": url, "events": events or [], "description": description}
        context = list_context(session, actor, error=error, form=form)
        return for_htmx(request, render(request, "webhooks.html", context, status_code=422))
    new = created["row"]
    status = f"Subscription to {new.url} created. Its signing secret is shown below."
    answer = _detail(
        request, session, actor, str(new.uuid), status=status, secret=new.signing_secret
    )
    # The address becomes the subscription's page (as a redirect after a POST would), so
    # Reload shows the subscription, not the form again; the secret is shown this once.
    answer.headers["HX-Push-Url"] = f"{PAGE}/{new.uuid}"
    return answer


@router.get("/webhooks/{subscription_uuid}", response_class=HTMLResponse)
def webhook_page(
    request: Request, subscription_uuid: str, actor: WebActorDep, session: SessionDep
) -> Response:
    return _forbidden(request, actor) or _detail(request, session, actor, subscription_uuid)


@router.post("/webhooks/{subscription_uuid}", response_class=HTMLResponse)
def edit_webhook(
    request: Request,
    subscription_uuid: str,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    url: Annotated[str, Form(max_length=2048)] = "",
    events: Annotated[list[str] | None, Form()] = None,
    description: Annotated[str, Form(max_length=255)] = "",
    enabled: Annotated[str, Form()] = "",
) -> Response:
    """``PUT`` with every field of the form: url, events, description, enabled (a
    checkbox: absent means off). Enabling clears the reason it was disabled."""
    data = {
        "url": url.strip(),
        "events": events or [],
        "description": description.strip() or None,
        "enabled": enabled == "on",
    }
    return _act(
        request,
        actor,
        session,
        subscription_uuid,
        lambda: service.update_subscription(
            session,
            actor=actor,
            raw_uuid=subscription_uuid,
            data=WebhookSubscriptionUpdate.model_validate(data),
            allow=_allow(settings),
            now=clock.now(),
        ),
        "Changes saved.",
    )


def _act(
    request: Request,
    actor: Actor,
    session: Session,
    raw_uuid: str,
    action: Callable[[], object],
    done: str,
    shown: dict[str, str] | None = None,
) -> Response:
    """Run one service call for the detail page: its status line (and whatever ``action``
    put in ``shown``) when it worked; else the API's message (role=alert) with the API's
    status (422, 404), and nothing of it kept."""
    if refused := _forbidden(request, actor):
        return refused
    try:
        action()
    except AppError as exc:
        UnitOfWork.of(session).rollback()
        return for_htmx(
            request,
            _detail(
                request, session, actor, raw_uuid, error=exc.message, status_code=exc.status_code
            ),
        )
    except ValidationError as exc:
        UnitOfWork.of(session).rollback()
        message = str(laravel_errors(exc.errors())[1]["message"])
        return for_htmx(
            request, _detail(request, session, actor, raw_uuid, error=message, status_code=422)
        )
    secret = (shown or {}).get("secret")
    return _detail(request, session, actor, raw_uuid, status=done, secret=secret)


@router.post("/webhooks/{subscription_uuid}/delete", response_class=HTMLResponse)
def delete_webhook(
    request: Request,
    subscription_uuid: str,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
) -> Response:
    if refused := _forbidden(request, actor):
        return refused
    error = attempt(
        session,
        lambda: service.delete_subscription(
            session, actor=actor, raw_uuid=subscription_uuid, now=clock.now()
        ),
    )
    if error is not None:
        context = list_context(session, actor, error=error)
        return for_htmx(request, render(request, "webhooks.html", context, status_code=404))
    status = "Subscription deleted: nothing more is sent to it."
    return render(request, "webhooks.html", list_context(session, actor, status=status))


@router.post("/webhooks/{subscription_uuid}/ping", response_class=HTMLResponse)
def ping_webhook(
    request: Request,
    subscription_uuid: str,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
) -> Response:
    return _act(
        request,
        actor,
        session,
        subscription_uuid,
        lambda: service.ping(session, actor=actor, raw_uuid=subscription_uuid, now=clock.now()),
        "Ping queued: its result appears in the delivery log below (reload to see it).",
    )


@router.post("/webhooks/{subscription_uuid}/rotate-secret", response_class=HTMLResponse)
def rotate_webhook_secret(
    request: Request,
    subscription_uuid: str,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
) -> Response:
    shown: dict[str, str] = {}

    def rotate() -> None:
        row = service.rotate_secret(
            session, actor=actor, raw_uuid=subscription_uuid, now=clock.now()
        )
        shown["secret"] = row.signing_secret

    return _act(request, actor, session, subscription_uuid, rotate, ROTATED, shown)


@router.post(
    "/webhooks/{subscription_uuid}/deliveries/{delivery_uuid}/retry",
    response_class=HTMLResponse,
)
def retry_webhook_delivery(
    request: Request,
    subscription_uuid: str,
    delivery_uuid: str,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
) -> Response:
    return _act(
        request,
        actor,
        session,
        subscription_uuid,
        lambda: service.retry_delivery(
            session,
            actor=actor,
            raw_uuid=delivery_uuid,
            now=clock.now(),
            subscription_uuid=subscription_uuid,
        ),
        "Delivery queued again, with the same webhook-id.",
    )

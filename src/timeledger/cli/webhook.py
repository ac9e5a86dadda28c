"""``timeledger webhook``: the firm's webhook subscriptions, as the API manages them."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

import typer
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from timeledger.auth.service import Actor, authenticate
from timeledger.cli.context import command_session, naming
from timeledger.clock import SystemClock
from timeledger.config import Settings
from timeledger.errors import ValidationFailed, laravel_errors
from timeledger.kit.listing import ListParams, Sort
from timeledger.webhooks import service
from timeledger.webhooks.schemas import WebhookSubscriptionCreate, WebhookSubscriptionUpdate
from timeledger.webhooks.ssrf import AllowList

app = typer.Typer(help="Webhook subscriptions and their deliveries.", no_args_is_help=True)

TOKEN = typer.Option(
    ..., envvar="TIMELEDGER_TOKEN", help="An owner's or admin's token (or TIMELEDGER_TOKEN)."
)
ACCOUNT = typer.Option(None, help="Act as this account (X-PLANNR-ACCOUNT-UUID).")


def _run(
    token: str,
    account: str | None,
    action: Callable[[Session, Actor, Settings], Any],
    names: tuple[str, str] | None = None,
) -> None:
    """Run ``action`` as the token's caller and print its result as JSON; ``names`` is the
    kind and UUID of the record the command names, for a not-found error."""
    settings = Settings()
    with command_session(settings) as session:
        now = SystemClock().now()
        actor = authenticate(session, bearer=token, account_header=account, now=now)
        with naming(*names) if names else nullcontext():
            result = action(session, actor, settings)
    shown = result.model_dump(mode="json") if isinstance(result, BaseModel) else result
    typer.echo(json.dumps(shown, indent=2))


def _parse(model: type[BaseModel], raw: dict[str, Any]) -> Any:
    try:
        return model.model_validate({k: v for k, v in raw.items() if v is not None})
    except ValidationError as exc:
        raise ValidationFailed(laravel_errors(exc.errors())[1]["errors"]) from None


def _params(per_page: int = 100) -> ListParams:
    return ListParams(
        filters={}, sort=Sort("created_at", False), page=1, per_page=per_page, url="", query={}
    )


@app.command()
def create(
    url: str = typer.Option(..., help="Where to POST events (https)."),
    event: list[str] = typer.Option(..., "--event", help="An event name, <entity>.* or *."),
    description: str | None = typer.Option(None),
    token: str = TOKEN,
    account: str | None = ACCOUNT,
) -> None:
    """Subscribe a URL to events; prints the subscription with its signing secret."""
    raw = {"url": url, "events": event, "description": description}
    _run(
        token,
        account,
        lambda s, a, settings: service.create_subscription(
            s,
            actor=a,
            data=_parse(WebhookSubscriptionCreate, raw),
            allow=AllowList.parse(settings.webhook_allow_hosts),
            now=SystemClock().now(),
        ),
    )


@app.command("list")
def list_subscriptions(token: str = TOKEN, account: str | None = ACCOUNT) -> None:
    """The firm's subscriptions, as JSON."""
    _run(token, account, lambda s, a, _: service.list_subscriptions(s, actor=a, params=_params()))


@app.command()
def update(
    subscription: str = typer.Argument(..., help="The subscription's UUID."),
    url: str | None = typer.Option(None),
    event: list[str] | None = typer.Option(None, "--event"),
    enabled: bool | None = typer.Option(None, "--enable/--disable"),
    token: str = TOKEN,
    account: str | None = ACCOUNT,
) -> None:
    """Change a subscription's URL or events, or enable or disable it."""
    raw = {"url": url, "events": event or None, "enabled": enabled}
    _run(
        token,
        account,
        lambda s, a, settings: service.update_subscription(
            s,
            actor=a,
            raw_uuid=subscription,
            data=_parse(WebhookSubscriptionUpdate, raw),
            allow=AllowList.parse(settings.webhook_allow_hosts),
            now=SystemClock().now(),
        ),
        names=("webhook subscription", subscription),
    )


@app.command()
def delete(
    subscription: str = typer.Argument(...), token: str = TOKEN, account: str | None = ACCOUNT
) -> None:
    """Delete a subscription: nothing more is sent to it."""
    _run(
        token,
        account,
        lambda s, a, _: service.delete_subscription(
            s, actor=a, raw_uuid=subscription, now=SystemClock().now()
        ),
        names=("webhook subscription", subscription),
    )


@app.command()
def ping(
    subscription: str = typer.Argument(...), token: str = TOKEN, account: str | None = ACCOUNT
) -> None:
    """Queue a webhook.ping to a subscription."""
    _run(
        token,
        account,
        lambda s, a, _: service.ping(s, actor=a, raw_uuid=subscription, now=SystemClock().now()),
        names=("webhook subscription", subscription),
    )


@app.command("rotate-secret")
def rotate_secret(
    subscription: str = typer.Argument(...), token: str = TOKEN, account: str | None = ACCOUNT
) -> None:
    """A new signing secret; the old one signs too for 24 hours."""
    _run(
        token,
        account,
        lambda s, a, _: service.rotate_secret(
            s, actor=a, raw_uuid=subscription, now=SystemClock().now()
        ),
        names=("webhook subscription", subscription),
    )


@app.command()
def deliveries(
    subscription: str = typer.Argument(...), token: str = TOKEN, account: str | None = ACCOUNT
) -> None:
    """The subscription's latest 100 deliveries, newest first."""
    _run(
        token,
        account,
        lambda s, a, _: service.list_deliveries(
            s, actor=a, raw_uuid=subscription, params=_params()
        ),
        names=("webhook subscription", subscription),
    )


@app.command()
def retry(
    delivery: str = typer.Argument(..., help="The delivery's UUID."),
    token: str = TOKEN,
    account: str | None = ACCOUNT,
) -> None:
    """Send a delivery again now."""
    _run(
        token,
        account,
        lambda s, a, _: service.retry_delivery(
            s, actor=a, raw_uuid=delivery, now=SystemClock().now()
        ),
        names=("delivery", delivery),
    )

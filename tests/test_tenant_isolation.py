"""Tenant isolation, route by route: a token of firm B never reaches firm A's rows.

``ROUTES`` holds at least one check per route of the API; ``test_every_route_is_covered``
reads the routes from the OpenAPI schema, so a new route without a check fails the suite.
To add a route, add its ``(METHOD, path)`` with one or more checks:

- ``Path(params, body)``: firm A's UUIDs in the path answer 404, with exactly the body a
  UUID that exists nowhere gets (``body`` is a request valid for firm B, so the UUID is
  the only thing wrong);
- ``Body(body, field)``: firm A's UUIDs in the body answer 422 on ``field``;
- ``Listing(query, path, paged)``: the list answers 200, shows firm B's rows and none of
  firm A's (``paged=False`` for an answer without the page envelope, such as ``/me``);
- ``Query(query, field, path)``: firm A's UUIDs in the query string answer 422 on
  ``field``, with the body a UUID that exists nowhere gets (reports' filters);
- ``Own(body, read)``: a create that references nothing lands in firm B: firm A's token
  reading it back at ``read`` (a path with ``{uuid}``) gets 404.

Each callable gets a ``Ctx``: the two firms (``a``, ``b``, ``FirmWorld``s), a finished time
entry of each (``a_entry``, ``b_entry``) and the session, to build more of firm A's data
when a check needs it. For example, for a time-entry route:

    ("GET", "/api/v1/time-entry/{uuid}"): [Path(lambda c: {"uuid": c.a_entry.uuid})],
    ("GET", "/api/v1/time-entry"): [Listing()],
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld
from timeledger.app import create_app
from timeledger.auth.service import hash_token
from timeledger.config import Settings
from timeledger.models import (
    Account,
    AuditEvent,
    BillingRate,
    BoardTask,
    Case,
    Circle,
    DeliveryStatus,
    PersonalAccessToken,
    Tag,
    Task,
    TimeEntry,
    TrackableType,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)

# Issue 15: every statement the app sends on firm data names its firm (tests/tenancy).
pytestmark = pytest.mark.usefixtures("firm_filter_guard")


@dataclass
class Ctx:
    a: FirmWorld
    b: FirmWorld
    session: Session
    # A finished time entry of each firm, logged by its owner against its client.
    a_entry: TimeEntry
    b_entry: TimeEntry
    # Billing (issue 11): a client rate and a tag of each firm.
    a_rate: BillingRate
    b_rate: BillingRate
    a_tag: Tag
    b_tag: Tag

    def token_uuid(self, world: FirmWorld) -> str:
        token = self.session.scalars(
            select(PersonalAccessToken).where(
                PersonalAccessToken.token_hash == hash_token(world.owner.token)
            )
        ).one()
        return str(token.uuid)


def log_time(session: Session, world: FirmWorld) -> TimeEntry:
    entry = TimeEntry(
        firm_id=world.firm.id,
        account_id=world.owner.account.id,
        trackable_type=TrackableType.CLIENT,
        trackable_id=world.client.id,
        name="Review",
        started_at=FROZEN_NOW - timedelta(hours=1),
        ended_at=FROZEN_NOW,
        created_at=FROZEN_NOW,
        updated_at=FROZEN_NOW,
    )
    session.add(entry)
    session.flush()
    return entry


def billing_rows(session: Session, world: FirmWorld) -> tuple[BillingRate, Tag]:
    rate = BillingRate(
        firm_id=world.firm.id,
        client_account_id=world.client.id,
        hourly_rate_minor=15000,
        currency="GBP",
        effective_from=FROZEN_NOW.date().replace(day=1),
        created_at=FROZEN_NOW,
        updated_at=FROZEN_NOW,
    )
    tag = Tag(
        firm_id=world.firm.id,
        name="Research",
        name_key="research",
        created_at=FROZEN_NOW,
        updated_at=FROZEN_NOW,
    )
    session.add_all([rate, tag])
    session.flush()
    return rate, tag


def _audit_b(ctx: Ctx) -> dict[str, object]:
    """Give firm B (and firm A) one audit event each, so the list has something to show."""
    for world, rate in ((ctx.a, ctx.a_rate), (ctx.b, ctx.b_rate)):
        ctx.session.add(
            AuditEvent(
                firm_id=world.firm.id,
                subject_type="billing_rate",
                subject_uuid=rate.uuid,
                action="created",
                created_at=FROZEN_NOW,
            )
        )
    ctx.session.flush()
    return {}


Params = Callable[[Ctx], dict[str, object]]
JsonBody = Callable[[Ctx], dict[str, Any]]


def _nothing(_ctx: Ctx) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Path:
    params: Params
    body: JsonBody = dataclasses.field(default=_nothing)


@dataclass(frozen=True)
class Body:
    body: JsonBody
    field: str
    params: Params = dataclasses.field(default=_nothing)


@dataclass(frozen=True)
class Listing:
    query: Params = dataclasses.field(default=_nothing)
    path: Params = dataclasses.field(default=_nothing)
    paged: bool = True


@dataclass(frozen=True)
class Own:
    body: JsonBody
    read: str


@dataclass(frozen=True)
class Query:
    """A GET whose query names firm A's UUIDs (a report's filters) answers 422 on ``field``,
    exactly as a UUID that exists nowhere does."""

    query: Params
    field: str
    path: Params = dataclasses.field(default=_nothing)


Check = Path | Body | Listing | Own | Query


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _uuid(value: object) -> str:
    return str(getattr(value, "uuid", value))


def client_a(ctx: Ctx) -> dict[str, object]:
    return {"uuid": ctx.a.client.uuid}


ROUTES: dict[tuple[str, str], list[Check]] = {
    ("POST", "/api/v1/time-entry"): [
        Body(
            lambda c: {
                "trackable_type": "client",
                "trackable_uuid": _uuid(c.a.client),
                "name": "Poaching",
                "total_time_in_minutes": 5,
            },
            "trackable_uuid",
        ),
        Body(
            lambda c: {
                "trackable_type": "client",
                "trackable_uuid": _uuid(c.b.client),
                "name": "Tagging",
                "total_time_in_minutes": 5,
                "tags": [_uuid(c.a_tag)],
            },
            "tags",
        ),
    ],
    ("GET", "/api/v1/time-entry"): [Listing()],
    ("GET", "/api/v1/time-entry/{trackable_type}"): [
        Listing(path=lambda c: {"trackable_type": "client"})
    ],
    ("GET", "/api/v1/time-entry/{trackable_type}/{trackable_uuid}"): [
        Path(lambda c: {"trackable_type": "client", "trackable_uuid": c.a.client.uuid}),
        Path(lambda c: {"trackable_type": "case", "trackable_uuid": c.a.case.uuid}),
    ],
    ("GET", "/api/v1/time-entry/{uuid}"): [Path(lambda c: {"uuid": c.a_entry.uuid})],
    ("GET", "/api/v1/time-entry/{uuid}/history"): [Path(lambda c: {"uuid": c.a_entry.uuid})],
    ("PUT", "/api/v1/time-entry/{uuid}"): [
        Path(
            lambda c: {"uuid": c.a_entry.uuid},
            lambda c: {
                "trackable_type": "client",
                "trackable_uuid": _uuid(c.b.client),
                "name": "Hijacked",
            },
        ),
        Body(
            lambda c: {"trackable_type": "client", "trackable_uuid": _uuid(c.a.client)},
            "trackable_uuid",
            lambda c: {"uuid": c.b_entry.uuid},
        ),
    ],
    ("PATCH", "/api/v1/time-entry/{uuid}"): [
        Path(lambda c: {"uuid": c.a_entry.uuid}, lambda c: {"name": "Hijacked"}),
        Body(lambda c: {"tags": [_uuid(c.a_tag)]}, "tags", lambda c: {"uuid": c.b_entry.uuid}),
        Body(
            lambda c: {"trackable_type": "case", "trackable_uuid": _uuid(c.a.case)},
            "trackable_uuid",
            lambda c: {"uuid": c.b_entry.uuid},
        ),
    ],
    ("POST", "/api/v1/time-entry/{uuid}/stop"): [Path(lambda c: {"uuid": c.a_entry.uuid})],
    ("DELETE", "/api/v1/time-entry/{uuid}"): [Path(lambda c: {"uuid": c.a_entry.uuid})],
    ("GET", "/api/v1/client/{client_uuid}/all-time-entries"): [
        Path(lambda c: {"client_uuid": c.a.client.uuid})
    ],
    ("GET", "/api/v1/me"): [Listing(paged=False)],
    ("GET", "/api/v1/logins"): [Listing(paged=False)],
    ("GET", "/api/v1/account"): [Listing()],
    ("POST", "/api/v1/account"): [
        Own(
            lambda c: {"type": "client", "role": "individual", "first_name": "Newcomer"},
            "/api/v1/account/{uuid}",
        )
    ],
    ("GET", "/api/v1/account/{uuid}"): [
        Path(client_a),
        Path(lambda c: {"uuid": c.a.owner.account.uuid}),
    ],
    ("PUT", "/api/v1/account/{uuid}"): [Path(client_a, lambda c: {"first_name": "Hijacked"})],
    ("DELETE", "/api/v1/account/{uuid}"): [Path(client_a)],
    # Issue 10 (class 6): login permissions; firm A's owner is a staff account with a login.
    ("GET", "/api/v1/account/{uuid}/permissions"): [
        Path(lambda c: {"uuid": c.a.owner.account.uuid})
    ],
    ("PUT", "/api/v1/account/{uuid}/permissions"): [
        Path(lambda c: {"uuid": c.a.owner.account.uuid}, lambda c: {"delete_override": False})
    ],
    ("GET", "/api/v1/client"): [Listing()],
    ("GET", "/api/v1/client/{uuid}"): [Path(client_a)],
    ("GET", "/api/v1/client/{client_uuid}/cases"): [
        Path(lambda c: {"client_uuid": c.a.client.uuid})
    ],
    ("GET", "/api/v1/cases"): [
        Listing(),
        Listing(query=lambda c: {"filter[account_uuids]": _uuid(c.a.client)}),
    ],
    ("POST", "/api/v1/cases"): [
        Body(lambda c: {"name": "Hijacked", "participants": [_uuid(c.a.client)]}, "participants.0"),
        Body(
            lambda c: {
                "name": "Hijacked",
                "participants": [_uuid(c.b.client)],
                "billing_client_uuid": _uuid(c.a.client),
            },
            "billing_client_uuid",
        ),
        Own(
            lambda c: {"name": "Ours", "participants": [_uuid(c.b.client)]}, "/api/v1/cases/{uuid}"
        ),
    ],
    ("GET", "/api/v1/cases/{uuid}"): [Path(lambda c: {"uuid": c.a.case.uuid})],
    ("PUT", "/api/v1/cases/{uuid}"): [
        Path(lambda c: {"uuid": c.a.case.uuid}, lambda c: {"name": "Hijacked"}),
        Body(
            lambda c: {"participants": [_uuid(c.b.client), _uuid(c.a.client)]},
            "participants.1",
            lambda c: {"uuid": c.b.case.uuid},
        ),
    ],
    ("DELETE", "/api/v1/cases/{uuid}"): [Path(lambda c: {"uuid": c.a.case.uuid})],
    ("GET", "/api/v1/circles"): [Listing()],
    ("POST", "/api/v1/circles"): [
        Body(
            lambda c: {
                "name": "Hijacked",
                "account_uuids": [_uuid(c.b.client), _uuid(c.a.client)],
            },
            "account_uuids.1",
        ),
        Own(
            lambda c: {
                "name": "Ours",
                "account_uuids": [_uuid(c.b.client), _uuid(c.b.other_client)],
            },
            "/api/v1/circles/{uuid}",
        ),
    ],
    ("GET", "/api/v1/circles/{uuid}"): [Path(lambda c: {"uuid": c.a.circle.uuid})],
    ("PUT", "/api/v1/circles/{uuid}"): [
        Path(lambda c: {"uuid": c.a.circle.uuid}, lambda c: {"name": "Hijacked"}),
        Body(
            lambda c: {"account_uuids": [_uuid(c.a.client), _uuid(c.b.client)]},
            "account_uuids.0",
            lambda c: {"uuid": c.b.circle.uuid},
        ),
    ],
    ("DELETE", "/api/v1/circles/{uuid}"): [Path(lambda c: {"uuid": c.a.circle.uuid})],
    ("GET", "/api/v1/task"): [Listing()],
    ("POST", "/api/v1/task"): [
        Body(
            lambda c: {
                "name": "Hijacked",
                "taskable_type": "client",
                "taskable_uuid": _uuid(c.a.client),
            },
            "taskable_uuid",
        ),
        Body(
            lambda c: {
                "name": "Hijacked",
                "taskable_type": "case",
                "taskable_uuid": _uuid(c.a.case),
            },
            "taskable_uuid",
        ),
        Own(
            lambda c: {
                "name": "Ours",
                "taskable_type": "client",
                "taskable_uuid": _uuid(c.b.client),
            },
            "/api/v1/task/{uuid}",
        ),
    ],
    ("GET", "/api/v1/task/{uuid}"): [Path(lambda c: {"uuid": c.a.task.uuid})],
    ("PUT", "/api/v1/task/{uuid}"): [
        Path(lambda c: {"uuid": c.a.case_task.uuid}, lambda c: {"name": "Hijacked"}),
        Body(
            lambda c: {"taskable_type": "case", "taskable_uuid": _uuid(c.a.case)},
            "taskable_uuid",
            lambda c: {"uuid": c.b.task.uuid},
        ),
    ],
    ("DELETE", "/api/v1/task/{uuid}"): [Path(lambda c: {"uuid": c.a.task.uuid})],
    ("GET", "/api/v1/board-task"): [
        Listing(),
        Listing(query=lambda c: {"filter[case_uuid]": _uuid(c.a.case)}),
    ],
    ("POST", "/api/v1/board-task"): [
        Body(lambda c: {"name": "Hijacked", "case_uuid": _uuid(c.a.case)}, "case_uuid"),
        Own(lambda c: {"name": "Ours", "case_uuid": _uuid(c.b.case)}, "/api/v1/board-task/{uuid}"),
    ],
    ("GET", "/api/v1/board-task/{uuid}"): [Path(lambda c: {"uuid": c.a.board_task.uuid})],
    ("PUT", "/api/v1/board-task/{uuid}"): [
        Path(lambda c: {"uuid": c.a.board_task.uuid}, lambda c: {"name": "Hijacked"}),
        Body(
            lambda c: {"case_uuid": _uuid(c.a.case)},
            "case_uuid",
            lambda c: {"uuid": c.b.board_task.uuid},
        ),
    ],
    ("DELETE", "/api/v1/board-task/{uuid}"): [Path(lambda c: {"uuid": c.a.board_task.uuid})],
    ("GET", "/api/v1/firm/{uuid}"): [Path(lambda c: {"uuid": c.a.firm.uuid})],
    ("PUT", "/api/v1/firm/{uuid}"): [
        Path(lambda c: {"uuid": c.a.firm.uuid}, lambda c: {"name": "Hijacked"})
    ],
    # Billing (issue 11).
    ("GET", "/api/v1/billing-rates"): [
        Listing(),
        Listing(query=lambda c: {"filter[client_uuid]": _uuid(c.a.client)}),
    ],
    ("POST", "/api/v1/billing-rates"): [
        Body(
            lambda c: {
                "hourly_rate": 100,
                "effective_from": "2020-01-01",
                "client_uuid": _uuid(c.a.client),
            },
            "client_uuid",
        ),
        Body(
            lambda c: {
                "hourly_rate": 100,
                "effective_from": "2020-01-01",
                "case_uuid": _uuid(c.a.case),
            },
            "case_uuid",
        ),
        Body(
            lambda c: {
                "hourly_rate": 100,
                "effective_from": "2020-01-01",
                "staff_uuid": _uuid(c.a.owner.account),
            },
            "staff_uuid",
        ),
        Own(
            lambda c: {"hourly_rate": 100, "effective_from": "2020-01-01"},
            "/api/v1/billing-rates/{uuid}",
        ),
    ],
    ("GET", "/api/v1/billing-rates/{uuid}"): [Path(lambda c: {"uuid": c.a_rate.uuid})],
    ("PUT", "/api/v1/billing-rates/{uuid}"): [
        Path(lambda c: {"uuid": c.a_rate.uuid}, lambda c: {"hourly_rate": 1})
    ],
    ("DELETE", "/api/v1/billing-rates/{uuid}"): [Path(lambda c: {"uuid": c.a_rate.uuid})],
    ("POST", "/api/v1/billing-rates/{uuid}/reprice"): [
        Path(lambda c: {"uuid": c.a_rate.uuid}, lambda c: {"from": "2020-01-01"})
    ],
    ("GET", "/api/v1/tags"): [Listing()],
    ("GET", "/api/v1/audit-events"): [
        Listing(query=lambda c: {"filter[subject_uuid]": _uuid(c.a_rate)}),
        Listing(path=lambda c: _audit_b(c)),
    ],
    ("POST", "/api/v1/tags"): [Own(lambda c: {"name": "Ours"}, "/api/v1/tags/{uuid}")],
    ("GET", "/api/v1/tags/{uuid}"): [Path(lambda c: {"uuid": c.a_tag.uuid})],
    ("PUT", "/api/v1/tags/{uuid}"): [
        Path(lambda c: {"uuid": c.a_tag.uuid}, lambda c: {"name": "Hijacked"})
    ],
    ("DELETE", "/api/v1/tags/{uuid}"): [Path(lambda c: {"uuid": c.a_tag.uuid})],
    ("PUT", "/api/v1/firm/{uuid}/lock"): [
        Path(lambda c: {"uuid": c.a.firm.uuid}, lambda c: {"locked_before": "2025-01-01"})
    ],
    ("POST", "/api/v1/time-entry/invoice"): [
        Body(lambda c: {"uuids": [_uuid(c.a_entry)], "invoice_ref": "INV-1"}, "uuids"),
        Body(
            lambda c: {"filter": {"accounts": _uuid(c.a.owner.account)}, "invoice_ref": "INV-1"},
            "uuids",
        ),
    ],
    ("GET", "/api/v1/personal-access-tokens"): [Listing()],
    ("POST", "/api/v1/personal-access-tokens"): [
        Body(
            lambda c: {
                "name": "Hijacked",
                "password": "secret-pass",
                "account_uuid": _uuid(c.a.owner.account),
            },
            "account_uuid",
        )
    ],
    ("DELETE", "/api/v1/personal-access-tokens/{uuid}"): [
        Path(lambda c: {"uuid": c.token_uuid(c.a)})
    ],
    # Reports (issue 12) ---------------------------------------------------------------
    ("GET", "/api/v1/reports/summary"): [
        Listing(
            query=lambda c: {"period": "today", "group_by": "client,staff,trackable"}, paged=False
        ),
        Query(
            lambda c: {"period": "today", "filter[clients]": _uuid(c.a.client)}, "filter[clients]"
        ),
        Query(lambda c: {"period": "today", "filter[cases]": _uuid(c.a.case)}, "filter[cases]"),
        Query(
            lambda c: {"period": "today", "filter[staff]": _uuid(c.a.owner.account)},
            "filter[staff]",
        ),
    ],
    ("GET", "/api/v1/reports/weekly"): [
        Listing(query=lambda c: {"week_of": FROZEN_NOW.date().isoformat()}, paged=False),
        Query(lambda c: {"filter[clients]": _uuid(c.a.client)}, "filter[clients]"),
    ],
    ("GET", "/api/v1/reports/detailed"): [
        Listing(query=lambda c: {"period": "today"}, paged=False),
        Query(lambda c: {"period": "today", "filter[cases]": _uuid(c.a.case)}, "filter[cases]"),
    ],
    ("GET", "/api/v1/reports/{report}.{file_format}"): [
        Query(
            lambda c: {"period": "today", "filter[clients]": _uuid(c.a.client)},
            "filter[clients]",
            lambda c: {"report": "detailed", "file_format": "csv"},
        ),
    ],
}


# Webhooks (issue 14) ---------------------------------------------------------------------


def _subscription_of(ctx: Ctx, world: FirmWorld) -> WebhookSubscription:
    """The firm's webhook subscription, with one delivered event; made on first use."""
    found = ctx.session.scalar(
        select(WebhookSubscription).where(WebhookSubscription.firm_id == world.firm.id)
    )
    if found is not None:
        return found
    row = WebhookSubscription(
        firm_id=world.firm.id,
        url="https://93.184.216.34/hook",
        events=["*"],
        secret="s" * 60,
        enabled=True,
        created_at=FROZEN_NOW,
        updated_at=FROZEN_NOW,
    )
    event = WebhookEvent(
        firm_id=world.firm.id, type="webhook.ping", payload={}, created_at=FROZEN_NOW
    )
    ctx.session.add_all([row, event])
    ctx.session.flush()
    ctx.session.add(
        WebhookDelivery(
            firm_id=world.firm.id,
            event_id=event.id,
            subscription_id=row.id,
            status=DeliveryStatus.DEAD,
            attempts=10,
            created_at=FROZEN_NOW,
            updated_at=FROZEN_NOW,
        )
    )
    ctx.session.flush()
    return row


def _delivery_of(ctx: Ctx, world: FirmWorld) -> WebhookDelivery:
    subscription = _subscription_of(ctx, world)
    return ctx.session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription.id)
    ).one()


def _b_subscribed(ctx: Ctx) -> dict[str, object]:
    _subscription_of(ctx, ctx.b)
    _subscription_of(ctx, ctx.a)
    return {}


def a_subscription(ctx: Ctx) -> dict[str, object]:
    return {"uuid": _subscription_of(ctx, ctx.a).uuid}


WEBHOOK_ROUTES: dict[tuple[str, str], list[Check]] = {
    ("GET", "/api/v2/webhook-subscriptions"): [Listing(path=_b_subscribed)],
    ("POST", "/api/v2/webhook-subscriptions"): [
        Own(
            lambda c: {"url": "https://93.184.216.34/hook", "events": ["*"]},
            "/api/v2/webhook-subscriptions/{uuid}",
        )
    ],
    ("GET", "/api/v2/webhook-subscriptions/{uuid}"): [Path(a_subscription)],
    ("PUT", "/api/v2/webhook-subscriptions/{uuid}"): [
        Path(a_subscription, lambda c: {"enabled": False})
    ],
    ("DELETE", "/api/v2/webhook-subscriptions/{uuid}"): [Path(a_subscription)],
    ("POST", "/api/v2/webhook-subscriptions/{uuid}/ping"): [Path(a_subscription)],
    ("POST", "/api/v2/webhook-subscriptions/{uuid}/rotate-secret"): [Path(a_subscription)],
    ("GET", "/api/v2/webhook-subscriptions/{uuid}/deliveries"): [Path(a_subscription)],
    ("POST", "/api/v2/webhook-subscriptions/deliveries/{uuid}/retry"): [
        Path(lambda c: {"uuid": _delivery_of(c, c.a).uuid})
    ],
    ("POST", "/api/v2/webhook-subscriptions/{uuid}/deliveries/{delivery_uuid}/retry"): [
        Path(
            lambda c: {
                "uuid": _subscription_of(c, c.a).uuid,
                "delivery_uuid": _delivery_of(c, c.a).uuid,
            }
        ),
        # Firm B's own subscription with firm A's delivery.
        Path(
            lambda c: {
                "uuid": _subscription_of(c, c.b).uuid,
                "delivery_uuid": _delivery_of(c, c.a).uuid,
            }
        ),
    ],
}
ROUTES.update(WEBHOOK_ROUTES)

CHECKS = [
    pytest.param(method, path, check, id=f"{method} {path} #{n}")
    for (method, path), checks in ROUTES.items()
    for n, check in enumerate(checks, start=1)
]


def api_routes(app: FastAPI) -> set[tuple[str, str]]:
    paths = app.openapi()["paths"]
    return {
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/api/")
        for method in operations
    }


def missing_checks(app: FastAPI) -> list[tuple[str, str]]:
    return sorted(api_routes(app) - ROUTES.keys())


def test_every_route_is_covered(app: FastAPI) -> None:
    routes = api_routes(app)
    assert len(routes) >= len(ROUTES), "the OpenAPI schema changed shape?"
    missing = missing_checks(app)
    stale = sorted(ROUTES.keys() - routes)
    assert not missing, f"routes without a tenant-isolation check: {missing}"
    assert not stale, f"checks for routes that no longer exist: {stale}"
    uncovered = [route for route, checks in ROUTES.items() if not checks]
    assert not uncovered, f"routes with an empty list of checks: {uncovered}"


def test_a_new_route_without_a_check_is_reported(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/api/v1/widgets/{uuid}")
    def widget(uuid: str) -> dict[str, str]:
        return {"uuid": uuid}

    @app.post("/api/v1/account/{uuid}/merge")
    def merge(uuid: str) -> dict[str, str]:
        return {"uuid": uuid}

    assert missing_checks(app) == [
        ("GET", "/api/v1/widgets/{uuid}"),
        ("POST", "/api/v1/account/{uuid}/merge"),
    ]


def _firm_a_uuids(ctx: Ctx) -> set[str]:
    a = ctx.a
    records = [a.firm, a.owner.account, a.client, a.other_client, a.case, a.circle, a.task]
    billing = [ctx.a_rate, ctx.a_tag]
    hooks = ctx.session.scalars(
        select(WebhookSubscription.uuid).where(WebhookSubscription.firm_id == a.firm.id)
    )
    return (
        {_uuid(record) for record in [*records, a.case_task, a.board_task, *billing]}
        | {ctx.token_uuid(a)}
        | {str(hook) for hook in hooks}
    )


def _check_listing(
    client: TestClient,
    ctx: Ctx,
    method: str,
    path: str,
    check: Listing,
    headers: dict[str, str],
) -> None:
    url = path.format(**{key: _uuid(value) for key, value in check.path(ctx).items()})
    response = client.request(method, url, params=check.query(ctx), headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    # Links echo the query string; only what the list shows counts.
    shown = json.dumps(body["data"] if check.paged else body)
    assert not [leak for leak in _firm_a_uuids(ctx) if leak in shown], shown
    if check.paged:
        assert body["meta"]["total"] == len(body["data"])
        if not check.query(ctx):
            # The list does list: firm B's own rows are there.
            assert body["data"], response.text


def _check_query(
    client: TestClient, ctx: Ctx, method: str, path: str, check: Query, headers: dict[str, str]
) -> None:
    url = path.format(**check.path(ctx))
    query = {key: str(value) for key, value in check.query(ctx).items()}
    response = client.request(method, url, params=query, headers=headers)
    assert response.status_code == 422, response.text
    assert check.field in response.json()["errors"], response.text
    ghost = {key: str(uuid.uuid4()) if _is_uuid(value) else value for key, value in query.items()}
    nowhere = client.request(method, url, params=ghost, headers=headers)
    first = response.json()["errors"][check.field][0]
    unknown = nowhere.json()["errors"][check.field][0]
    # The same answer, but for the UUID the message names.
    assert (nowhere.status_code, unknown.replace(query_uuid(ghost), "")) == (
        422,
        first.replace(query_uuid(query), ""),
    )


def query_uuid(query: dict[str, str]) -> str:
    return next(value for value in query.values() if _is_uuid(value))


def _untouched(ctx: Ctx) -> None:
    """Nothing of firm A was renamed, archived or moved by firm B's requests."""
    session = ctx.session
    session.expire_all()
    models: tuple[Any, ...] = (Account, Case, Circle, Task, BoardTask)
    for model in models:
        rows = session.scalars(select(model).where(model.firm_id == ctx.a.firm.id)).all()
        assert all(row.archived_at is None for row in rows), model.__name__
        names = [getattr(row, "name", "") for row in rows] + [
            getattr(row, "first_name", "") for row in rows
        ]
        assert "Hijacked" not in names, model.__name__
    assert ctx.a.firm.name != "Hijacked"
    hooks = session.scalars(
        select(WebhookSubscription).where(WebhookSubscription.firm_id == ctx.a.firm.id)
    ).all()
    assert all(h.enabled and h.deleted_at is None and h.secret == "s" * 60 for h in hooks)
    deliveries = session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.firm_id == ctx.a.firm.id)
    ).all()
    assert all(d.status == DeliveryStatus.DEAD for d in deliveries)
    entry = ctx.a_entry
    assert (entry.name, entry.deleted_at, entry.ended_at) == ("Review", None, FROZEN_NOW)
    assert entry.invoiced_at is None
    assert (ctx.a_rate.hourly_rate_minor, ctx.a_rate.archived_at) == (15000, None)
    assert (ctx.a_tag.name, ctx.a_tag.archived_at) == ("Research", None)
    assert ctx.a.firm.locked_before is None


@pytest.mark.parametrize(("method", "path", "check"), CHECKS)
def test_firm_b_cannot_reach_firm_a(
    app: FastAPI,
    client: TestClient,
    session: Session,
    world: FirmWorld,
    other_world: FirmWorld,
    method: str,
    path: str,
    check: Check,
) -> None:
    session.flush()
    a_rate, a_tag = billing_rows(session, world)
    b_rate, b_tag = billing_rows(session, other_world)
    ctx = Ctx(
        a=world,
        b=other_world,
        session=session,
        a_entry=log_time(session, world),
        b_entry=log_time(session, other_world),
        a_rate=a_rate,
        b_rate=b_rate,
        a_tag=a_tag,
        b_tag=b_tag,
    )
    headers = other_world.owner.headers()
    if isinstance(check, Listing):
        _check_listing(client, ctx, method, path, check, headers)
        return
    if isinstance(check, Query):
        _check_query(client, ctx, method, path, check, headers)
        return
    if isinstance(check, Own):
        created = client.request(method, path, json=check.body(ctx), headers=headers)
        assert created.status_code in {200, 201}, created.text
        read = check.read.format(uuid=created.json()["uuid"])
        assert client.get(read, headers=other_world.owner.headers()).status_code == 200
        from_a = client.get(read, headers=world.owner.headers())
        assert from_a.status_code == 404, from_a.text
        assert from_a.json() == {"message": "Not Found."}
        return
    params = {key: _uuid(value) for key, value in check.params(ctx).items()}
    body = check.body(ctx) if method in {"POST", "PUT", "PATCH"} else None
    response = client.request(method, path.format(**params), json=body, headers=headers)
    if isinstance(check, Path):
        assert response.status_code == 404, response.text
        assert list(response.json()) == ["message"]
        # Firm A's record answers exactly as a record that exists nowhere.
        ghost = {
            key: str(uuid.uuid4()) if _is_uuid(value) else value for key, value in params.items()
        }
        nowhere = client.request(method, path.format(**ghost), json=body, headers=headers)
        assert (nowhere.status_code, nowhere.json()) == (404, response.json())
    else:
        assert response.status_code == 422, response.text
        assert check.field in response.json()["errors"], response.text
    _untouched(ctx)

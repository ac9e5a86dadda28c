"""Shared steps of the webhook tests."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import FirmWorld
from timeledger.models import WebhookDelivery, WebhookEvent

SUBSCRIPTIONS = "/api/v2/webhook-subscriptions"
ENTRIES = "/api/v1/time-entry"


def subscribe(
    client: TestClient, world: FirmWorld, url: str, events: list[str] | None = None
) -> dict[str, Any]:
    response = client.post(
        SUBSCRIPTIONS, json={"url": url, "events": events or ["*"]}, headers=world.owner.headers()
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def log_time(client: TestClient, world: FirmWorld, **fields: Any) -> dict[str, Any]:
    body = {
        "trackable_type": "client",
        "trackable_uuid": str(world.client.uuid),
        "name": "Research",
        **fields,
    }
    if "start_date" not in fields and "total_time_in_minutes" not in fields:
        body["total_time_in_minutes"] = 30
    response = client.post(ENTRIES, json=body, headers=world.owner.headers())
    assert response.status_code in (200, 201), response.text
    shown: dict[str, Any] = response.json()
    return shown


def hex_hmac(secret: str, body: bytes) -> str:
    """Plannr's X-Signature, computed as a receiver would, without our code."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def count(session: Session, model: type[WebhookEvent] | type[WebhookDelivery]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def payloads(session: Session) -> list[dict[str, Any]]:
    rows = session.scalars(select(WebhookEvent).order_by(WebhookEvent.id))
    return [json.loads(json.dumps(row.payload)) for row in rows]

"""Fixtures of the billing tests: staff of each role, rate rules and entries via the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, Staff, make_staff
from timeledger.models import AccountRole

RATES = "/api/v1/billing-rates"
ENTRIES = "/api/v1/time-entry"

Call = Callable[..., httpx.Response]


@pytest.fixture
def admin(session: Session, world: FirmWorld) -> Staff:
    return make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.ADMIN, first_name="Ada")


@pytest.fixture
def member(session: Session, world: FirmWorld) -> Staff:
    return make_staff(
        session, world.firm, now=FROZEN_NOW, role=AccountRole.MEMBER, first_name="Mia"
    )


@pytest.fixture
def rate(client: TestClient, world: FirmWorld) -> Callable[..., dict[str, Any]]:
    """``rate(15000, "2025-01-01", client=..., staff=..., case=..., to=...)``: a rule made
    through the API by the owner; returns its resource."""

    def make(
        hourly_rate: int,
        effective_from: str = "2025-01-01",
        *,
        to: str | None = None,
        staff: Staff | None = None,
        client_uuid: object = None,
        case_uuid: object = None,
        currency: str | None = None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"hourly_rate": hourly_rate, "effective_from": effective_from}
        if to:
            body["effective_to"] = to
        if staff:
            body["staff_uuid"] = str(staff.account.uuid)
        if client_uuid:
            body["client_uuid"] = str(client_uuid)
        if case_uuid:
            body["case_uuid"] = str(case_uuid)
        if currency:
            body["currency"] = currency
        response = client.post(RATES, json=body, headers=world.owner.headers())
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    return make


@pytest.fixture
def log(client: TestClient, world: FirmWorld) -> Callable[..., httpx.Response]:
    """``log(who, on="client", uuid=..., start=..., minutes=60, **extra)``: POST an entry."""

    def make(
        who: Staff | None = None,
        *,
        on: str = "client",
        uuid: object = None,
        start: str = "2025-08-04T10:00:00",
        minutes: int | None = 60,
        params: dict[str, Any] | None = None,
        **extra: Any,
    ) -> httpx.Response:
        body: dict[str, Any] = {
            "trackable_type": on,
            "trackable_uuid": str(uuid or world.client.uuid),
            "name": "Advice",
            "start_date": start,
            **extra,
        }
        if minutes is not None:
            body["total_time_in_minutes"] = minutes
        return client.post(
            ENTRIES, json=body, params=params or {}, headers=(who or world.owner).headers()
        )

    return make

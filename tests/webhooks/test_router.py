"""The subscription routes: Plannr's shape, owners and admins only, firm-scoped, and bad
input answered 422 or 404 in Laravel's words."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, make_staff
from tests.webhooks.helpers import SUBSCRIPTIONS, subscribe
from timeledger.models import AccountRole

URL = "http://127.0.0.1:8119/hook"


class TestCreate:
    def test_valid(self, client: TestClient, world: FirmWorld) -> None:
        response = client.post(
            SUBSCRIPTIONS,
            json={"url": URL, "events": ["time-entry.*", "case.created"], "description": "CRM"},
            headers=world.owner.headers(),
        )
        assert response.status_code == 201
        body = response.json()
        assert set(body) >= {
            "uuid",
            "url",
            "events",
            "signing_secret",
            "last_outgoing_webhook_call_at",
            "created_at",
            "updated_at",
            "enabled",
            "description",
            "disabled_reason",
        }
        assert body["events"] == ["time-entry.*", "case.created"]
        assert body["enabled"] is True
        assert body["created_at"] == "2025-08-07T13:41:42+01:00"
        assert len(body["signing_secret"]) == 60

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"url": URL, "events": []}, "events"),
            ({"url": URL, "events": ["time-entry.exploded"]}, "events"),
            ({"url": URL}, "events"),
            ({"url": "not a url", "events": ["*"]}, "url"),
            ({"url": "ftp://example.com/x", "events": ["*"]}, "url"),
            ({"url": "http://example.com/hook", "events": ["*"]}, "url"),
            ({"url": "https://10.1.2.3/hook", "events": ["*"]}, "url"),
            ({"url": "https://169.254.169.254/latest", "events": ["*"]}, "url"),
            ({"url": "https://[::1]/hook", "events": ["*"]}, "url"),
            ({"url": "https://127.0.0.2/hook", "events": ["*"]}, "url"),
            ({"url": "https://user:pw@example.com/hook", "events": ["*"]}, "url"),
        ],
    )
    def test_bad_input(
        self, client: TestClient, world: FirmWorld, body: dict[str, object], field: str
    ) -> None:
        response = client.post(SUBSCRIPTIONS, json=body, headers=world.owner.headers())
        assert response.status_code == 422, response.text
        assert field in response.json()["errors"]

    def test_member_is_refused(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        member = make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.MEMBER)
        response = client.post(
            SUBSCRIPTIONS, json={"url": URL, "events": ["*"]}, headers=member.headers()
        )
        assert response.status_code == 403
        assert "owners and admins" in response.json()["message"]

    def test_admin_may(self, client: TestClient, world: FirmWorld, session: Session) -> None:
        admin = make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.ADMIN)
        response = client.post(
            SUBSCRIPTIONS, json={"url": URL, "events": ["*"]}, headers=admin.headers()
        )
        assert response.status_code == 201


class TestReadChangeDelete:
    def test_list_get_update_delete(self, client: TestClient, world: FirmWorld) -> None:
        headers = world.owner.headers()
        sub = subscribe(client, world, URL, ["time-entry.created"])
        listed = client.get(SUBSCRIPTIONS, headers=headers).json()
        assert [s["uuid"] for s in listed["data"]] == [sub["uuid"]]
        one = client.get(f"{SUBSCRIPTIONS}/{sub['uuid']}", headers=headers).json()
        assert one == sub
        changed = client.put(
            f"{SUBSCRIPTIONS}/{sub['uuid']}",
            json={"events": ["*"], "enabled": False},
            headers=headers,
        ).json()
        assert changed["events"] == ["*"]
        assert changed["enabled"] is False
        assert changed["disabled_reason"] == "Disabled by a user."
        assert changed["signing_secret"] == sub["signing_secret"]
        bad = client.put(f"{SUBSCRIPTIONS}/{sub['uuid']}", json={"events": []}, headers=headers)
        assert bad.status_code == 422
        assert client.delete(f"{SUBSCRIPTIONS}/{sub['uuid']}", headers=headers).status_code == 200
        assert client.get(f"{SUBSCRIPTIONS}/{sub['uuid']}", headers=headers).status_code == 404
        assert client.get(SUBSCRIPTIONS, headers=headers).json()["data"] == []

    @pytest.mark.parametrize(
        ("method", "suffix"),
        [
            ("GET", ""),
            ("PUT", ""),
            ("DELETE", ""),
            ("POST", "/ping"),
            ("POST", "/rotate-secret"),
            ("GET", "/deliveries"),
        ],
    )
    def test_another_firms_subscription_is_not_found(
        self,
        client: TestClient,
        world: FirmWorld,
        other_world: FirmWorld,
        method: str,
        suffix: str,
    ) -> None:
        theirs = subscribe(client, other_world, URL)
        body = {"enabled": False} if method == "PUT" else None
        for target in (theirs["uuid"], str(uuid.uuid4()), "not-a-uuid"):
            response = client.request(
                method,
                f"{SUBSCRIPTIONS}/{target}{suffix}",
                headers=world.owner.headers(),
                json=body,
            )
            assert response.status_code == 404, (target, response.text)
            assert response.json() == {"message": "Not Found."}

    def test_retry_of_unknown_delivery_is_not_found(
        self, client: TestClient, world: FirmWorld
    ) -> None:
        response = client.post(
            f"{SUBSCRIPTIONS}/deliveries/{uuid.uuid4()}/retry", headers=world.owner.headers()
        )
        assert response.status_code == 404

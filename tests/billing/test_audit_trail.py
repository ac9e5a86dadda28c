"""The firm's billing audit trail, as owners and admins read it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import FirmWorld, Staff

AUDIT = "/api/v1/audit-events"


def test_managers_read_every_billing_change_newest_first(
    client: TestClient, world: FirmWorld, admin: Staff, rate: Callable[..., dict[str, Any]]
) -> None:
    made = rate(100)
    headers = world.owner.headers()
    client.put(f"/api/v1/billing-rates/{made['uuid']}", json={"hourly_rate": 150}, headers=headers)
    client.post("/api/v1/tags", json={"name": "Research"}, headers=headers)
    client.put(
        f"/api/v1/firm/{world.firm.uuid}/lock",
        json={"locked_before": "2025-08-01"},
        headers=headers,
    )

    response = client.get(AUDIT, headers=admin.headers())
    assert response.status_code == 200, response.text
    rows = response.json()["data"]
    assert [(r["subject_type"], r["action"]) for r in rows] == [
        ("lock", "locked"),
        ("tag", "created"),
        ("billing_rate", "updated"),
        ("billing_rate", "created"),
    ]
    update = rows[2]
    assert update["subject_uuid"] == made["uuid"]
    assert (update["before"]["hourly_rate"], update["after"]["hourly_rate"]) == (100, 150)
    assert update["account"]["uuid"] == str(world.owner.account.uuid)
    assert update["token"]["name"] == "test"
    assert update["created_at"] == "2025-08-07T13:41:42+01:00"

    only_rate = client.get(
        AUDIT,
        params={"filter[subject_uuid]": made["uuid"], "sort": "created_at"},
        headers=headers,
    ).json()["data"]
    assert [r["action"] for r in only_rate] == ["created", "updated"]
    tags = client.get(AUDIT, params={"filter[subject_type]": "tag"}, headers=headers).json()
    assert [r["action"] for r in tags["data"]] == ["created"]


def test_members_may_not_read_it(client: TestClient, member: Staff) -> None:
    assert client.get(AUDIT, headers=member.headers()).status_code == 403

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, make_staff
from timeledger.models import AccountRole, AccountType


def post_task(client: TestClient, world: FirmWorld, **body: object) -> dict[str, Any]:
    response = client.post("/api/v1/task", json=body, headers=world.owner.headers())
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


class TestCreateTask:
    def test_creates_a_task_on_a_client_and_answers_201(
        self, client: TestClient, world: FirmWorld
    ) -> None:
        body = post_task(
            client,
            world,
            name="Send pack",
            description="Before the meeting.",
            priority="highest",
            due_at="2025-12-01 09:30:00",
            taskable_type="client",
            taskable_uuid=str(world.client.uuid),
        )
        assert body["name"] == "Send pack"
        assert body["priority"] == "highest"
        # Read in the firm's zone (London, winter: +00:00), shown with its offset.
        assert body["due_at"] == "2025-12-01T09:30:00+00:00"
        assert body["taskable_type"] == "client"
        assert body["taskable"]["uuid"] == str(world.client.uuid)
        assert body["archived_at"] is None

    def test_defaults_and_a_case_taskable(self, client: TestClient, world: FirmWorld) -> None:
        body = post_task(
            client,
            world,
            name="File notes",
            taskable_type="case",
            taskable_uuid=str(world.case.uuid),
        )
        assert (body["priority"], body["due_at"], body["description"]) == ("medium", None, None)
        assert body["taskable_type"] == "case"
        assert body["taskable"]["slug"] == "pension-transfer"

    def test_validates_the_body(self, client: TestClient, world: FirmWorld) -> None:
        headers = world.owner.headers()
        bad = client.post(
            "/api/v1/task",
            json={
                "name": "",
                "priority": "urgent",
                "due_at": "someday",
                "taskable_type": "plan",
                "taskable_uuid": str(world.client.uuid),
            },
            headers=headers,
        )
        assert bad.status_code == 422
        assert bad.json()["errors"] == {
            "name": ["The name field is required."],
            "priority": ["The selected priority is invalid."],
            "due_at": ["The due at field must be a valid date."],
            "taskable_type": ["The selected taskable type is invalid."],
        }
        employee = client.post(
            "/api/v1/task",
            json={
                "name": "X",
                "taskable_type": "client",
                "taskable_uuid": str(world.owner.account.uuid),
            },
            headers=headers,
        )
        assert employee.status_code == 422
        assert employee.json()["errors"] == {
            "taskable_uuid": ["The selected taskable uuid is invalid."]
        }


class TestReadTasks:
    def test_lists_with_filters(self, client: TestClient, world: FirmWorld) -> None:
        headers = world.owner.headers()
        listed = client.get("/api/v1/task", headers=headers)
        assert listed.status_code == 200
        assert [t["name"] for t in listed.json()["data"]] == ["Annual review", "Gather statements"]
        on_case = client.get("/api/v1/task?filter[taskable_type]=case", headers=headers).json()
        assert [t["name"] for t in on_case["data"]] == ["Gather statements"]
        on_client = client.get(
            f"/api/v1/task?filter[taskable_uuid]={world.client.uuid}", headers=headers
        ).json()
        assert [t["name"] for t in on_client["data"]] == ["Annual review"]
        by_priority = client.get("/api/v1/task?filter[priority]=high", headers=headers).json()
        assert by_priority["data"] == []
        by_name = client.get("/api/v1/task?sort=-name", headers=headers).json()
        assert [t["name"] for t in by_name["data"]] == ["Gather statements", "Annual review"]

    def test_shows_a_task(self, client: TestClient, world: FirmWorld) -> None:
        response = client.get(f"/api/v1/task/{world.case_task.uuid}", headers=world.owner.headers())
        assert response.status_code == 200
        assert response.json()["taskable"]["uuid"] == str(world.case.uuid)

    def test_clients_may_not_read_tasks(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        carla = make_staff(
            session,
            world.firm,
            now=FROZEN_NOW,
            role=AccountRole.INDIVIDUAL,
            account_type=AccountType.CLIENT,
        )
        response = client.get("/api/v1/task", headers=carla.headers())
        assert response.status_code == 403
        assert response.json() == {"message": "This action is unauthorized."}


class TestUpdateTask:
    def test_edits_and_moves_a_task(self, client: TestClient, world: FirmWorld) -> None:
        response = client.put(
            f"/api/v1/task/{world.task.uuid}",
            json={
                "priority": "low",
                "due_at": "2025-08-08",
                "taskable_type": "case",
                "taskable_uuid": str(world.case.uuid),
            },
            headers=world.owner.headers(),
        )
        assert response.status_code == 200
        body = response.json()
        assert (body["name"], body["priority"], body["due_at"]) == (
            "Annual review",
            "low",
            "2025-08-08T00:00:00+01:00",
        )
        assert body["taskable_type"] == "case"

    def test_moving_needs_both_fields(self, client: TestClient, world: FirmWorld) -> None:
        response = client.put(
            f"/api/v1/task/{world.task.uuid}",
            json={"taskable_type": "case"},
            headers=world.owner.headers(),
        )
        assert response.status_code == 422
        assert response.json()["errors"] == {
            "taskable_uuid": ["Send taskable type and taskable uuid together to move a task."]
        }

    def test_archives(self, client: TestClient, world: FirmWorld) -> None:
        headers = world.owner.headers()
        response = client.delete(f"/api/v1/task/{world.task.uuid}", headers=headers)
        assert response.status_code == 200
        assert response.json()["archived_at"] == "2025-08-07T13:41:42+01:00"
        names = [t["name"] for t in client.get("/api/v1/task", headers=headers).json()["data"]]
        assert names == ["Gather statements"]

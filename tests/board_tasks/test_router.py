from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, make_staff
from timeledger.models import AccountRole


class TestBoardTasks:
    def test_creates_on_a_case_and_answers_201(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        member = make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.MEMBER)
        response = client.post(
            "/api/v1/board-task",
            json={"name": "Chase provider", "case_uuid": str(world.case.uuid)},
            headers=member.headers(),
        )
        assert response.status_code == 201
        body = response.json()
        assert (body["name"], body["description"], body["archived_at"]) == (
            "Chase provider",
            None,
            None,
        )
        assert body["case"]["uuid"] == str(world.case.uuid)

    def test_needs_a_live_case_of_the_firm(self, client: TestClient, world: FirmWorld) -> None:
        headers = world.owner.headers()
        client.delete(f"/api/v1/cases/{world.case.uuid}", headers=headers)
        response = client.post(
            "/api/v1/board-task",
            json={"name": "Late card", "case_uuid": str(world.case.uuid)},
            headers=headers,
        )
        assert response.status_code == 422
        assert response.json()["errors"] == {"case_uuid": ["The selected case uuid is invalid."]}
        missing = client.post("/api/v1/board-task", json={"name": "X"}, headers=headers)
        assert missing.json()["errors"] == {"case_uuid": ["The case uuid field is required."]}

    def test_lists_filters_shows_updates_and_archives(
        self, client: TestClient, world: FirmWorld
    ) -> None:
        headers = world.owner.headers()
        listed = client.get(
            f"/api/v1/board-task?filter[case_uuid]={world.case.uuid}", headers=headers
        )
        assert listed.status_code == 200
        assert [b["name"] for b in listed.json()["data"]] == ["Call provider"]
        url = f"/api/v1/board-task/{world.board_task.uuid}"
        assert client.get(url, headers=headers).json()["name"] == "Call provider"
        updated = client.put(url, json={"description": "Ask for the CETV."}, headers=headers)
        assert updated.status_code == 200
        assert (updated.json()["name"], updated.json()["description"]) == (
            "Call provider",
            "Ask for the CETV.",
        )
        archived = client.delete(url, headers=headers)
        assert archived.status_code == 200
        assert archived.json()["archived_at"] == "2025-08-07T13:41:42+01:00"
        assert client.get("/api/v1/board-task", headers=headers).json()["data"] == []

    def test_read_only_logins_cannot_write(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        reader = make_staff(
            session, world.firm, now=FROZEN_NOW, role=AccountRole.MEMBER, write=False
        )
        url = f"/api/v1/board-task/{world.board_task.uuid}"
        assert client.get(url, headers=reader.headers()).status_code == 200
        response = client.put(url, json={"name": "Mine now"}, headers=reader.headers())
        assert response.status_code == 403
        assert response.json() == {"message": "This action is unauthorized."}

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, Staff, make_staff
from timeledger.models import AccountRole, AccountType

NOT_FOUND = {"message": "Not Found."}


def client_login(session: Session, world: FirmWorld) -> Staff:
    return make_staff(
        session,
        world.firm,
        now=FROZEN_NOW,
        role=AccountRole.INDIVIDUAL,
        account_type=AccountType.CLIENT,
        first_name="Carla",
    )


def new_case(
    client: TestClient, world: FirmWorld, name: str, *participants: object
) -> dict[str, Any]:
    response = client.post(
        "/api/v1/cases",
        json={"name": name, "participants": [str(p) for p in participants]},
        headers=world.owner.headers(),
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


class TestCreateCase:
    def test_creates_a_case_with_its_participants(
        self, client: TestClient, world: FirmWorld
    ) -> None:
        body = new_case(
            client, world, "Mortgage review", world.other_client.uuid, world.owner.account.uuid
        )
        assert body["name"] == "Mortgage review"
        assert body["slug"] == "mortgage-review"
        assert body["participants_count"] == 2
        assert [p["first_name"] for p in body["participants"]] == ["Alex", "Priya"]
        assert body["created_at"] == "2025-08-07T13:41:42+01:00"
        assert body["archived_at"] is None

    def test_participants_must_be_the_firms_and_include_a_client(
        self, client: TestClient, world: FirmWorld
    ) -> None:
        headers = world.owner.headers()
        staff_only = client.post(
            "/api/v1/cases",
            json={"name": "X", "participants": [str(world.owner.account.uuid)]},
            headers=headers,
        )
        assert staff_only.status_code == 422
        assert staff_only.json()["errors"] == {
            "participants": ["The participants must include a client."]
        }
        unknown = client.post(
            "/api/v1/cases",
            json={
                "name": "X",
                "participants": [str(world.client.uuid), "00000000-0000-0000-0000-000000000000"],
            },
            headers=headers,
        )
        assert unknown.status_code == 422
        assert unknown.json()["errors"] == {
            "participants.1": ["The selected participants.1 is invalid."]
        }
        empty = client.post("/api/v1/cases", json={"name": "", "participants": []}, headers=headers)
        assert empty.status_code == 422
        assert empty.json()["errors"] == {
            "name": ["The name field is required."],
            "participants": ["The participants field must have at least 1 item."],
        }
        no_one = client.post(
            "/api/v1/cases", json={"name": "X", "participants": []}, headers=headers
        )
        assert no_one.status_code == 422
        assert no_one.json()["errors"] == {
            "participants": ["The participants field must have at least 1 item."]
        }

    def test_clients_cannot_create_cases(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        carla = client_login(session, world)
        response = client.post(
            "/api/v1/cases",
            json={"name": "Mine", "participants": [str(carla.account.uuid)]},
            headers=carla.headers(),
        )
        assert response.status_code == 403
        assert response.json() == {"message": "This action is unauthorized."}


class TestListCases:
    def test_lists_cases_by_name_with_participants(
        self, client: TestClient, world: FirmWorld
    ) -> None:
        new_case(client, world, "Annuity", world.other_client.uuid)
        response = client.get("/api/v1/cases", headers=world.owner.headers())
        assert response.status_code == 200
        body = response.json()
        assert [c["name"] for c in body["data"]] == ["Annuity", "Pension transfer"]
        assert [p["first_name"] for p in body["data"][1]["participants"]] == ["Gareth"]
        assert body["meta"]["total"] == 2

    def test_filters(self, client: TestClient, world: FirmWorld) -> None:
        headers = world.owner.headers()
        annuity = new_case(client, world, "Annuity", world.other_client.uuid)
        by_account = client.get(
            f"/api/v1/cases?filter[account_uuids]={world.other_client.uuid}", headers=headers
        ).json()
        assert [c["uuid"] for c in by_account["data"]] == [annuity["uuid"]]
        by_uuid = client.get(f"/api/v1/cases?filter[uuid]={world.case.uuid}", headers=headers)
        assert [c["name"] for c in by_uuid.json()["data"]] == ["Pension transfer"]
        junk = client.get(f"/api/v1/cases?filter[uuid]={world.case.uuid},junk", headers=headers)
        assert junk.status_code == 422
        assert list(junk.json()["errors"]) == ["filter[uuid]"]
        by_name = client.get("/api/v1/cases?filter[name]=NUIT", headers=headers).json()
        assert [c["name"] for c in by_name["data"]] == ["Annuity"]

    def test_a_client_sees_only_its_cases(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        carla = client_login(session, world)
        mine = new_case(client, world, "Carla's ISA", carla.account.uuid)
        listed = client.get("/api/v1/cases", headers=carla.headers())
        assert listed.status_code == 200
        assert [c["uuid"] for c in listed.json()["data"]] == [mine["uuid"]]
        shown = client.get(f"/api/v1/cases/{mine['uuid']}", headers=carla.headers())
        assert shown.status_code == 200
        other = client.get(f"/api/v1/cases/{world.case.uuid}", headers=carla.headers())
        assert other.status_code == 404
        assert other.json() == NOT_FOUND


class TestGetCase:
    def test_shows_a_case(self, client: TestClient, world: FirmWorld) -> None:
        response = client.get(f"/api/v1/cases/{world.case.uuid}", headers=world.owner.headers())
        assert response.status_code == 200
        assert response.json()["name"] == "Pension transfer"
        assert response.json()["participants"][0]["uuid"] == str(world.client.uuid)

    def test_a_malformed_uuid_is_404(self, client: TestClient, world: FirmWorld) -> None:
        response = client.get("/api/v1/cases/12", headers=world.owner.headers())
        assert response.status_code == 404
        assert response.json() == NOT_FOUND


class TestUpdateCase:
    def test_renames_and_replaces_participants(self, client: TestClient, world: FirmWorld) -> None:
        response = client.put(
            f"/api/v1/cases/{world.case.uuid}",
            json={"name": "Pension transfer (DB)", "participants": [str(world.other_client.uuid)]},
            headers=world.owner.headers(),
        )
        assert response.status_code == 200
        body = response.json()
        assert (body["name"], body["slug"]) == ("Pension transfer (DB)", "pension-transfer-db")
        assert [p["first_name"] for p in body["participants"]] == ["Priya"]

    def test_keeps_what_is_not_sent(self, client: TestClient, world: FirmWorld) -> None:
        response = client.put(
            f"/api/v1/cases/{world.case.uuid}",
            json={"name": "Renamed"},
            headers=world.owner.headers(),
        )
        assert [p["first_name"] for p in response.json()["participants"]] == ["Gareth"]
        cleared = client.put(
            f"/api/v1/cases/{world.case.uuid}",
            json={"participants": None},
            headers=world.owner.headers(),
        )
        assert cleared.status_code == 422
        assert cleared.json()["errors"] == {"participants": ["The participants field is required."]}


class TestArchiveCase:
    def test_archives_a_case_which_stays_readable(
        self, client: TestClient, world: FirmWorld
    ) -> None:
        headers = world.owner.headers()
        response = client.delete(f"/api/v1/cases/{world.case.uuid}", headers=headers)
        assert response.status_code == 200
        assert response.json()["archived_at"] == "2025-08-07T13:41:42+01:00"
        assert client.get("/api/v1/cases", headers=headers).json()["data"] == []
        shown = client.get(f"/api/v1/cases/{world.case.uuid}", headers=headers)
        assert shown.status_code == 200
        with_archived = client.get("/api/v1/cases?filter[archived]=1", headers=headers).json()
        assert [c["archived_at"] for c in with_archived["data"]] == ["2025-08-07T13:41:42+01:00"]
        refused = client.post(
            "/api/v1/time-entry",
            json={
                "trackable_type": "case",
                "trackable_uuid": str(world.case.uuid),
                "name": "Late work",
                "total_time_in_minutes": 10,
            },
            headers=headers,
        )
        assert refused.status_code == 422


class TestClientCases:
    def test_lists_a_clients_cases(self, client: TestClient, world: FirmWorld) -> None:
        new_case(client, world, "Priya only", world.other_client.uuid)
        response = client.get(
            f"/api/v1/client/{world.client.uuid}/cases", headers=world.owner.headers()
        )
        assert response.status_code == 200
        assert [c["name"] for c in response.json()["data"]] == ["Pension transfer"]

    def test_an_unknown_or_employee_uuid_is_404(self, client: TestClient, world: FirmWorld) -> None:
        for raw in (world.owner.account.uuid, "nope"):
            response = client.get(f"/api/v1/client/{raw}/cases", headers=world.owner.headers())
            assert response.status_code == 404
            assert response.json() == NOT_FOUND

    def test_a_client_reads_only_its_own(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        carla = client_login(session, world)
        other = client.get(f"/api/v1/client/{world.client.uuid}/cases", headers=carla.headers())
        assert other.status_code == 404
        mine = client.get(f"/api/v1/client/{carla.account.uuid}/cases", headers=carla.headers())
        assert mine.status_code == 200
        assert mine.json()["data"] == []

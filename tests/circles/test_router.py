from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, make_staff
from timeledger.models import AccountRole, AccountType

FORBIDDEN = {"message": "This action is unauthorized."}


class TestCreateCircle:
    def test_creates_a_circle_and_answers_201(self, client: TestClient, world: FirmWorld) -> None:
        response = client.post(
            "/api/v1/circles",
            json={
                "name": "Shah family",
                "account_uuids": [str(world.other_client.uuid), str(world.client.uuid)],
                "group_uuids": [None, None],
            },
            headers=world.owner.headers(),
        )
        assert response.status_code == 201
        body = response.json()
        assert body["name"] == "Shah family"
        assert [a["first_name"] for a in body["accounts"]] == ["Gareth", "Priya"]
        assert body["created_at"] == "2025-08-07T13:41:42+01:00"

    def test_needs_2_to_50_distinct_accounts_of_the_firm(
        self, client: TestClient, world: FirmWorld
    ) -> None:
        headers = world.owner.headers()
        one = client.post(
            "/api/v1/circles",
            json={"name": "Solo", "account_uuids": [str(world.client.uuid)]},
            headers=headers,
        )
        assert one.status_code == 422
        assert one.json()["errors"] == {
            "account_uuids": ["The account uuids field must have at least 2 items."]
        }
        twice = client.post(
            "/api/v1/circles",
            json={"name": "Twice", "account_uuids": [str(world.client.uuid)] * 2},
            headers=headers,
        )
        assert twice.status_code == 422
        assert twice.json()["errors"] == {
            "account_uuids": ["The account uuids field must name at least 2 different accounts."]
        }
        too_many = client.post(
            "/api/v1/circles",
            json={"name": "Crowd", "account_uuids": [str(world.client.uuid)] * 51},
            headers=headers,
        )
        assert too_many.status_code == 422
        assert too_many.json()["errors"] == {
            "account_uuids": ["The account uuids field must not have more than 50 items."]
        }
        unknown = client.post(
            "/api/v1/circles",
            json={"name": "Ghost", "account_uuids": [str(world.client.uuid), "not-a-uuid"]},
            headers=headers,
        )
        assert unknown.status_code == 422
        assert unknown.json()["errors"] == {
            "account_uuids.1": ["The account uuids 1 field must be a valid UUID."]
        }


class TestReadCircles:
    def test_lists_and_shows_circles(self, client: TestClient, world: FirmWorld) -> None:
        headers = world.owner.headers()
        listed = client.get("/api/v1/circles", headers=headers)
        assert listed.status_code == 200
        assert [c["name"] for c in listed.json()["data"]] == ["Thompson household"]
        by_member = client.get(
            f"/api/v1/circles?filter[account_uuids]={world.owner.account.uuid}", headers=headers
        )
        assert by_member.json()["data"] == []
        shown = client.get(f"/api/v1/circles/{world.circle.uuid}", headers=headers)
        assert shown.status_code == 200
        assert len(shown.json()["accounts"]) == 2

    def test_clients_may_not_read_circles(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        carla = make_staff(
            session,
            world.firm,
            now=FROZEN_NOW,
            role=AccountRole.INDIVIDUAL,
            account_type=AccountType.CLIENT,
        )
        for url in ("/api/v1/circles", f"/api/v1/circles/{world.circle.uuid}"):
            response = client.get(url, headers=carla.headers())
            assert response.status_code == 403
            assert response.json() == FORBIDDEN


class TestUpdateAndArchiveCircle:
    def test_renames_and_replaces_members(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        member = make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.MEMBER)
        response = client.put(
            f"/api/v1/circles/{world.circle.uuid}",
            json={
                "name": "Thompsons",
                "account_uuids": [str(world.client.uuid), str(world.owner.account.uuid)],
            },
            headers=member.headers(),
        )
        assert response.status_code == 200
        assert response.json()["name"] == "Thompsons"
        assert [a["first_name"] for a in response.json()["accounts"]] == ["Alex", "Gareth"]

    def test_archives(self, client: TestClient, world: FirmWorld) -> None:
        headers = world.owner.headers()
        response = client.delete(f"/api/v1/circles/{world.circle.uuid}", headers=headers)
        assert response.status_code == 200
        assert response.json()["archived_at"] == "2025-08-07T13:41:42+01:00"
        assert client.get("/api/v1/circles", headers=headers).json()["data"] == []

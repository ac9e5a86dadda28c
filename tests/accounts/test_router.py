from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, Staff, make_client, make_staff
from timeledger.models import AccountRole, AccountType, TimeEntry

NOT_FOUND = {"message": "Not Found."}
FORBIDDEN = {"message": "This action is unauthorized."}


def staff(
    session: Session,
    world: FirmWorld,
    role: AccountRole,
    *,
    write: bool = True,
    delete: bool = True,
) -> Staff:
    return make_staff(session, world.firm, now=FROZEN_NOW, role=role, write=write, delete=delete)


def client_login(session: Session, world: FirmWorld) -> Staff:
    return make_staff(
        session,
        world.firm,
        now=FROZEN_NOW,
        role=AccountRole.INDIVIDUAL,
        account_type=AccountType.CLIENT,
        first_name="Carla",
    )


class TestListAccounts:
    def test_lists_the_firms_accounts_sorted_by_first_name(
        self, client: TestClient, world: FirmWorld
    ) -> None:
        response = client.get("/api/v1/account", headers=world.owner.headers())
        assert response.status_code == 200
        body = response.json()
        assert [a["first_name"] for a in body["data"]] == ["Alex", "Gareth", "Priya"]
        assert body["meta"]["total"] == 3
        assert body["meta"]["per_page"] == 15
        gareth = body["data"][1]
        assert gareth == {
            "uuid": str(world.client.uuid),
            "name": "Gareth Thompson",
            "role": "individual",
            "type": "client",
            "email": "gareth@example.com",
            "first_name": "Gareth",
            "last_name": "Thompson",
            "photo_url": None,
            "created_at": "2025-08-07T13:41:42+01:00",
            "updated_at": "2025-08-07T13:41:42+01:00",
            "external_references": [],
            "archived_at": None,
        }

    def test_filters_by_type_role_and_part_of_a_name(
        self, client: TestClient, world: FirmWorld
    ) -> None:
        headers = world.owner.headers()
        clients = client.get("/api/v1/account?filter[type]=client", headers=headers).json()
        assert {a["first_name"] for a in clients["data"]} == {"Gareth", "Priya"}
        owners = client.get("/api/v1/account?filter[role]=owner,admin", headers=headers).json()
        assert [a["uuid"] for a in owners["data"]] == [str(world.owner.account.uuid)]
        named = client.get("/api/v1/account?filter[name]=HOMP", headers=headers).json()
        assert [a["first_name"] for a in named["data"]] == ["Gareth"]
        wildcard = client.get("/api/v1/account?filter[name]=%25", headers=headers).json()
        assert wildcard["data"] == []

    def test_sorts_and_pages(self, client: TestClient, world: FirmWorld) -> None:
        response = client.get(
            "/api/v1/account?sort=-last_name&per_page=2&page=2", headers=world.owner.headers()
        )
        assert response.status_code == 200
        body = response.json()
        # Last names descending: Thompson, Staff<n>, Shah; page 2 holds the third.
        assert [a["first_name"] for a in body["data"]] == ["Priya"]
        assert body["meta"]["last_page"] == 2
        assert body["links"]["prev"].endswith("page=1")

    def test_refuses_unknown_filters_sorts_and_values(
        self, client: TestClient, world: FirmWorld
    ) -> None:
        headers = world.owner.headers()
        unknown = client.get("/api/v1/account?filter[email]=x", headers=headers)
        assert unknown.status_code == 400
        assert unknown.json()["message"].startswith("Requested filter(s) `email` are not allowed")
        bad_sort = client.get("/api/v1/account?sort=email", headers=headers)
        assert bad_sort.status_code == 400
        bad_type = client.get("/api/v1/account?filter[type]=robot", headers=headers)
        assert bad_type.status_code == 422
        assert bad_type.json()["errors"] == {
            "filter[type]": [
                "The selected filter[type] is invalid: use client, employee, external."
            ]
        }

    def test_a_client_sees_only_itself(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        carla = client_login(session, world)
        response = client.get("/api/v1/account", headers=carla.headers())
        assert response.status_code == 200
        assert [a["uuid"] for a in response.json()["data"]] == [str(carla.account.uuid)]

    def test_needs_a_token(self, client: TestClient) -> None:
        response = client.get("/api/v1/account")
        assert response.status_code == 401
        assert response.json() == {"message": "Unauthenticated."}


class TestGetAccount:
    def test_shows_an_account(self, client: TestClient, world: FirmWorld) -> None:
        response = client.get(f"/api/v1/account/{world.client.uuid}", headers=world.owner.headers())
        assert response.status_code == 200
        assert response.json()["name"] == "Gareth Thompson"

    def test_a_malformed_or_unknown_uuid_is_404(self, client: TestClient, world: FirmWorld) -> None:
        for raw in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
            response = client.get(f"/api/v1/account/{raw}", headers=world.owner.headers())
            assert response.status_code == 404
            assert response.json() == NOT_FOUND

    def test_a_client_reads_itself_and_nobody_else(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        carla = client_login(session, world)
        mine = client.get(f"/api/v1/account/{carla.account.uuid}", headers=carla.headers())
        assert mine.status_code == 200
        assert mine.json()["first_name"] == "Carla"
        other = client.get(f"/api/v1/account/{world.client.uuid}", headers=carla.headers())
        assert other.status_code == 404
        assert other.json() == NOT_FOUND


class TestCreateAccount:
    def test_creates_a_client_and_answers_200(self, client: TestClient, world: FirmWorld) -> None:
        response = client.post(
            "/api/v1/account",
            json={
                "type": "client",
                "role": "trust",
                "first_name": "Oak Trust",
                "email": "trustees@example.com",
            },
            headers=world.owner.headers(),
        )
        assert response.status_code == 200
        body = response.json()
        assert (body["type"], body["role"], body["name"], body["last_name"]) == (
            "client",
            "trust",
            "Oak Trust",
            "",
        )
        shown = client.get(f"/api/v1/account/{body['uuid']}", headers=world.owner.headers())
        assert shown.json() == body

    def test_validates_the_body(self, client: TestClient, world: FirmWorld) -> None:
        headers = world.owner.headers()
        wrong_role = client.post(
            "/api/v1/account",
            json={"type": "client", "role": "owner", "first_name": "X"},
            headers=headers,
        )
        assert wrong_role.status_code == 422
        assert wrong_role.json()["errors"] == {
            "role": ["The role owner is not valid for a client account."]
        }
        missing = client.post(
            "/api/v1/account",
            json={"type": "client", "role": "individual", "email": "nope"},
            headers=headers,
        )
        assert missing.status_code == 422
        assert missing.json()["errors"] == {
            "first_name": ["The first name field is required."],
            "email": ["The email field must be a valid email address."],
        }
        unknown_type = client.post(
            "/api/v1/account",
            json={"type": "robot", "role": "individual", "first_name": "X"},
            headers=headers,
        )
        assert unknown_type.json()["errors"] == {"type": ["The selected type is invalid."]}

    def test_members_create_clients_but_not_staff(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        member = staff(session, world, AccountRole.MEMBER)
        ok = client.post(
            "/api/v1/account",
            json={"type": "external", "role": "introducer", "first_name": "Ivy"},
            headers=member.headers(),
        )
        assert ok.status_code == 200
        refused = client.post(
            "/api/v1/account",
            json={"type": "employee", "role": "member", "first_name": "Mo"},
            headers=member.headers(),
        )
        assert refused.status_code == 403
        assert refused.json() == FORBIDDEN

    def test_admins_add_staff_but_only_owners_add_owners(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        admin = staff(session, world, AccountRole.ADMIN)
        member = client.post(
            "/api/v1/account",
            json={"type": "employee", "role": "member", "first_name": "Mo"},
            headers=admin.headers(),
        )
        assert member.status_code == 200
        owner = {"type": "employee", "role": "owner", "first_name": "Olu"}
        refused = client.post("/api/v1/account", json=owner, headers=admin.headers())
        assert refused.status_code == 403
        allowed = client.post("/api/v1/account", json=owner, headers=world.owner.headers())
        assert allowed.status_code == 200
        assert allowed.json()["role"] == "owner"

    def test_clients_and_read_only_logins_cannot_create(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        reader = staff(session, world, AccountRole.MEMBER, write=False)
        body = {"type": "client", "role": "individual", "first_name": "X"}
        for caller in (client_login(session, world), reader):
            response = client.post("/api/v1/account", json=body, headers=caller.headers())
            assert response.status_code == 403
            assert response.json() == FORBIDDEN


class TestUpdateAccount:
    def test_changes_only_the_fields_sent(self, client: TestClient, world: FirmWorld) -> None:
        response = client.put(
            f"/api/v1/account/{world.client.uuid}",
            json={"last_name": "Thompson-Hale", "role": "joint"},
            headers=world.owner.headers(),
        )
        assert response.status_code == 200
        body = response.json()
        assert (body["first_name"], body["last_name"], body["role"], body["email"]) == (
            "Gareth",
            "Thompson-Hale",
            "joint",
            "gareth@example.com",
        )

    def test_refuses_a_role_of_another_type_and_a_null_name(
        self, client: TestClient, world: FirmWorld
    ) -> None:
        url = f"/api/v1/account/{world.client.uuid}"
        role = client.put(url, json={"role": "admin"}, headers=world.owner.headers())
        assert role.status_code == 422
        assert role.json()["errors"] == {
            "role": ["The role admin is not valid for a client account."]
        }
        name = client.put(url, json={"first_name": None}, headers=world.owner.headers())
        assert name.status_code == 422
        assert name.json()["errors"] == {"first_name": ["The first name field is required."]}

    def test_members_cannot_edit_staff(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        member = staff(session, world, AccountRole.MEMBER)
        response = client.put(
            f"/api/v1/account/{world.owner.account.uuid}",
            json={"first_name": "Demoted"},
            headers=member.headers(),
        )
        assert response.status_code == 403
        assert response.json() == FORBIDDEN


class TestArchiveAccount:
    def test_archives_and_keeps_the_time_logged_against_it(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        headers = world.owner.headers()
        entry = {
            "trackable_type": "client",
            "trackable_uuid": str(world.client.uuid),
            "name": "Review",
            "total_time_in_minutes": 30,
        }
        assert client.post("/api/v1/time-entry", json=entry, headers=headers).status_code == 200
        response = client.delete(f"/api/v1/account/{world.client.uuid}", headers=headers)
        assert response.status_code == 200
        assert response.json()["archived_at"] == "2025-08-07T13:41:42+01:00"
        # Still readable, gone from lists, no new time, the old time intact.
        shown = client.get(f"/api/v1/account/{world.client.uuid}", headers=headers)
        assert shown.json()["archived_at"] == "2025-08-07T13:41:42+01:00"
        listed = client.get("/api/v1/account?filter[type]=client", headers=headers).json()
        assert [a["first_name"] for a in listed["data"]] == ["Priya"]
        again = client.post("/api/v1/time-entry", json=entry, headers=headers)
        assert again.status_code == 422
        assert again.json()["errors"] == {
            "trackable_uuid": ["The selected trackable uuid is invalid."]
        }
        kept = session.scalars(
            select(TimeEntry).where(TimeEntry.trackable_id == world.client.id)
        ).all()
        assert [(e.name, e.deleted_at) for e in kept] == [("Review", None)]

    def test_needs_delete_permission_and_not_oneself(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        no_delete = staff(session, world, AccountRole.ADMIN, delete=False)
        refused = client.delete(f"/api/v1/account/{world.client.uuid}", headers=no_delete.headers())
        assert refused.status_code == 403
        self_ = client.delete(
            f"/api/v1/account/{world.owner.account.uuid}", headers=world.owner.headers()
        )
        assert self_.status_code == 422
        assert self_.json()["errors"] == {"uuid": ["You cannot archive your own account."]}


class TestClientViews:
    def test_lists_clients_only_filtered_by_their_role(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        headers = world.owner.headers()
        response = client.get("/api/v1/client", headers=headers)
        assert response.status_code == 200
        assert [a["first_name"] for a in response.json()["data"]] == ["Gareth", "Priya"]
        make_client(session, world.firm, now=FROZEN_NOW, first="Zed", last="Joint")
        joint = client.get("/api/v1/client?filter[type]=individual", headers=headers).json()
        assert [a["first_name"] for a in joint["data"]] == ["Gareth", "Priya", "Zed"]
        none = client.get("/api/v1/client?filter[type]=trust", headers=headers).json()
        assert none["data"] == []
        wrong = client.get("/api/v1/client?filter[type]=employee", headers=headers)
        assert wrong.status_code == 422

    def test_shows_a_client_but_not_an_employee(self, client: TestClient, world: FirmWorld) -> None:
        headers = world.owner.headers()
        found = client.get(f"/api/v1/client/{world.client.uuid}", headers=headers)
        assert found.status_code == 200
        assert found.json()["uuid"] == str(world.client.uuid)
        employee = client.get(f"/api/v1/client/{world.owner.account.uuid}", headers=headers)
        assert employee.status_code == 404
        assert employee.json() == NOT_FOUND


class TestEmail:
    def test_is_optional_and_nullable(self, client: TestClient, world: FirmWorld) -> None:
        created = client.post(
            "/api/v1/account",
            json={"type": "client", "role": "individual", "first_name": "No", "email": None},
            headers=world.owner.headers(),
        )
        assert created.status_code == 200, created.text
        assert created.json()["email"] is None
        cleared = client.put(
            f"/api/v1/account/{world.client.uuid}",
            json={"email": None},
            headers=world.owner.headers(),
        )
        assert cleared.status_code == 200
        assert cleared.json()["email"] is None

    def test_is_at_most_320_characters(self, client: TestClient, world: FirmWorld) -> None:
        response = client.put(
            f"/api/v1/account/{world.client.uuid}",
            json={"email": "a@example.com" + "m" * 320},
            headers=world.owner.headers(),
        )
        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["email"]
